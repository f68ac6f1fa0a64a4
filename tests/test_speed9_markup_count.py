"""check_markup counts a page's block start tags a piece at a time (limits._more_block_starts_than).

The count must be the whole page's, wherever the pieces end: a tag cut in two
by a piece's end would be lost (and a deep page let through to the parser).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clean import limits
from clean.errors import TooDeepError
from clean.options import Options

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "html").glob("*.html"))


def whole_count(html: str) -> int:
    return len(limits._BLOCK_START_TAG.findall(html))


@pytest.mark.parametrize("piece", [1, 7, 64, 1000])
def test_counted_in_pieces_as_in_one_pass(monkeypatch, piece):
    monkeypatch.setattr(limits, "_COUNTED_PIECE", piece)
    texts = [p.read_text("utf-8", "replace") for p in PAGES]
    # Tags of every spelling, back to back.
    texts.append("<div><DIV\n<section/><p><div>x</div><ul\t><nav>" * 37)
    for html in texts:
        count = whole_count(html)
        assert count > 0
        for limit in (0, count // 2, count - 1):
            assert limits._more_block_starts_than(html, limit), (piece, limit)
        assert not limits._more_block_starts_than(html, count), piece


def test_a_deep_page_is_refused_when_its_nesting_starts_pieces_later():
    html = "<p>filler</p>" * 20_000 + "<div>" * 600 + "x" + "</div>" * 600
    assert len(html) > 8 * limits._COUNTED_PIECE
    with pytest.raises(TooDeepError):
        limits.check_markup(html, Options())
    limits.check_markup(html, Options(max_dom_depth=600))  # at the limit: allowed
