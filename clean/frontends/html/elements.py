"""The page's elements rebuilt from its blocks: what each element holds.

Every prefix of a block's path names one element (see path.py), so totals per
element (words, characters, link characters, prose) come from the blocks
alone, without going back to the DOM. Rule and heuristic stages ask these
totals questions like "is this element mostly links?" or "does it hold most
of the page's prose?".

The tree itself (which element holds which, each element's own step) is
built once per page, as an `ElementTable` kept on the Document, and shared by
the stages; each adds up its own totals over it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clean.frontends.html.path import SEPARATOR, without_index
from clean.model import Block, Document

# The ":N" sibling indexes of a path; without them, a path is its element's shape
# (the items of a list, the cards of a grid share one).
SIBLING_INDEX = re.compile(r":\d+")
# The "#id" of a path step (ids hold no ".", "[", ":" or blank: path.safe). No step holds a
# blank, so no match crosses a separator: stripping ids step by step strips them from the path.
ELEMENT_ID = re.compile(r"#[^.\[:\s>]*")


class ElementTable:
    """The page's elements rebuilt from its blocks' paths, numbered in document order, parents first.

    Every list is indexed by element id; a top element is its own parent.
    The DOM rules, main content and the learned scorer all read the page's
    element tree and each element's own step: they share this table (see
    `element_table`), built once per page, instead of each rebuilding the tree
    and re-splitting the paths.
    """

    __slots__ = (
        "paths",
        "parent",
        "depth",
        "steps",
        "unindexed",
        "shapes",
        "bare_shapes",
        "ids",
        "block_element",
        "block_paths",
    )
    # Element id -> its path, its parent's id, its depth (a top element: 0); its last step,
    # as written (with its ":N") and without the index, and its path without any ":N".
    paths: list[str]
    parent: list[int]
    depth: list[int]
    steps: list[str]
    unindexed: list[str]
    shapes: list[str]
    # Element id -> the number of its shape without ids (ELEMENT_ID; the learned cut groups
    # blocks by it): the id of the first element with that shape, so the same number exactly
    # when the same ELEMENT_ID.sub("", shapes[element]). Two such strings are equal exactly when
    # their parents' are and the elements' own steps' are (no step holds the separator), so the
    # number comes from the parent's and the step's: +0.09 ms here, where stripping the page's
    # distinct ~500-character shapes in the cut and hashing them cost 0.16 (every 5th page).
    bare_shapes: list[int]
    ids: dict[str, int]  # path -> element id
    # Per block: the element it sits in (a block without a path: the element "").
    block_element: list[int]
    block_paths: list[str | None]  # what the table was built from (element_table checks it)

    def __init__(self, block_paths: list[str | None]) -> None:
        self.block_paths = block_paths
        self.paths = paths = []
        self.parent = parent = []
        self.depth = depth = []
        self.steps = steps = []
        self.unindexed = unindexed = []
        self.shapes = shapes = []
        self.bare_shapes = bare_shapes = []
        bare_numbers: dict[tuple[int, str], int] = {}
        self.ids = ids = {}
        self.block_element = block_element = []
        # A page repeats its steps ("li:2", "div.card"): their forms are worked out once.
        forms: dict[str, tuple[str, str, str]] = {}
        for path in block_paths:
            path = path or ""
            element = ids.get(path)
            if element is None:
                # Climb to the nearest known element (or to the top), then number the
                # new ones outermost first, so that a parent always has its id first.
                chain = []
                while True:
                    up, found, step = path.rpartition(SEPARATOR)
                    chain.append((path, up, found, step))
                    if not found or up in ids:
                        break
                    path = up
                for path, up, found, step in reversed(chain):
                    element = len(paths)
                    step_forms = forms.get(step)
                    if step_forms is None:
                        # No ":N" crosses the separator: stripping them step by step
                        # strips them from the whole path.
                        shape = SIBLING_INDEX.sub("", step) if ":" in step else step
                        bare = ELEMENT_ID.sub("", shape) if "#" in shape else shape
                        step_forms = forms[step] = (without_index(step), shape, bare)
                    step_unindexed, shape, bare = step_forms
                    if found:
                        up_id = ids[up]
                        parent.append(up_id)
                        depth.append(depth[up_id] + 1)
                        shape = f"{shapes[up_id]}{SEPARATOR}{shape}"
                        bare_key = (bare_shapes[up_id], bare)
                    else:
                        parent.append(element)
                        depth.append(0)
                        bare_key = (-1, bare)
                    bare_shapes.append(bare_numbers.setdefault(bare_key, element))
                    ids[path] = element
                    paths.append(path)
                    steps.append(step)
                    unindexed.append(step_unindexed)
                    shapes.append(shape)
            block_element.append(element)


def element_table(doc: Document) -> ElementTable:
    """The table of `doc`'s elements, built on first use and kept on the document.

    It depends on the blocks' paths alone, which no stage changes; should the
    blocks be replaced, a table that no longer matches them is rebuilt.
    """
    paths = [b.path for b in doc.blocks]
    table = doc.element_table
    if table is None or table.block_paths != paths:
        table = doc.element_table = ElementTable(paths)
    return table


class ElementTotals:
    """What each element of a table holds of some blocks: one list per total, indexed by element id.

    An element that holds none of the blocks has `blocks[element] == 0` (and zero totals).
    Lists rather than an object per element: a page has ~450 elements, and the two
    stages that ask (DOM rules, main content) read them by id from the same table.
    """

    __slots__ = ("words", "chars", "link_chars", "prose", "blocks", "holds_h1")

    def __init__(self, count: int) -> None:
        self.words = [0.0] * count
        self.chars = [0.0] * count
        self.link_chars = [0.0] * count
        self.prose = [0.0] * count
        self.blocks = [0] * count
        self.holds_h1 = [False] * count

    def link_density(self, element: int) -> float:
        chars = self.chars[element]
        return self.link_chars[element] / chars if chars else 0.0


def element_stats(table: ElementTable, blocks: Sequence[Block], prose: Sequence[float]) -> ElementTotals:
    """Totals for every element of the table over `blocks` (blocks of the table's page, in
    document order); `prose[i]` is the prose weight of `blocks[i]` (callers weigh prose differently).

    In document order the blocks of one element come one after another, so a
    stack of the open elements is enough: when a block leaves an element, the
    element's totals are final and go to its parent. The table tells which
    open elements hold the next block (by element id and depth: no paths are
    compared or cut here). Each element's totals are its own blocks' and its
    children's added in document order (the order fixes the float sums' last bits).
    """
    ids, parent, depth = table.ids, table.parent, table.depth
    totals = ElementTotals(len(parent))
    words, chars, link_chars = totals.words, totals.chars, totals.link_chars
    prose_of, count, holds_h1 = totals.prose, totals.blocks, totals.holds_h1
    open_ids: list[int] = []  # the open elements, outermost first: open_ids[d] is at depth d
    current = -1  # the innermost open element

    def close_to(level: int) -> None:
        """Close the open elements deeper than `level`, adding each one's totals to its parent's."""
        while len(open_ids) > level + 1:
            done = open_ids.pop()
            if open_ids:
                above = open_ids[-1]
                words[above] += words[done]
                chars[above] += chars[done]
                link_chars[above] += link_chars[done]
                prose_of[above] += prose_of[done]
                count[above] += count[done]
                if holds_h1[done]:
                    holds_h1[above] = True

    for block, weight in zip(blocks, prose, strict=True):
        path = block.path
        if not path:
            continue
        element = ids[path]
        if element != current:  # else: the previous block's element again
            up = parent[element]
            if current >= 0 and up == parent[current]:
                # The common step across: a sibling of the innermost open element, which
                # closes while the sibling opens; nothing to climb (its parent, at
                # depth[up], is open).
                close_to(depth[up])
                open_ids.append(element)
            else:
                # Climb from the block's element to the deepest open element holding it,
                # noting the elements to open on the way (innermost first).
                up, level = element, depth[element]
                opening = []
                while level >= len(open_ids) or (level >= 0 and open_ids[level] != up):
                    opening.append(up)
                    up, level = parent[up], level - 1
                close_to(level)
                opening.reverse()
                open_ids.extend(opening)
            current = element
        features = block.features
        words[element] += features.get("words", 0.0)
        chars[element] += features.get("chars", 0.0)
        link_chars[element] += features.get("link_chars", 0.0)
        prose_of[element] += weight
        count[element] += 1
        if block.tag == "h1":
            holds_h1[element] = True
    close_to(-1)
    return totals
