"""The walk builds each Block with positional arguments, in the dataclass's field order.

segment's flush passes index, text, kind, group, tag, path, lines and
features by position (binding keywords cost more than the rest of the call).
Should Block's fields be reordered, the values would land in the wrong
fields without an error: every block of the fixture pages must hold what the
keyword form gave it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from clean.frontends.html import parse_document
from clean.frontends.html.segment import PARAGRAPH_KINDS
from clean.model import Block
from clean.options import Options

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "html").glob("*.html"))


def test_block_fields_keep_the_order_flush_passes():
    names = [f.name for f in dataclasses.fields(Block)]
    assert names[:8] == ["index", "text", "kind", "group", "tag", "path", "lines", "features"]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_blocks_hold_what_the_keywords_gave(page):
    doc = parse_document(page.read_bytes(), None, Options())
    assert doc.blocks
    for position, block in enumerate(doc.blocks):
        assert block.index == position
        assert isinstance(block.text, str) and block.text == block.text.strip() and block.text
        assert block.kind == PARAGRAPH_KINDS.get(block.tag, "text")
        assert isinstance(block.group, int) and block.group > 0
        assert isinstance(block.path, str) and block.path.split(" > ")[-1].startswith(block.tag)
        assert block.lines is None and block.removal is None and block.trims == []
        assert block.features["chars"] == float(len(block.text))
