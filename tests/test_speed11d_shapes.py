"""The element table's numbers of shapes without ids (ElementTable.bare_shapes, session 11,
speed11d) group blocks as the ids stripped from each shape's string did: on real pages (the
fixtures and WCXB tune pages) and on paths with ids at every depth."""

from __future__ import annotations

import numpy as np
from real_pages import parsed_pages

from clean.frontends.html.elements import ELEMENT_ID, ElementTable, element_table
from clean.learned.model import shipped_model
from clean.learned.page_cut import keyed_shape_groups, shape_groups


def _same_partition(table: ElementTable) -> None:
    """Two elements share a number exactly when their shapes' strings without ids are equal."""
    number_of: dict[str, int] = {}
    string_of: dict[int, str] = {}
    for shape, number in zip(table.shapes, table.bare_shapes, strict=True):
        bare = ELEMENT_ID.sub("", shape)
        assert number_of.setdefault(bare, number) == number
        assert string_of.setdefault(number, bare) == bare


def test_bare_shape_numbers_on_paths_with_ids():
    paths = [
        "body > div#post_1 > p",
        "body > div#post_2 > p:2",
        "body > div#post_2.x > p",
        "body > div > p",
        "body#b > div > p#q",
        "main#m > div#post_1 > p",
        None,
    ]
    table = ElementTable(paths)
    _same_partition(table)
    numbers = [table.bare_shapes[e] for e in table.block_element]
    assert numbers[0] == numbers[1] == numbers[3] == numbers[4] != numbers[2]
    assert numbers[5] not in (numbers[0], numbers[2], numbers[6])


def test_keyed_groups_equal_the_groups_of_stripped_shapes():
    model = shipped_model()
    grouped = 0
    for doc in parsed_pages():
        table = element_table(doc)
        _same_partition(table)
        _, layout = model.features_and_layout(doc)
        paths = [b.path for b in doc.blocks]
        counted = np.array([bool(p) for p in paths], dtype=bool) & (layout.words > 0)
        groups = keyed_shape_groups(counted, layout.bare_shape_ids)
        expected = shape_groups(paths, layout.words)  # a regex per path, ids stripped from the strings
        assert [g.tolist() for g in groups] == [g.tolist() for g in expected]
        grouped += bool(groups)
    assert grouped >= 3
