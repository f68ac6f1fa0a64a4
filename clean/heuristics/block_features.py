"""What the block scorer sees: a short vector of named numbers per block.

The features are the ones a person would look at to tell content from chrome:
the block's own shape (length, links, stopwords, punctuation, kind), its DOM
context (semantic containers, class words, the element it sits in and that
element's link density and share of the page's prose), its neighbours, and
whether it lies in the main region. Every feature has a name, so the scorer
can say which ones decided.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Hashable, Sequence
from functools import cache, lru_cache
from importlib import resources

from clean.frontends.html.elements import ElementTable, ElementTotals
from clean.frontends.html.path import SEPARATOR, parse_unindexed_step, without_index
from clean.heuristics.region import Region, is_semantic
from clean.model import Block
from clean.rules.dom import dom_rules, unindexed_step_matches
from clean.vocabulary import word_tokens

SENTENCE_END = (".", "!", "?", "…", '"', "”", ")", ":")
PUNCTUATION = ".,;:!?"
DIGITS = "0123456789"
# Counted with one regex pass each: faster than a str.count per character.
_PUNCTUATION_CHAR = re.compile("[" + re.escape(PUNCTUATION) + "]")
_DIGIT = re.compile("[" + DIGITS + "]")
KINDS = ("heading", "paragraph", "list-item", "table-row", "text")
# How many ancestors above a block count as "near".
NEAR_ANCESTORS = 3

FEATURES: tuple[str, ...] = (
    "bias", "log_words", "link_density", "stopword_density", "sentence_end", "punctuation",
    "digit_share", *(f"kind_{k}" for k in KINDS), "is_h1", "position",
    "in_semantic", "chrome_class_near", "chrome_class_far", "content_class",
    "in_region", "region_prose_share", "parent_link_density", "parent_log_words", "parent_prose_share",
    "grandparent_link_density", "grandparent_log_words", "grandparent_prose_share",
    "previous_link_density", "previous_log_words", "next_link_density", "next_log_words",
    "page_log_prose", "long_link_text",
    "topic_overlap", "title_overlap", "sibling_index", "distance_to_region",
    "navigation_class_near", "promotion_class_near", "discussion_class",
    "outside_dominant_region", "prose_outside_region", "links_in_region", "linked_heading",
    "parent_log_blocks", "log_same_shape",
)  # fmt: skip
# The second pass adds what the first pass thought of the block's surroundings.
CONTEXT_FEATURES: tuple[str, ...] = (
    "previous_score",
    "next_score",
    "parent_score",
    "grandparent_score",
)


@cache
def content_class_words() -> frozenset[str]:
    text = resources.files("clean.heuristics").joinpath("data/content_classes.toml").read_text("utf-8")
    return frozenset(tomllib.loads(text)["words"])


# The DOM rules' kinds of chrome, in three groups the scorer weighs separately.
NAVIGATION_RULES = frozenset({
    "nav-element", "menu", "breadcrumb", "pagination", "tags", "site-header", "site-footer",
    "search-box", "form", "sidebar",
})  # fmt: skip
DISCUSSION_RULES = frozenset({"comments"})


# What one path step says about its element, as bits (see _unindexed_step_signals).
SEMANTIC, CHROME, CONTENT_CLASS, DISCUSSION, NAVIGATION, PROMOTION = (1 << i for i in range(6))


@lru_cache(maxsize=16384)  # hits here skip even the index strip (ancestry asks per element)
def _step_signals(step_text: str) -> tuple[int, int]:
    """(signal bits, sibling index) of one path step; the sibling index is the step's ":N", 1 without one."""
    _, colon, nth = step_text.rpartition(":")
    index = int(nth) if colon and nth.isascii() and nth.isdigit() else 1
    return _unindexed_step_signals(without_index(step_text)), index


# Cached without the sibling index, which no signal reads.
@lru_cache(maxsize=16384)
def _unindexed_step_signals(step_text: str) -> int:
    """SEMANTIC container, CHROME class word (with the group of the first rule it matches:
    NAVIGATION, DISCUSSION or PROMOTION), CONTENT_CLASS word."""
    step = parse_unindexed_step(step_text)
    if step.tag in ("html", "body"):
        return 0
    bits = SEMANTIC if is_semantic(step) else 0
    matches = unindexed_step_matches(step_text)
    if matches:
        name = dom_rules()[matches[0][0]].name
        bits |= CHROME | (
            NAVIGATION if name in NAVIGATION_RULES else DISCUSSION if name in DISCUSSION_RULES else PROMOTION
        )
    if step.words & content_class_words():
        bits |= CONTENT_CLASS
    return bits


