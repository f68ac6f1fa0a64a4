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
        self.ids = ids = {}
        self.block_element = block_element = []
        # A page repeats its steps ("li:2", "div.card"): their forms are worked out once.
        forms: dict[str, tuple[str, str]] = {}
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
                        step_forms = forms[step] = (without_index(step), shape)
                    step_unindexed, shape = step_forms
                    if found:
                        up_id = ids[up]
                        parent.append(up_id)
                        depth.append(depth[up_id] + 1)
                        shape = f"{shapes[up_id]}{SEPARATOR}{shape}"
                    else:
                        parent.append(element)
                        depth.append(0)
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


class ElementStats:
    __slots__ = ("path", "words", "chars", "link_chars", "prose", "blocks", "holds_h1", "children")

    def __init__(self, path: str) -> None:
        self.path = path
        self.words = 0.0
        self.chars = 0.0
        self.link_chars = 0.0
        self.prose = 0.0
        self.blocks = 0
        self.holds_h1 = False
        self.children: list[str] = []

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0

    def add(self, other: ElementStats) -> None:
        self.words += other.words
        self.chars += other.chars
        self.link_chars += other.link_chars
        self.prose += other.prose
        self.blocks += other.blocks
        self.holds_h1 = self.holds_h1 or other.holds_h1


def element_stats(
    table: ElementTable, blocks: Sequence[Block], prose: Sequence[float]
) -> dict[str, ElementStats]:
    """Totals for every element that holds at least one of `blocks` (blocks of the table's page, in
    document order); `prose[i]` is the prose weight of `blocks[i]` (callers weigh prose differently).

    In document order the blocks of one element come one after another, so a
    stack of the open elements is enough: when a block leaves an element, the
    element's totals are final and go to its parent. The table tells which
    open elements hold the next block (by element id and depth: no paths are
    compared or cut here).
    """
    elements: dict[str, ElementStats] = {}
    paths, ids, parent, depth = table.paths, table.ids, table.parent, table.depth
    stack: list[ElementStats] = []  # the open elements, outermost first: stack[d] is at depth d
    open_ids: list[int] = []  # their ids
    current = -1  # the innermost open element's id
    element: ElementStats | None = None  # and its totals, stack[-1]
    for block, weight in zip(blocks, prose, strict=True):
        path = block.path
        if not path:
            continue
        element_id = ids[path]
        if element_id != current:  # else: the previous block's element again
            up = parent[element_id]
            if current >= 0 and up == parent[current] and up >= 0:
                # The common step across: a sibling of the innermost open element, which
                # closes (below) while the sibling opens; nothing to climb (its parent, at
                # depth[up], is open).
                opening, level = [element_id], depth[up]
            else:
                # Climb from the block's element to the deepest open element holding it,
                # noting the elements to open on the way (innermost first).
                up, level = element_id, depth[element_id]
                opening = []
                while level >= len(open_ids) or (level >= 0 and open_ids[level] != up):
                    opening.append(up)
                    up, level = parent[up], level - 1
            while len(open_ids) > level + 1:
                del open_ids[-1]
                done = stack.pop()
                if stack:  # ElementStats.add, inlined: the loop's most frequent call
                    above = stack[-1]
                    above.words += done.words
                    above.chars += done.chars
                    above.link_chars += done.link_chars
                    above.prose += done.prose
                    above.blocks += done.blocks
                    if done.holds_h1:
                        above.holds_h1 = True
            for new in reversed(opening):
                new_path = paths[new]
                opened = ElementStats(new_path)
                if stack:
                    stack[-1].children.append(new_path)
                elements[new_path] = opened
                stack.append(opened)
                open_ids.append(new)
            current, element = element_id, stack[-1]
        features = block.features
        element.words += features.get("words", 0.0)
        element.chars += features.get("chars", 0.0)
        element.link_chars += features.get("link_chars", 0.0)
        element.prose += weight
        element.blocks += 1
        if block.tag == "h1":
            element.holds_h1 = True
    while stack:
        done = stack.pop()
        if stack:
            stack[-1].add(done)
    return elements
