"""The page's elements rebuilt from its blocks: what each element holds.

Every prefix of a block's path names one element (see path.py), so totals per
element (words, characters, link characters, prose) come from the blocks
alone, without going back to the DOM. Rule and heuristic stages ask these
totals questions like "is this element mostly links?" or "does it hold most
of the page's prose?".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

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


def element_stats(blocks: Iterable[Block], prose_weight: Callable[[Block], float]) -> dict[str, ElementStats]:
    """Totals for every element that holds at least one of `blocks`."""
    own: dict[str, ElementStats] = {}
    for block in blocks:
        if not block.path:
            continue
        stats = own.get(block.path)
        if stats is None:
            stats = own[block.path] = ElementStats(block.path)
        features = block.features
        stats.words += features.get("words", 0.0)
        stats.chars += features.get("chars", 0.0)
        stats.link_chars += features.get("link_chars", 0.0)
        stats.prose += prose_weight(block)
        stats.blocks += 1
        stats.holds_h1 = stats.holds_h1 or block.tag == "h1"
    # Every ancestor of a block-owning element, in the order first seen
    # (document order), each linked to its parent.
    elements: dict[str, ElementStats] = {}
    for path in own:
        current = path
        while current and current not in elements:
            elements[current] = ElementStats(current)
            current = current.rpartition(SEPARATOR)[0]
    for path in elements:
        parent = path.rpartition(SEPARATOR)[0]
        if parent:
            elements[parent].children.append(path)
    # Deepest first, so a parent adds each child's final totals. An element
    # can own blocks and have children (text directly in a div, a p inside it).
    for path in sorted(elements, key=lambda p: p.count(SEPARATOR), reverse=True):
        element = elements[path]
        if path in own:
            element.add(own[path])
        parent = path.rpartition(SEPARATOR)[0]
        if parent:
            elements[parent].add(element)
    return elements