class _Ancestry:
    """The signals of a block's element and its ancestors, read from the page's element table.

    The element and its NEAR_ANCESTORS nearest ancestors are "near"; whatever
    lies above them is "far". Each element's signals together with all its
    ancestors' are worked out once per page (blocks share their ancestors).
    """

    def __init__(self, table: ElementTable) -> None:
        self.steps, self.parent = table.steps, table.parent
        self.up_to_top: dict[int, int] = {}  # element id -> its and all its ancestors' bits

    def _all_bits(self, element: int) -> int:
        found = self.up_to_top.get(element)
        if found is not None:
            return found
        chain = []  # the elements up to the first known one (or the top), innermost first
        while found is None:
            chain.append(element)
            up = self.parent[element]
            found = 0 if up == element else self.up_to_top.get(up)
            element = up
        for element in reversed(chain):
            found |= _step_signals(self.steps[element])[0]
            self.up_to_top[element] = found
        return found

    def of(self, element: int) -> tuple[float, ...]:
        """The element's ancestry features (see _ancestry_row)."""
        steps, parent = self.steps, self.parent
        near, highest = 0, 1
        for _ in range(NEAR_ANCESTORS + 1):
            bits, index = _step_signals(steps[element])
            near |= bits
            if index > highest:
                highest = index
            up = parent[element]
            if up == element:  # the top: nothing is far
                return _ancestry_row(near, 0, highest)
            element = up
        return _ancestry_row(near, self._all_bits(element), highest)


@lru_cache(maxsize=4096)  # a page's blocks share a few combinations
def _ancestry_row(near: int, far: int, highest: int) -> tuple[float, ...]:
    """(semantic, chrome near, chrome far, content class, navigation near, promotion near,
    discussion, sibling index) from the signal bits of the near and the far steps.

    The sibling index says how far down a run of same-tag siblings the block
    or its near ancestors sit (cards, rows): the highest ":N" among the near
    steps, as log1p(N) / 3.
    """
    both = near | far
    return (
        float(both & SEMANTIC != 0),
        float(near & CHROME != 0),
        float(far & CHROME != 0),
        float(both & CONTENT_CLASS != 0),
        float(near & NAVIGATION != 0),
        float(near & PROMOTION != 0),
        float(both & DISCUSSION != 0),
        math.log1p(highest) / 3.0,
    )


def topic_words(tokens: Sequence[str]) -> list[str]:
    """Of a text's tokens, those that can carry a topic: longer than three letters (which
    leaves out most stopwords of most languages, without a stopword list) and not numbers."""
    return [w for w in tokens if len(w) > 3 and not w.isdigit()]


def _log_blocks(totals: ElementTotals, element: int) -> float:
    return math.log1p(totals.blocks[element]) / 4.0 if element >= 0 else 0.0


def _overlap(words: list[str], vocabulary: frozenset[str] | set[str]) -> float:
    return sum(map(vocabulary.__contains__, words)) / len(words) if words else 0.0


def _log_words(words: float) -> float:
    return math.log1p(words) / 5.0  # ~1.0 at 150 words


# One-hot kind flags (in KINDS order), looked up instead of compared per row.
_KIND_FLAGS = {k: tuple(float(k == other) for other in KINDS) for k in KINDS}
_NO_KIND = (0.0,) * len(KINDS)
_LOG_NO_WORDS = math.log1p(0.0) / 5.0  # _log_words(0.0): a missing neighbour


def _element_features(totals: ElementTotals, element: int, total_prose: float) -> tuple[float, float, float]:
    if element < 0:
        return 0.0, 0.0, 0.0
    share = totals.prose[element] / total_prose if total_prose > 0 else 0.0
    return totals.link_density(element), _log_words(totals.words[element]), share


def _shape(block: Block) -> tuple[float, float, float, float]:
    text = block.text
    words = block.features.get("words", 0.0) or 1.0
    sentence_end = float(text.rstrip().endswith(SENTENCE_END))
    punctuation = min(1.0, len(_PUNCTUATION_CHAR.findall(text)) / words)
    digits = len(_DIGIT.findall(text)) / max(1, len(text))
    return sentence_end, punctuation, digits, words


