"""The page's main region: the element that holds the article's prose.

1. A semantic container (<article>, <main>, role=main, itemprop=articleBody)
   that holds at least `SEMANTIC_SHARE` of the page's prose, the deepest such;
2. otherwise the deepest element that holds at least `REGION_SHARE` of it;

then widened to its parent while what the parent adds is itself prose-like
(an article's title and lead often sit in a sibling of its body).
"""

from __future__ import annotations

from dataclasses import dataclass

from clean.frontends.html.elements import ElementStats
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


def last_step(path: str) -> Step:
    return parse_step(path.rpartition(SEPARATOR)[2])


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


def find_region(elements: dict[str, ElementStats], total_prose: float) -> Region | None:
    if total_prose <= 0 or not elements:
        return None
    semantic = [
        e
        for e in elements.values()
        if e.prose >= SEMANTIC_SHARE * total_prose and is_semantic(last_step(e.path))
    ]
    if semantic:
        best = max(semantic, key=lambda e: e.path.count(SEPARATOR))
        share = best.prose / total_prose
        why = f"the page's <{last_step(best.path).tag}> element holds {share:.0%} of its prose"
    else:
        roots = [e for p, e in elements.items() if SEPARATOR not in p]
        best = max(roots, key=lambda e: e.prose)
        while True:
            heavy = [elements[c] for c in best.children if elements[c].prose >= REGION_SHARE * total_prose]
            if not heavy:
                break
            best = heavy[0]
        why = f"the deepest element holding {best.prose / total_prose:.0%} of the page's prose"
    return Region(widen(best.path, elements), why)


def widen(path: str, elements: dict[str, ElementStats]) -> str:
    while SEPARATOR in path:
        parent_path = path.rpartition(SEPARATOR)[0]
        if last_step(parent_path).tag in ("body", "html"):
            break
        parent, child = elements[parent_path], elements[path]
        extra_chars = parent.chars - child.chars
        if extra_chars > 0:
            link_density = (parent.link_chars - child.link_chars) / extra_chars
            prose_like = (parent.prose - child.prose) / extra_chars >= WIDEN_MIN_PROSE_SHARE
            if link_density > WIDEN_MAX_LINK_DENSITY or not (prose_like or extra_chars <= WIDEN_SMALL_CHARS):
                break
        path = parent_path
    return path
