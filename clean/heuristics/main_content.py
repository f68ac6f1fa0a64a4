"""Main content: find the page's article region and remove what lies outside it.

Rules remove chrome that says what it is; this stage removes what is left
around the article by where the prose is. Each kept block has a prose weight
(its characters outside links, counted only for blocks of some length and
low link density). The region is:

1. a semantic container (<article>, <main>, role=main, itemprop=articleBody)
   that holds at least `SEMANTIC_SHARE` of the page's prose, the deepest such;
2. otherwise the deepest element that holds at least `REGION_SHARE` of it;

then widened to its parent while what the parent adds is itself prose-like
(an article's title and lead in a sibling of its body). Blocks outside are
removed as "outside-main-content"; inside, blocks that are mostly links are
removed as "link-list". Every reason gives the numbers behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

from clean.frontends.html.path import SEPARATOR, parse_step, steps
from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage

STAGE_NAME = "main-content"
PROSE_MIN_WORDS = 8
PROSE_MAX_LINK_DENSITY = 0.35
SEMANTIC_SHARE = 0.5
REGION_SHARE = 0.7
# Widening: what the parent adds must be this prose-like (prose chars / chars) ...
WIDEN_MIN_PROSE_SHARE = 0.4
# ... or this small and link-free (a title, a byline).
WIDEN_SMALL_CHARS = 300
WIDEN_MAX_LINK_DENSITY = 0.3
LINK_LIST_MAX_WORDS = 40
# Paragraphs this long that occur twice are one paragraph laid out twice.
REPEAT_MIN_WORDS = 8
REPEAT_MIN_RUN = 3
REPEAT_LONE_MIN_WORDS = 40
REPEAT_MAX_LINK_DENSITY = 0.5


def prose_weight(block: Block) -> float:
    features = block.features
    if features.get("words", 0) < PROSE_MIN_WORDS or features.get("link_density", 0) > PROSE_MAX_LINK_DENSITY:
        return 0.0
    return features.get("chars", 0.0) * (1.0 - features.get("link_density", 0.0))


@dataclass(slots=True)
class Element:
    path: str
    prose: float = 0.0
    chars: float = 0.0
    link_chars: float = 0.0
    children: list[str] | None = None


def element_tree(blocks: list[Block]) -> dict[str, Element]:
    """Every ancestor element of the blocks, with the prose and text it holds."""
    elements: dict[str, Element] = {}
    for block in blocks:
        weight = prose_weight(block)
        parts = steps(block.path)
        parent: Element | None = None
        for i in range(len(parts)):
            path = SEPARATOR.join(parts[: i + 1])
            element = elements.get(path)
            if element is None:
                element = elements[path] = Element(path, children=[])
                if parent is not None:
                    parent.children.append(path)
            element.prose += weight
            element.chars += block.features.get("chars", 0.0)
            element.link_chars += block.features.get("link_chars", 0.0)
            parent = element
    return elements


def last_step(path: str):
    return parse_step(path.rsplit(SEPARATOR, 1)[-1])


def is_semantic(path: str) -> bool:
    step = last_step(path)
    return step.tag in ("article", "main") or step.role == "main" or step.itemprop == "articleBody"


def find_region(elements: dict[str, Element], total: float) -> tuple[str, str]:
    """(path of the region, how it was chosen)."""
    semantic = [e for e in elements.values() if is_semantic(e.path) and e.prose >= SEMANTIC_SHARE * total]
    if semantic:
        best = max(semantic, key=lambda e: e.path.count(SEPARATOR))
        share = best.prose / total
        return (
            best.path,
            f"the page's {last_step(best.path).tag} element holds {share:.0%} of its prose",
        )
    roots = [e for p, e in elements.items() if SEPARATOR not in p]
    current = max(roots, key=lambda e: e.prose)
    while True:
        heavy = [elements[c] for c in current.children or [] if elements[c].prose >= REGION_SHARE * total]
        if not heavy:
            break
        current = heavy[0]
    return current.path, f"the deepest element holding {current.prose / total:.0%} of the page's prose"


def widen(region: str, elements: dict[str, Element]) -> str:
    while SEPARATOR in region:
        parent_path = region.rsplit(SEPARATOR, 1)[0]
        parent, child = elements[parent_path], elements[region]
        if parse_step(parent_path.rsplit(SEPARATOR, 1)[-1]).tag in ("body", "html"):
            break
        extra_chars = parent.chars - child.chars
        extra_prose = parent.prose - child.prose
        extra_links = parent.link_chars - child.link_chars
        if extra_chars <= 0:
            region = parent_path
            continue
        link_density = extra_links / extra_chars
        prose_like = extra_prose / extra_chars >= WIDEN_MIN_PROSE_SHARE
        small = extra_chars <= WIDEN_SMALL_CHARS
        if link_density > WIDEN_MAX_LINK_DENSITY or not (prose_like or small):
            break
        region = parent_path
    return region


def inside(block: Block, region: str) -> bool:
    path = block.path or ""
    return path == region or path.startswith(region + SEPARATOR)


def remove_repeats(doc: Document, options: Options) -> None:
    """Later copies of a passage: pages carry one layout per screen size.

    Only runs of copied paragraphs (or one long paragraph) count: a short
    line repeated on every card of a listing is content, not a layout copy.
    """
    if not options.enabled("repeated-block"):
        return
    seen: dict[str, int] = {}
    runs: list[list[tuple[Block, int]]] = [[]]
    for block in doc.blocks:
        if not block.kept:
            continue
        words = block.features.get("words", 0)
        if words < REPEAT_MIN_WORDS or block.features.get("link_density", 0) > REPEAT_MAX_LINK_DENSITY:
            continue  # short lines and linked titles do not break or make a run
        key = " ".join(block.text.split())
        if key in seen:
            runs[-1].append((block, seen[key]))
        else:
            seen[key] = block.index
            if runs[-1]:
                runs.append([])
    for run_ in runs:
        long_enough = len(run_) >= REPEAT_MIN_RUN
        for block, original in run_:
            if long_enough or block.features.get("words", 0) >= REPEAT_LONE_MIN_WORDS:
                doc.remove(
                    block,
                    STAGE_NAME,
                    "repeated-block",
                    f"the same {block.features.get('words', 0):.0f} words as block {original} above, "
                    f"in a run of {len(run_)} copied paragraphs (the layout for another screen size)",
                )


def run(doc: Document, options: Options) -> None:
    kept = [b for b in doc.blocks if b.kept and b.path]
    elements = element_tree(kept)
    total = sum(prose_weight(b) for b in kept)
    if total <= 0:
        return
    region, chosen = find_region(elements, total)
    region = widen(region, elements)
    region_step = region.rsplit(SEPARATOR, 1)[-1]
    for block in kept:
        density = block.features.get("link_density", 0.0)
        words = block.features.get("words", 0.0)
        if not inside(block, region):
            if options.enabled("outside-main-content"):
                doc.remove(
                    block,
                    STAGE_NAME,
                    "outside-main-content",
                    f"outside the main content <{region_step}> ({chosen}); this block has "
                    f"{words:.0f} words, link density {density:.2f}",
                )
            continue
        if density > options.max_link_density and words <= LINK_LIST_MAX_WORDS and block.kind != "heading":
            if options.enabled("link-list"):
                doc.remove(
                    block,
                    STAGE_NAME,
                    "link-list",
                    f"{density:.0%} of its {words:.0f} words' characters are links "
                    f"(limit {options.max_link_density:.0%})",
                )
    remove_repeats(doc, options)


STAGE = Stage(
    STAGE_NAME,
    run,
    kinds=("html",),
    summary="keep the article region found by prose density; drop the rest and link lists",
)
