"""A rule's removal that the learned scorer undid is in the outputs: to_dict() and batch lines.

Without it a caller who reads the JSON sees a block in the text that a rule had
matched (a "Last updated ..." crumb, an "Also read:" line) and no word of why it
stayed; only the HTML report showed it.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

import clean
from clean.batch.records import InputRecord
from clean.batch.worker import clean_record
from clean.options import Options

WCXB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wcxb" / "dev"
# Tune pages (ids not divisible by 5) where a rule removes a block that the learned
# scorer then keeps: a metadata crumb on 0009, an "Also read" cue's lines on 0016.
PAGES = ("0009", "0016")

pytestmark = pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")


def _html(page: str) -> bytes:
    return gzip.decompress((WCXB / "html" / f"{page}.html.gz").read_bytes())


@pytest.mark.parametrize("page", PAGES)
def test_to_dict_names_each_restored_block_its_rule_and_why_it_stayed(page):
    result = clean.clean_html(_html(page))
    restored = result.to_dict(with_diff=False)["restored"]
    assert restored and len(restored) == len(result.document.overridden)
    removed_blocks = {r["block"] for r in result.to_dict(with_diff=False)["removed"] if r["start"] == 0}
    for entry in restored:
        undone = entry["undone"]
        assert undone["stage"] != entry["stage"] == "learned-scorer"
        assert undone["rule"] and undone["reason"]
        assert "content probability" in entry["reason"]
        # The block is in the clean text and not removed again by anyone.
        assert undone["text"] in result.text
        assert undone["block"] not in removed_blocks
    json.dumps(restored)  # JSON-ready


def test_a_batch_line_carries_the_same_restorations():
    html = _html(PAGES[0])
    line, stats = clean_record(InputRecord(id=PAGES[0], content=html), Options())
    row = json.loads(line)
    assert stats.error_kind is None
    expected = clean.clean_html(html).to_dict(with_diff=False)
    assert row["restored"] == expected["restored"] != []
    assert row["repaired"] == expected["repaired"]


def test_a_page_without_restorations_says_so():
    prose = "A plain sentence of prose. " * 30
    result = clean.clean_html(f"<html><body><article><p>{prose}</p></article></body></html>")
    assert result.document.overridden == [] and result.to_dict()["restored"] == []
