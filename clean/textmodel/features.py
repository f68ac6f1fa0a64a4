"""Per-line features for the learned line model, computed after the rule stages.

A line is described three ways:

- its own shape: words, characters, whether it ends like a sentence, its
  stopword share, capitalised words, digits, separators;
- what the earlier stages made of it: removed or not and by which kind of
  rule (site chrome, other cues, crumbs, headline lists, page edges,
  repeats and menus), its page-edges content score, how often it recurs,
  how much it shares the vocabulary of the page's prose;
- where it stands: relative position, share of the page's words before it,
  distance to the stretch page-edges kept, prose in its neighbourhood, and
  the shape of the three lines on either side;
- what its words say: the learned lexicon's content log-odds of the line
  (clean/textmodel/lexicon.py), of its neighbours and of the page, and of
  its paragraph (the lines between two blank lines) and the 10 lines on
  either side.

Names are part of the model file: the model refuses to load when they differ.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clean.heuristics.article import article_profile, topic_words
from clean.heuristics.line_score import (
    CHROME_RULES,
    LINE_CACHE_SIZE,
    is_section_end,
    line_key,
    line_text,
    score_lines,
)
from clean.model import Block, Document
from clean.options import Options
from clean.textmodel.lexicon import Lexicon
from clean.vocabulary import short_text_cache, tokens

if TYPE_CHECKING:
    import numpy as np

SEPARATORS = re.compile(r"[|•·»›>/©@]")
DIGIT = re.compile(r"\d")
# A letter that starts a whitespace-separated word: `\s` is exactly str.isspace, so
# counting these equals counting the words of text.split() whose first character is a letter.
WORD_STARTING_WITH_LETTER = re.compile(r"(?<!\S)[^\W\d_]")
# Neighbours on each side whose shape joins the line's own features.
NEIGHBOURS = 3
# Lines on each side whose prose words are summed.
WINDOW = 5
PROSE_CAP = 40.0
# Lines on each side whose shape is averaged (the neighbourhood's character).
WIDE = 10
# The log-odds of a line beyond the page's ends (a neighbour that is not there).
BEYOND = -8.0

OWN = (
    "words (log)", "characters (log)", "ends like a sentence", "ends with a colon", "stopword share",
    "Latin or Cyrillic script", "capitalised word share", "digit share", "separators",
    "page-edges score", "removed by a rule", "site chrome cue", "other cue", "crumb", "headline list",
    "page edge", "repeat or menu", "recurs on the page (log)", "shares the prose vocabulary",
)  # fmt: skip
SHAPE = ("words (log)", "ends like a sentence", "stopword share", "page-edges score", "removed by a rule")
PLACE = (
    "relative position", "page words before", "lines before the kept stretch (log)",
    "lines after the kept stretch (log)", "inside the kept stretch",
    f"prose words within {WINDOW} lines (log)",
    "kept words before (share)", "kept words after (share)", "page lines (log)", "page words (log)",
)  # fmt: skip
CONTEXT = (
    "section ends above (log)", "section ends below (log)", f"sentences within {WIDE} lines (share)",
    f"words within {WIDE} lines (mean log)", f"removed within {WIDE} lines (share)",
    "page prose line share", "page removed line share", "words against the page mean (log)",
)  # fmt: skip


# The lexicon's log-odds of a line; the line itself is the first column (the
# stage names its words when that column weighs among the most).
LEXICAL = (
    "words' content log-odds", "words' log-odds of lines +-1 (mean)", "words' log-odds of lines +-3 (mean)",
    "words' log-odds, page mean", "words' log-odds against the page mean",
)  # fmt: skip


# The lexicon's log-odds over the line's paragraph (the lines between two blank lines:
# page text writes one between a page's blocks, so a paragraph is one block, a list or
# a post) and over the 10 lines on either side: what the words around the line say.
PARAGRAPH = (
    "paragraph's words' log-odds (mean)", "paragraph's words' log-odds (max)", "paragraph lines (log)",
    "paragraph words (log)", "line's place in its paragraph (share)",
    f"words' log-odds of lines +-{WIDE} (mean)", f"words' log-odds of lines +-{WIDE} (max)",
)  # fmt: skip


def _neighbour_names() -> tuple[str, ...]:
    offsets = [o for o in range(-NEIGHBOURS, NEIGHBOURS + 1) if o]
    return tuple(f"line {o:+d}: {name}" for o in offsets for name in SHAPE)


SHAPE_NAMES: tuple[str, ...] = (*OWN, *PLACE, *CONTEXT, *_neighbour_names())
FEATURE_NAMES: tuple[str, ...] = (*SHAPE_NAMES, *LEXICAL, *PARAGRAPH)


def _removal_kind(block: Block) -> str | None:
    removal = block.removal
    if removal is None:
        return "crumb" if block.trims else None
    if removal.stage == "page-edges":
        return "page edge"
    if removal.rule in CHROME_RULES or is_section_end(block):
        return "site chrome cue"
    if removal.stage == "cues":
        return "other cue"
    if removal.stage == "crumbs":
        return "crumb"
    if removal.stage == "headline-list":
        return "headline list"
    return "repeat or menu"


@dataclass(frozen=True, slots=True)
class LineShape:
    """The features a line's text alone decides (no page, no rule): computed once per distinct text."""

    own: tuple[float, ...]  # the first columns of OWN, up to "separators"
    tokens: int  # word tokens, as the WCXB scoring counts them
    words: frozenset[str]  # the distinct tokens, which the lexicon reads (as lexicon.line_words)


