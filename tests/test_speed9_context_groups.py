"""Main content groups blocks by element id, as context_features groups them by path.

The second pass of the block scorer reads the mean first-pass score of the
blocks under each block's parent and grandparent. Main content keys those
groups by element id (parent_elements) instead of cutting paths; training
(train_block_scorer) still passes paths. Both must give the same rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clean.frontends.html import parse_document
from clean.frontends.html.elements import element_table
from clean.heuristics.block_features import context_features, grouped_context_features, parent_elements
from clean.options import Options

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "html").glob("*.html"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_groups_by_element_id_are_the_groups_by_path(page: Path):
    doc = parse_document(page.read_bytes(), None, Options())
    blocks = [b for b in doc.blocks if b.path]
    table = element_table(doc)
    parents, grandparents = parent_elements(table, [table.ids[b.path] for b in blocks])
    paths = [b.path for b in blocks]
    # The ids name the elements the paths name ("" above the top is -1).
    assert [table.paths[p] if p >= 0 else "" for p in parents] == [p.rpartition(" > ")[0] for p in paths]
    assert [table.paths[g] if g >= 0 else "" for g in grandparents] == [
        p.rpartition(" > ")[0].rpartition(" > ")[0] for p in paths
    ]
    words = [b.features["words"] for b in blocks]
    scores = [(i * 37 % 101) / 100 for i in range(len(blocks))]  # distinct per block, so groups show
    by_id = grouped_context_features(parents, grandparents, words, scores)
    assert by_id == context_features(paths, words, scores)
