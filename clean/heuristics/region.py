"""The page's main region: the element that holds the article's prose.

1. A semantic container (<article>, <main>, role=main, itemprop=articleBody)
   that holds at least `SEMANTIC_SHARE` of the page's prose, the deepest such;
2. otherwise the deepest element that holds at least `REGION_SHARE` of it;

then widened to its parent while what the parent adds is itself prose-like
(an article's title and lead often sit in a sibling of its body).
"""

from __future__ import annotations

from dataclasses import dataclass

from clean.frontends.html.elements import ElementTable, ElementTotals
from clean.frontends.html.path import SEPARATOR, Step, parse_step
from clean.model import Block

PROSE_MIN_WORDS = 8
PROSE_MAX_LINK_DENSITY = 0.35
SEMANTIC_SHARE = 0.5
REGION_SHARE = 0.7
# Widening: what the parent adds must be this prose-like (prose chars / chars) ...
WIDEN_MIN_PROSE_SHARE = 0.4
# ... or this small and link-free (a title, a byline).
WIDEN_SMALL_CHARS = 300
WIDEN_MAX_LINK_DENSITY = 0.3


def prose_weight(block: Block) -> float:
    """Characters outside links, for blocks long enough and not mostly links."""
    features = block.features
    density = features.get("link_density", 0.0)
    if features.get("words", 0) < PROSE_MIN_WORDS or density > PROSE_MAX_LINK_DENSITY:
        return 0.0
    return features.get("chars", 0.0) * (1.0 - density)


def is_semantic(step: Step) -> bool:
    return step.tag in ("article", "main") or step.role == "main" or step.itemprop == "articleBody"


@dataclass(frozen=True, slots=True)
class Region:
    path: str
    # How it was chosen, with its numbers, for the removal reasons.
    why: str

    def holds(self, block: Block) -> bool:
        path = block.path or ""
        return path == self.path or path.startswith(self.path + SEPARATOR)


def find_region(totals: ElementTotals, table: ElementTable, total_prose: float) -> Region | None:
    """The region among the table's elements, from their totals over the page's kept blocks."""
    held = totals.blocks
    if total_prose <= 0 or not any(held):
        return None
    prose, depth, steps = totals.prose, table.depth, table.steps
    # Both choices below want at least SEMANTIC_SHARE (< REGION_SHARE) of the prose; in
    # element id order, which is document order, parents first.
    large = [e for e, weight in enumerate(prose) if weight >= SEMANTIC_SHARE * total_prose]
    semantic = [e for e in large if is_semantic(parse_step(steps[e]))]
    if semantic:
        best = max(semantic, key=depth.__getitem__)
        share = prose[best] / total_prose
        why = f"the page's <{parse_step(steps[best]).tag}> element holds {share:.0%} of its prose"
    else:
        roots = [e for e, level in enumerate(depth) if not level and held[e]]
        best = max(roots, key=prose.__getitem__)
        # Down through the first child (in document order) that holds REGION_SHARE of the prose.
        heavy = [e for e in large if prose[e] >= REGION_SHARE * total_prose]
        parent = table.parent
        while True:
            child = next((e for e in heavy if parent[e] == best and e != best), None)
            if child is None:
                break
            best = child
        why = f"the deepest element holding {prose[best] / total_prose:.0%} of the page's prose"
    return Region(table.paths[widen(best, totals, table)], why)


def widen(element: int, totals: ElementTotals, table: ElementTable) -> int:
    parent, steps, chars = table.parent, table.steps, totals.chars
    link_chars, prose = totals.link_chars, totals.prose
    while table.depth[element]:
        up = parent[element]
        if parse_step(steps[up]).tag in ("body", "html"):
            break
        extra_chars = chars[up] - chars[element]
        if extra_chars > 0:
            link_density = (link_chars[up] - link_chars[element]) / extra_chars
            prose_like = (prose[up] - prose[element]) / extra_chars >= WIDEN_MIN_PROSE_SHARE
            if link_density > WIDEN_MAX_LINK_DENSITY or not (prose_like or extra_chars <= WIDEN_SMALL_CHARS):
                break
        element = up
    return element