@short_text_cache(maxsize=LINE_CACHE_SIZE)
def line_shape(text: str) -> LineShape:
    """The line's LineShape."""
    words = len(text.split())
    known = line_text(text)
    capitalised = len(WORD_STARTING_WITH_LETTER.findall(text)) / words if words else 0.0
    own = (
        math.log1p(known.words),
        math.log1p(len(text)),
        float(known.ends_like_sentence),
        float(text.rstrip().endswith((":", "："))),
        known.stopword_share,
        float(known.listed_script),
        capitalised,
        len(DIGIT.findall(text)) / max(len(text), 1),
        float(len(SEPARATORS.findall(text))),
    )
    line_tokens = tokens(text)
    return LineShape(own, len(line_tokens), frozenset(line_tokens))


def own_features(
    block: Block, shape: LineShape, score: float, repeats: int, vocabulary: frozenset[str]
) -> list[float]:
    kind = _removal_kind(block)
    content = topic_words(block.text)
    # (map and sum count in C; the same integer as counting in a generator)
    shared = sum(map(vocabulary.__contains__, content)) / len(content) if content else 0.0
    return [
        *shape.own,
        max(-2.0, score / PROSE_CAP),
        float(block.removal is not None),
        float(kind == "site chrome cue"),
        float(kind == "other cue"),
        float(kind == "crumb"),
        float(kind == "headline list"),
        float(kind == "page edge"),
        float(kind == "repeat or menu"),
        math.log1p(repeats - 1),
        shared,
    ]


def kept_tokens(block: Block, shape: LineShape) -> int:
    """The tokens the block adds to the output when kept (`shape` is its whole text's)."""
    return line_shape(block.kept_text()).tokens if block.trims else shape.tokens


def page_matrix(
    doc: Document, options: Options, lexicon: Lexicon | None = None, shapes: list[LineShape] | None = None
) -> np.ndarray:
    """One row per block, columns as FEATURE_NAMES (the shipped model's lexicon unless given).

    `shapes` are the blocks' line_shape, when the caller has them already.
    """
    import numpy as np

    if lexicon is None:
        from clean.textmodel.trees import shipped_model

        lexicon = shipped_model().lexicon
    # Each line's shape once (long lines are not cached): the words are split once for both.
    if shapes is None:
        shapes = [line_shape(b.text) for b in doc.blocks]
    if lexicon.bigrams:
        scores = np.array([lexicon.line_log_odds(b.text) for b in doc.blocks], dtype=float)
    else:
        scores = np.array([lexicon.words_log_odds(shape.words) for shape in shapes], dtype=float)
    tokens = np.array([shape.tokens for shape in shapes], dtype=float)
    line_numbers = np.array([b.lines[0] if b.lines else b.index for b in doc.blocks])
    paragraphs = paragraph_columns(scores, tokens, line_numbers)
    return np.hstack([shape_matrix(doc, options, shapes), lexical_columns(scores), paragraphs])


def paragraph_columns(scores: np.ndarray, tokens: np.ndarray, line_numbers: np.ndarray) -> np.ndarray:
    """The PARAGRAPH columns from each line's lexical log-odds, its tokens and its number in the text."""
    import numpy as np

    n = len(scores)
    if not n:
        return np.zeros((0, len(PARAGRAPH)))
    padded = np.concatenate([np.full(WIDE, BEYOND), scores, np.full(WIDE, BEYOND)])
    return np.column_stack([
        *paragraph_stats(scores, tokens, line_numbers), window_mean(scores, WIDE),
        window_max(padded, WIDE, WIDE, n),
    ])  # fmt: skip


def lexical_columns(scores: np.ndarray) -> np.ndarray:
    """The LEXICAL columns from each line's lexical log-odds (training feeds out-of-fold ones)."""
    import numpy as np

    if not len(scores):
        return np.zeros((0, len(LEXICAL)))
    page_mean = float(scores.mean())
    return np.column_stack([
        scores, window_mean(scores, 1), window_mean(scores, 3), np.full(len(scores), page_mean),
        scores - page_mean,
    ])  # fmt: skip