def block_features(
    blocks: list[Block],
    totals: ElementTotals,
    total_prose: float,
    region: Region | None,
    total_blocks: int,
    prose: Sequence[float],
    table: ElementTable,
    tokens: Sequence[Sequence[str]],
    title: str = "",
) -> list[list[float]]:
    """One feature vector (in FEATURES order) per block of `blocks` (the kept blocks, in order);
    `totals`: what each of the table's elements holds of `blocks` (element_stats);
    `prose`: the blocks' prose weights (region.prose_weight); `table`: the page's elements;
    `tokens`: the blocks' word tokens (block_tokens)."""
    region_share = 0.0
    if region is not None and total_prose > 0:
        region_share = totals.prose[table.ids[region.path]] / total_prose
    page_prose = math.log1p(total_prose / 100.0) / 5.0
    last = max(1, total_blocks - 1)
    in_region = [region is not None and region.holds(b) for b in blocks]
    inside = [i for i, held in enumerate(in_region) if held]
    first_inside, last_inside = (inside[0], inside[-1]) if inside else (0, len(blocks))
    # The topic: the words of the region's prose (all prose when there is no region).
    words_of = [topic_words(words) for words in tokens]
    topic: set[str] = set()
    for i, weight in enumerate(prose):
        if (in_region[i] or not inside) and weight > 0:
            topic.update(words_of[i])  # in C, word by word
    title_words = set(topic_words(word_tokens(title)))
    element_ids = [table.ids[b.path or ""] for b in blocks]
    parents, grandparents = parent_elements(table, element_ids)
    shapes = [table.shapes[e] for e in element_ids]
    shape_counts = Counter(shapes)
    ancestry_of = _Ancestry(table).of
    # Values several rows read, computed once per block or per element (by id; -1: none).
    neighbour_words = [_log_words(b.features.get("words", 0.0)) for b in blocks]
    element_features: dict[int, tuple[float, float, float]] = {}

    def element_features_of(element: int) -> tuple[float, float, float]:
        found = element_features.get(element)
        if found is None:
            found = element_features[element] = _element_features(totals, element, total_prose)
        return found

    count = len(blocks)
    rows: list[list[float]] = []
    for i, block in enumerate(blocks):
        features = block.features
        parent = parents[i]
        sentence_end, punctuation, digits, words = _shape(block)
        log_words = _log_words(words)
        ancestry = ancestry_of(element_ids[i])
        link_density = features.get("link_density", 0.0)
        previous = blocks[i - 1].features if i > 0 else {}
        following = blocks[i + 1].features if i + 1 < count else {}
        held = in_region[i]
        rows.append([
            1.0,
            log_words,
            link_density,
            features.get("stopword_density", 0.0),
            sentence_end,
            punctuation,
            digits,
            *_KIND_FLAGS.get(block.kind, _NO_KIND),
            float(block.tag == "h1"),
            block.index / last,
            *ancestry[:4],
            float(held),
            region_share,
            *element_features_of(parent),
            *element_features_of(grandparents[i]),
            previous.get("link_density", 0.0),
            neighbour_words[i - 1] if i > 0 else _LOG_NO_WORDS,
            following.get("link_density", 0.0),
            neighbour_words[i + 1] if i + 1 < count else _LOG_NO_WORDS,
            page_prose,
            link_density * log_words,
            _overlap(words_of[i], topic),
            _overlap(words_of[i], title_words),
            ancestry[7],
            0.0 if held else min(1.0, min(abs(i - first_inside), abs(i - last_inside)) / 20.0),
            *ancestry[4:7],
            (1.0 - held) * region_share,
            (1.0 - held) * sentence_end * min(1.0, log_words),
            held * link_density,
            float(block.kind == "heading") * link_density,
            _log_blocks(totals, parent),
            math.log1p(shape_counts[shapes[i]]) / 4.0,
        ])  # fmt: skip
    return rows


def parent_elements(table: ElementTable, element_ids: Sequence[int]) -> tuple[list[int], list[int]]:
    """The parent and the grandparent of each of these elements, by id; -1 above the top
    (where a path's parent is "", as `path.rpartition(SEPARATOR)[0]` gives)."""
    parent = table.parent
    parents, grandparents = [], []
    for element in element_ids:
        up = parent[element]
        if up == element:  # a top element is its own parent
            parents.append(-1)
            grandparents.append(-1)
            continue
        parents.append(up)
        above = parent[up]
        grandparents.append(-1 if above == up else above)
    return parents, grandparents


def context_features(paths: list[str], words: list[float], scores: list[float]) -> list[list[float]]:
    """Per block: the first-pass scores of its neighbours, and the word-weighted mean
    score of the blocks under its parent and under its grandparent."""
    parents = [path.rpartition(SEPARATOR)[0] for path in paths]
    grandparents = [parent.rpartition(SEPARATOR)[0] for parent in parents]
    return grouped_context_features(parents, grandparents, words, scores)


def grouped_context_features(
    parents: Sequence[Hashable], grandparents: Sequence[Hashable], words: list[float], scores: list[float]
) -> list[list[float]]:
    """context_features with each block's parent and grandparent given as keys (paths,
    or element ids from `parent_elements`): blocks with equal keys share the element."""
    parent_sums: dict[Hashable, list[float]] = {}
    grandparent_sums: dict[Hashable, list[float]] = {}
    for parent, grandparent, weight, score in zip(parents, grandparents, words, scores, strict=True):
        weight = weight or 1.0
        for total in (
            parent_sums.setdefault(parent, [0.0, 0.0]),
            grandparent_sums.setdefault(grandparent, [0.0, 0.0]),
        ):
            total[0] += weight * score
            total[1] += weight
    rows = []
    last = len(scores) - 1
    for i, (parent, grandparent) in enumerate(zip(parents, grandparents, strict=True)):
        parent_total, grandparent_total = parent_sums[parent], grandparent_sums[grandparent]
        rows.append([
            scores[i - 1] if i > 0 else 0.5,
            scores[i + 1] if i < last else 0.5,
            parent_total[0] / parent_total[1],
            grandparent_total[0] / grandparent_total[1],
        ])  # fmt: skip
    return rows
