"""The page's elements rebuilt from its blocks: what each element holds.

Every prefix of a block's path names one element (see path.py), so totals per
element (words, characters, link characters, prose) come from the blocks
alone, without going back to the DOM. Rule and heuristic stages ask these
totals questions like "is this element mostly links?" or "does it hold most
of the page's prose?".
"""

from __future__ import annotations

from collections.abc import Sequence

from clean.frontends.html.path import SEPARATOR
from clean.model import Block


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


def element_stats(blocks: Sequence[Block], prose: Sequence[float]) -> dict[str, ElementStats]:
    """Totals for every element that holds at least one of `blocks` (given in document order);
    `prose[i]` is the prose weight of `blocks[i]` (callers weigh prose differently).

    In document order the blocks of one element come one after another, so a
    stack of the open elements is enough: when a block leaves an element, the
    element's totals are final and go to its parent.
    """
    elements: dict[str, ElementStats] = {}
    stack: list[ElementStats] = []
    element: ElementStats | None = None  # the innermost open element, stack[-1]
    gap = len(SEPARATOR)
    for block, weight in zip(blocks, prose, strict=True):
        path = block.path
        if not path:
            continue
        if element is None or path != element.path:  # else: the previous block's element again
            while stack:
                top = stack[-1].path
                if path == top or path.startswith(top) and path.startswith(SEPARATOR, len(top)):
                    break
                done = stack.pop()
                if stack:  # ElementStats.add, inlined: the loop's most frequent call
                    parent = stack[-1]
                    parent.words += done.words
                    parent.chars += done.chars
                    parent.link_chars += done.link_chars
                    parent.prose += done.prose
                    parent.blocks += done.blocks
                    parent.holds_h1 = parent.holds_h1 or done.holds_h1
            if not stack or stack[-1].path != path:
                # Open the elements between the innermost open one and the block's own,
                # each named by a prefix of the block's path (a slice: no string building).
                start = len(stack[-1].path) + gap if stack else 0
                while True:
                    end = path.find(SEPARATOR, start)
                    prefix = path if end < 0 else path[:end]
                    opened = ElementStats(prefix)
                    if stack:
                        stack[-1].children.append(prefix)
                    elements[prefix] = opened
                    stack.append(opened)
                    if end < 0:
                        break
                    start = end + gap
            element = stack[-1]
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