def shape_matrix(doc: Document, options: Options, shapes: list[LineShape] | None = None) -> np.ndarray:
    """One row per block, columns as SHAPE_NAMES: everything but the words."""
    import numpy as np

    blocks = doc.blocks
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(SHAPE_NAMES)))
    scores = [s.value for s in score_lines(doc, options)]
    keys = [line_key(b.text) for b in blocks]
    counts = Counter(keys)
    profile = article_profile(doc)
    vocabulary = profile.vocabulary if profile else frozenset()
    shapes = shapes if shapes is not None else [line_shape(b.text) for b in blocks]
    own = np.array([
        own_features(b, shape, s, counts[k], vocabulary)
        for b, shape, s, k in zip(blocks, shapes, scores, keys, strict=True)
    ])  # fmt: skip
    words = np.array([shape.tokens for shape in shapes], dtype=float)
    kept_words = np.array(
        [kept_tokens(b, shape) if b.kept else 0 for b, shape in zip(blocks, shapes, strict=True)], dtype=float
    )
    prose = np.array([min(max(s, 0.0), PROSE_CAP) for s in scores])
    index = np.arange(n, dtype=float)
    kept_at = np.flatnonzero([b.kept for b in blocks])
    first, last = (kept_at[0], kept_at[-1]) if len(kept_at) else (n, -1)
    before = np.cumsum(words) - words
    kept_before = np.cumsum(kept_words) - kept_words
    total_kept = max(kept_words.sum(), 1.0)
    running = np.concatenate([[0.0], np.cumsum(prose)])
    window = (
        running[np.minimum(index + WINDOW + 1, n).astype(int)]
        - running[np.maximum(index - WINDOW, 0).astype(int)]
        - prose
    )
    place = np.column_stack([
        index / max(n - 1, 1),
        before / max(words.sum(), 1.0),
        np.log1p(np.maximum(first - index, 0)),
        np.log1p(np.maximum(index - last, 0)),
        ((index >= first) & (index <= last)).astype(float),
        np.log1p(window),
        kept_before / total_kept,
        (total_kept - kept_before - kept_words) / total_kept,
        np.full(n, math.log1p(n)),
        np.full(n, math.log1p(words.sum())),
    ])  # fmt: skip
    section_end = np.array([b.removal is not None and is_section_end(b) for b in blocks], dtype=float)
    ends_above = np.cumsum(section_end) - section_end
    ends_below = section_end.sum() - ends_above - section_end
    own_words = own[:, OWN.index("words (log)")]
    removed = own[:, OWN.index("removed by a rule")]
    context = np.column_stack([
        np.log1p(ends_above),
        np.log1p(ends_below),
        window_mean(own[:, OWN.index("ends like a sentence")], WIDE),
        window_mean(own_words, WIDE),
        window_mean(removed, WIDE),
        np.full(n, float((prose > 0).mean())),
        np.full(n, float(removed.mean())),
        own_words - own_words.mean(),
    ])  # fmt: skip
    shape_columns = [OWN.index(name) for name in SHAPE]
    shape = own[:, shape_columns]
    # Beyond the page's ends a neighbour is "nothing": no words, and the -1 marks it.
    padding = np.full((NEIGHBOURS, len(SHAPE)), -1.0)
    padded = np.vstack([padding, shape, padding])
    neighbours = [
        padded[NEIGHBOURS + o : NEIGHBOURS + o + n] for o in range(-NEIGHBOURS, NEIGHBOURS + 1) if o
    ]
    return np.hstack([own, place, context, *neighbours])


def window_mean(values: np.ndarray, width: int) -> np.ndarray:
    """Mean of `values` over the lines within `width` on either side (the line itself excluded)."""
    import numpy as np

    n = len(values)
    running = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(n)
    low, high = np.maximum(index - width, 0), np.minimum(index + width + 1, n)
    count = np.maximum(high - low - 1, 1)
    return (running[high] - running[low] - values) / count


def window_max(padded: np.ndarray, pad: int, width: int, n: int) -> np.ndarray:
    """Max over the lines within `width` on either side, the line itself excluded."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    before = sliding_window_view(padded[pad - width : pad + n - 1], width).max(axis=1)
    after = sliding_window_view(padded[pad + 1 : pad + n + width], width).max(axis=1)
    return np.maximum(before, after)


def paragraph_stats(log_odds: np.ndarray, tokens: np.ndarray, line_numbers: np.ndarray) -> list[np.ndarray]:
    """Per line: its paragraph's (lines between blank lines) mean and max log-odds, size, the line's place."""
    import numpy as np

    n = len(log_odds)
    starts = np.ones(n, dtype=bool)
    starts[1:] = np.diff(line_numbers) > 1
    paragraph = np.cumsum(starts) - 1
    count = np.bincount(paragraph).astype(float)
    mean = np.bincount(paragraph, log_odds) / count
    highest = np.full(len(count), -np.inf)
    np.maximum.at(highest, paragraph, log_odds)
    words = np.bincount(paragraph, tokens)
    first = np.flatnonzero(starts)
    place = (np.arange(n) - first[paragraph]) / np.maximum(count[paragraph] - 1, 1)
    size = [np.log1p(count[paragraph]), np.log1p(words[paragraph])]
    return [mean[paragraph], highest[paragraph], *size, place]
