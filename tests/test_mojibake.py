"""Mojibake that is in the page itself is repaired before the stages read it (clean/frontends/mojibake.py)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

import clean
from clean.frontends.mojibake import repair_mojibake

WCXB = Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb"
C1_OR_DOUBLE_DECODED = re.compile("[\x80-\x9f]|â€|Ã©")


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("Because we\x92re so used to it", "Because we’re so used to it"),  # C1 for a cp1252 apostrophe
        ("W New York\x97Union Square", "W New York—Union Square"),
        ("â\x80\x9cThe fact is", "“The fact is"),  # UTF-8 read as Latin-1
        ("â€œThe fact isâ€\x9d", "“The fact is”"),  # ... and as Windows-1252
        ("Ã©tudiant, â‚¬25", "étudiant, €25"),
    ],
)
def test_double_decoded_text_is_repaired(broken: str, repaired: str) -> None:
    assert repair_mojibake(broken) == repaired


@pytest.mark.parametrize(
    "correct",
    [
        "naïve café à côté",
        "São Paulo",
        "Ελληνικά",
        "日本語のテキスト",
        "“quoted” — ﬁne, ＡＢＣ",
        "Prix : 25\xa0€",
        "plain ascii",
    ],
)
def test_correct_text_is_left_alone(correct: str) -> None:
    # Curly quotes, ligatures, full-width letters and no-break spaces are correct text: ftfy's
    # fixes for them are off.
    assert repair_mojibake(correct) == correct


def test_html_and_text_mode_repair_the_same_line() -> None:
    html = (
        "<html><body><article><h1>Power cuts</h1><p>Because we\x92re so used to electricity, "
        "a cut of an hour feels long. â€œThe grid is old,â€\x9d the engineer said.</p>"
        "</article></body></html>"
    )
    from_html = clean.clean_html(html.encode("utf-8")).text
    from_text = clean.clean_text("Because we\x92re so used to electricity, a cut of an hour feels long.").text
    assert "we’re so used" in from_html and "“The grid is old,”" in from_html
    assert not C1_OR_DOUBLE_DECODED.search(from_html)
    assert from_text == "Because we’re so used to electricity, a cut of an hour feels long."


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
@pytest.mark.parametrize(("page_id", "repaired"), [("0273", "we’re so used"), ("4125", "“The fact is")])
def test_real_pages_come_out_repaired(page_id: str, repaired: str) -> None:
    html = gzip.decompress((WCXB / "dev" / "html" / f"{page_id}.html.gz").read_bytes())
    text = clean.clean_html(html).text
    assert repaired in text
    assert not C1_OR_DOUBLE_DECODED.search(text)


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
@pytest.mark.parametrize(("page_id", "broken"), [("0273", "we\x92re"), ("4125", "â\x80\x9cThe fact is")])
def test_each_repair_is_recorded_with_the_text_as_the_page_had_it(page_id: str, broken: str) -> None:
    html = gzip.decompress((WCXB / "dev" / "html" / f"{page_id}.html.gz").read_bytes())
    result = clean.clean_html(html)
    repairs = result.to_dict(with_diff=False)["repaired"]
    assert any(broken in r["before"] for r in repairs)
    for repair in repairs:
        block = result.document.blocks[repair["block"]]
        assert block.text == repair["after"] != repair["before"]  # the stages read the repaired text
        assert repair_mojibake(repair["before"]) == repair["after"]
        assert repair["steps"] and all(isinstance(step, str) for step in repair["steps"])


def test_text_mode_records_its_repairs_and_correct_text_none() -> None:
    result = clean.clean_text("Power cuts\n\nBecause we\x92re so used to it.\nNaïve café, São Paulo.")
    assert [(r.block, r.before, r.after) for r in result.repaired] == [
        (1, "Because we\x92re so used to it.", "Because we’re so used to it.")
    ]
    assert clean.clean_text("Naïve café, São Paulo, “quoted”.").repaired == []
