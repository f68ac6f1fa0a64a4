"""The HTML report in a real browser (headless Chromium via Selenium): filters, links, screenshot.

Needs the Debian packages `chromium` and `chromium-driver` (CI installs them);
skipped with the reason when they are missing. Chromium runs with no network
features and a fresh profile. `CLEAN_UPDATE_SCREENSHOT=1 pytest
tests/test_report_html_browser.py` also refreshes docs/report.png.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

import clean
from clean.report.html import render_document, write_batch

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "fixtures" / "seeds" / "input").glob("*.txt"))
SEED_004 = next(p for p in SEEDS if p.name.startswith("004_"))
PAGES = sorted((ROOT / "fixtures" / "html").glob("*.html"))
WINDOW = (1280, 1400)

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')"
)
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "headless Chromium not installed: apt-get install -y chromium chromium-driver",
        allow_module_level=True,
    )

from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--hide-scrollbars",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    # An explicit driver path keeps Selenium from looking for (downloading) one.
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def open_report(browser, tmp_path: Path, result: clean.Result, name: str = "report.html") -> None:
    path = tmp_path / name
    path.write_text(render_document(result), encoding="utf-8")
    browser.get(path.as_uri())


def visible(elements) -> list:
    return [e for e in elements if e.is_displayed()]


def test_removed_pieces_are_shown_struck_and_labelled(browser, tmp_path):
    result = clean.clean_text(SEED_004.read_text(encoding="utf-8"))
    open_report(browser, tmp_path, result)
    pieces = browser.find_elements(By.CSS_SELECTOR, ".view del.rm")
    assert len(visible(pieces)) == len(result.removed) >= 5
    for piece, removal in zip(pieces, result.removed, strict=True):
        assert piece.get_attribute("data-rule") == removal.rule
        assert piece.get_attribute("title").startswith(f"{removal.rule}: {removal.reason}")
        assert piece.get_attribute("textContent") == removal.text
        assert "line-through" in piece.value_of_css_property("text-decoration-line")
    # Pieces of one rule share a tint; different rules get different ones.
    tint: dict[str, set[str]] = {}
    for piece in pieces:
        tint.setdefault(piece.get_attribute("data-rule"), set()).add(
            piece.value_of_css_property("background-color")
        )
    assert all(len(t) == 1 for t in tint.values())
    assert len({next(iter(t)) for t in tint.values()}) == len(tint)


def test_unticking_a_rule_hides_its_pieces_and_only_those(browser, tmp_path):
    result = clean.clean_text(SEED_004.read_text(encoding="utf-8"))
    open_report(browser, tmp_path, result)
    counts = {r.rule: sum(1 for x in result.removed if x.rule == r.rule) for r in result.removed}
    rule = max(counts, key=counts.get)
    others = len(result.removed) - counts[rule]

    def shown(rule_name: str | None = None) -> list:
        pieces = browser.find_elements(By.CSS_SELECTOR, ".view del.rm")
        return visible(p for p in pieces if rule_name is None or p.get_attribute("data-rule") == rule_name)

    kept_before = len(visible(browser.find_elements(By.CSS_SELECTOR, ".view .block:not(.removed)")))
    box = browser.find_element(By.CSS_SELECTOR, f'input[data-filter="{rule}"]')
    box.click()
    assert not box.is_selected()
    assert shown(rule) == [] and len(shown()) == others
    notes = browser.find_elements(By.CSS_SELECTOR, f'.view .note[data-rule="{rule}"]')
    assert notes and visible(notes) == []
    assert len(visible(browser.find_elements(By.CSS_SELECTOR, ".view .block:not(.removed)"))) == kept_before
    box.click()
    assert len(shown(rule)) == counts[rule] and len(shown()) == len(result.removed)

    browser.find_element(By.CSS_SELECTOR, 'button[data-set-all="off"]').click()
    assert shown() == []
    assert len(visible(browser.find_elements(By.CSS_SELECTOR, ".view .block:not(.removed)"))) == kept_before
    browser.find_element(By.CSS_SELECTOR, 'button[data-set-all="on"]').click()
    assert len(shown()) == len(result.removed)


def test_hiding_a_rule_that_trims_part_of_a_block_keeps_the_rest_of_the_block(browser, tmp_path):
    seed = next(p for p in SEEDS if p.name.startswith("002_"))
    result = clean.clean_text(seed.read_text(encoding="utf-8"))
    block = next(b for b in result.document.blocks if b.kept and b.trims)
    open_report(browser, tmp_path, result)
    row = browser.find_element(By.CSS_SELECTOR, f'.view .block[data-block="{block.index}"]')
    browser.find_element(By.CSS_SELECTOR, f'input[data-filter="{block.trims[0].rule}"]').click()
    assert row.is_displayed()
    assert row.find_element(By.CSS_SELECTOR, ".text").text.strip() == block.kept_text().replace("\xa0", " ")


def test_batch_index_chart_links_and_sorting(browser, tmp_path):
    entries = [(p.name, clean.clean_text(p.read_text(encoding="utf-8")), p.name) for p in SEEDS]
    entries += [(p.name, clean.clean_html(p.read_bytes()), p.name) for p in PAGES]
    index = write_batch(tmp_path / "report", entries)
    browser.get(index.as_uri())
    rules = {r.rule for _, result, _ in entries for r in result.removed}
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.chart g.bar rect")
    assert len(bars) == len(rules) and all(float(b.get_attribute("width")) > 0 for b in bars)

    header = browser.find_elements(By.CSS_SELECTOR, "table.docs thead th")[5]
    assert header.text.startswith("removals")
    header.click()
    header.click()  # descending: most removals first
    counts = [int(c.text) for c in browser.find_elements(By.CSS_SELECTOR, "table.docs tbody td:nth-child(6)")]
    assert counts == sorted((len(r.removed) for _, r, _ in entries), reverse=True)

    browser.find_element(By.CSS_SELECTOR, "table.docs tbody tr:first-child a").click()
    top = max(entries, key=lambda e: len(e[1].removed))
    assert browser.find_element(By.TAG_NAME, "h1").text == top[2]
    assert len(browser.find_elements(By.CSS_SELECTOR, ".view del.rm")) == len(top[1].removed)
    browser.find_element(By.LINK_TEXT, "← all documents").click()
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_screenshot_of_a_report_is_a_real_picture(browser, tmp_path):
    blank = tmp_path / "blank.html"
    blank.write_text("<!doctype html><title>blank</title>", encoding="utf-8")
    browser.get(blank.as_uri())
    empty = browser.get_screenshot_as_png()

    open_report(browser, tmp_path, clean.clean_text(SEED_004.read_text(encoding="utf-8")))
    shot = browser.get_screenshot_as_png()
    width, height = png_size(shot)
    assert width >= 800 and height >= 600
    assert png_size(empty) == (width, height)
    # A blank page compresses to almost nothing; text, tints and notes do not.
    assert len(shot) > 10 * len(empty) and len(shot) > 50_000
    if os.environ.get("CLEAN_UPDATE_SCREENSHOT"):
        (ROOT / "docs").mkdir(exist_ok=True)
        (ROOT / "docs" / "report.png").write_bytes(shot)
