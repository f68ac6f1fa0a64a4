"""Main content: keep the page's content blocks, remove the chrome the rules left.

Rules remove chrome that says what it is; this stage judges what is left.
It first finds the main region (region.py: the semantic container or the
element holding most of the prose). Then a small learned scorer
(block_scorer.py) reads each kept block's shape, DOM context, neighbours and
whether it lies in the region, and gives it a content score; blocks under the
threshold are removed. So a page can keep content outside the single region
(a listing's cards, a product's specification table) and drop chrome inside it.

Rule names say where the block was: "outside-main-content" (outside the
region), "link-list" (mostly links), "boilerplate-block" (inside the region);
each reason gives the score and the features that weighed most against it.
Last, "repeated-block" removes layout copies of passages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial

from clean.frontends.html.elements import ElementTable, ElementTotals, element_stats, element_table
from clean.heuristics.block_features import block_features, grouped_context_features, parent_elements
from clean.heuristics.block_scorer import block_scorer
from clean.heuristics.region import Region, find_region, prose_weight
from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage
from clean.vocabulary import block_tokens

STAGE_NAME = "main-content"
# Paragraphs this long that occur twice are one paragraph laid out twice.
REPEAT_MIN_WORDS = 8
REPEAT_MIN_RUN = 3
REPEAT_LONE_MIN_WORDS = 40
REPEAT_MAX_LINK_DENSITY = 0.5


@dataclass(slots=True)
class PageView:
    """The kept blocks and what the scorer needs to know about them."""

    blocks: list[Block]
    prose: list[float]  # each block's prose weight
    tokens: list[tuple[str, ...]]  # each block's word tokens
    table: ElementTable  # the page's elements (all of them: the kept blocks' and the others')
    totals: ElementTotals  # what each element holds of the kept blocks
    total_prose: float
    region: Region | None

    @classmethod
    def of(cls, doc: Document) -> PageView:
        kept, tokens = [], []
        for block, words in zip(doc.blocks, block_tokens(doc), strict=True):
            if block.kept and block.path:
                kept.append(block)
                tokens.append(words)
        prose = [prose_weight(b) for b in kept]
        table = element_table(doc)
        totals = element_stats(table, kept, prose)
        total = sum(prose)
        return cls(kept, prose, tokens, table, totals, total, find_region(totals, table, total))

    def feature_rows(self, total_blocks: int, title: str = "") -> list[list[float]]:
        return block_features(
            self.blocks,
            self.totals,
            self.total_prose,
            self.region,
            total_blocks,
            self.prose,
            self.table,
            self.tokens,
            title,
        )


def score_blocks(view: PageView, total_blocks: int, title: str = "") -> tuple[list[float], list[list[float]]]:
    """(content score, second-pass feature row) per kept block."""
    scorer = block_scorer()
    rows = view.feature_rows(total_blocks, title)
    first = [scorer.first.score(row) for row in rows]
    table = view.table
    parents, grandparents = parent_elements(table, [table.ids[b.path or ""] for b in view.blocks])
    words = [b.features.get("words", 0.0) for b in view.blocks]
    # Grouped by element id: the same groups as context_features' by path, without cutting paths.
    context = grouped_context_features(parents, grandparents, words, first)
    full_rows = [row + extra for row, extra in zip(rows, context, strict=True)]
    return [scorer.second.score(row) for row in full_rows], full_rows


def _rule_for(block: Block, view: PageView, options: Options) -> str:
    if view.region is not None and not view.region.holds(block):
        return "outside-main-content"
    if block.features.get("link_density", 0.0) > options.max_link_density:
        return "link-list"
    return "boilerplate-block"


def remove_repeats(doc: Document, options: Options) -> None:
    """Later copies of a passage: pages carry one layout per screen size.

    Only runs of copied paragraphs (or one long paragraph) count: a short
    line repeated on every card of a listing is content, not a layout copy.
    """
    if not options.enabled("repeated-block"):
        return
    seen: dict[str, int] = {}
    runs: list[list[tuple[Block, int]]] = [[]]
    candidates = [
        block
        for block in doc.blocks
        if block.kept
        and not (
            block.features.get("words", 0) < REPEAT_MIN_WORDS
            or block.features.get("link_density", 0) > REPEAT_MAX_LINK_DENSITY
        )
    ]  # short lines and linked titles do not break or make a run
    # Copies have as many words (the front end's words feature counts the key's): a
    # passage whose word count no other has is not normalised, it only ends a run.
    counts = Counter(block.features.get("words", 0) for block in candidates)
    for block in candidates:
        if counts[block.features.get("words", 0)] < 2:
            if runs[-1]:
                runs.append([])
            continue
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
    view = PageView.of(doc)
    if view.blocks and view.total_prose > 0:
        scorer = block_scorer()
        scores, rows = score_blocks(view, len(doc.blocks), doc.metadata.get("title", ""))
        # A page with text never comes out empty: when no block reaches the
        # threshold, the best-scoring one stays (a lone block of unusual prose).
        best = max(range(len(scores)), key=scores.__getitem__)
        for i, (block, score, row) in enumerate(zip(view.blocks, scores, rows, strict=True)):
            if score >= scorer.threshold or (i == best and scores[best] < scorer.threshold):
                continue
            rule = _rule_for(block, view, options)
            if not options.enabled(rule):
                continue
            where = f"outside the main region ({view.region.why}); " if rule == "outside-main-content" else ""
            # The reason is written when first read (model.DeferredRemoval): the features
            # against a block cost more to find than the score, and callers who want
            # only the text never read them.
            doc.remove(block, STAGE_NAME, rule, partial(_score_reason, where, score, row))
    remove_repeats(doc, options)


def _score_reason(where: str, score: float, row: list[float]) -> str:
    scorer = block_scorer()
    against = scorer.second.explain(row)
    return f"{where}content score {score:.2f} < {scorer.threshold:.2f}; against it: {against}"


STAGE = Stage(
    STAGE_NAME,
    run,
    kinds=("html",),
    summary="keep the blocks a content scorer rates as the page's content (main region, density, context)",
)
