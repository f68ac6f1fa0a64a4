"""Block feature vectors for the learned scorer, computed from a parsed HTML Document.

One row per block, one column per named feature. The names are what the
explanations print, so they read as plain words ("link density", "previous
block: words (log)"). Four families:

- the block itself: size, links, stopwords, text shape (punctuation, sentence
  endings, capitals, digits), its tag and kind;
- where it sits: semantic ancestors (<article>, <nav>, <footer>, ...), words
  of its ancestors' classes and ids (a vocabulary chosen by the training
  script and shipped with the model), how much of the page's prose its
  parent, grandparent, ... hold, whether it lies in the page's prose region,
  its position;
- repetition within the page: same text, same DOM shape (list items, cards);
- its neighbours: the same measures for the blocks around it (a window).

Everything is computed from the blocks alone (no second look at the DOM), in
one pass over the blocks plus a few numpy operations, so a page costs a few
milliseconds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from clean.frontends.html.path import SEPARATOR, parse_step
from clean.model import Block, Document

if TYPE_CHECKING:
    import numpy as np

# Block kinds and owner tags that get their own 0/1 column.
KINDS = ("paragraph", "heading", "list-item", "table-row", "text", "pre", "quote", "caption")
TAG_GROUPS = {
    "h1": "h1", "h2": "h2", "h3": "h3-h6", "h4": "h3-h6", "h5": "h3-h6", "h6": "h3-h6",
    "p": "p", "li": "li", "div": "div", "td": "td/th", "th": "td/th", "dd": "dt/dd", "dt": "dt/dd",
    "span": "span", "a": "a",
}  # fmt: skip
TAG_COLUMNS = tuple(dict.fromkeys(TAG_GROUPS.values())) + ("custom element",)
# Ancestors that say what a region is, by tag, role or itemprop.
ANCESTOR_FLAGS = (
    "article", "main", "nav", "header", "footer", "aside", "form", "table", "list", "articleBody",
)  # fmt: skip
_ANCESTOR_BIT = {name: 1 << i for i, name in enumerate(ANCESTOR_FLAGS)}
# Up to 62 class/id words fit one int64 bit mask.
MAX_VOCABULARY = 62
# Prose as main-content counts it: blocks of some length with few links.
PROSE_MIN_WORDS = 8
PROSE_MAX_LINK_DENSITY = 0.35
# Ancestor levels whose prose share is a feature (1 = the element around the block's own).
ANCESTOR_LEVELS = (1, 2, 3, 5)
ANCESTOR_MEASURES = ("prose share", "link density", "characters per block (log)")
# Region: the deepest element holding at least this share of the page's prose.
REGION_SHARES = (0.5, 0.8)

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f](?=\s|$)")
SHAPE_INDEX = re.compile(r":\d+")
_PUNCTUATION = ".,;:!?\"'()[]{}-\u2013\u2014\u2026\u00ab\u00bb\u201c\u201d\u2018\u2019"
# Counting by regex and str.count: str.translate is several times slower on non-ASCII text.
_PUNCTUATION_RE = re.compile("[" + re.escape(_PUNCTUATION) + "]")
_DIGITS = "0123456789"
_SEPARATORS = "|\u2022\u00b7\u203a\u00bb/>"
_SENTENCE_CLOSERS = ".!?\u3002\uff01\uff1f\"'\u201d\u2019)"

OWN_NAMES = (
    "words (log)", "characters (log)", "link density", "links (log)", "DOM depth", "stopword density",
    "punctuation share", "ends like a sentence", "sentences (log)", "capitalised words share",
    "digit share", "separator characters (|, /, \u2022)", "commas per word", "has \u00a9",
    "mean word length", "position in page", "words before it (share)", "after the first h1",
    "block's share of page words", "page blocks (log)", "page words (log)",
    "same text elsewhere on page (log)", "same DOM shape on page (log)", "items in its list (log)",
    "inside the 50% prose region", "inside the 80% prose region",
    "blocks from the 50% prose region (share of page)", "words shared with the title (share)",
    *(f"kind {k}" for k in KINDS), *(f"tag {t}" for t in TAG_COLUMNS),
    *(f"inside {a}" for a in ANCESTOR_FLAGS),
    *(f"{n}-up ancestor: {m}" for n in ANCESTOR_LEVELS for m in ANCESTOR_MEASURES),
)  # fmt: skip
# Measures repeated for the neighbours, and the offsets of the neighbours.
CONTEXT_SOURCES = ("words (log)", "link density", "stopword density", "kind heading", "ends like a sentence")
CONTEXT_OFFSETS = (-2, -1, 1, 2)
WINDOW_SOURCES = ("words (log)", "link density", "stopword density", "ends like a sentence")
WINDOWS = (3, 10)
_OFFSET_WORDS = {-2: "2nd previous block", -1: "previous block", 1: "next block", 2: "2nd next block"}
CONTEXT_NAMES = tuple(f"{_OFFSET_WORDS[o]}: {s}" for o in CONTEXT_OFFSETS for s in CONTEXT_SOURCES) + tuple(
    f"mean of \u00b1{w} blocks: {s}" for w in WINDOWS for s in WINDOW_SOURCES
)


@dataclass(frozen=True, eq=False)  # hashed by identity: a cheap key for the step cache
class Vocabulary:
    """Class/id words that are features, in column order (chosen by the training script)."""

    words: tuple[str, ...]
    bits: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.words) > MAX_VOCABULARY:
            raise ValueError(f"at most {MAX_VOCABULARY} class/id words, got {len(self.words)}")
        object.__setattr__(self, "bits", {w: 1 << i for i, w in enumerate(self.words)})


def feature_names(vocabulary: Vocabulary) -> tuple[str, ...]:
    return OWN_NAMES + tuple(f'class/id word "{w}" above' for w in vocabulary.words) + CONTEXT_NAMES


@lru_cache(maxsize=32768)
def _step_bits(step_text: str, vocabulary: Vocabulary) -> tuple[int, int]:
    """(semantic-ancestor bits, vocabulary bits) of one path step."""
    step = parse_step(step_text)
    flags = 0
    for name in (step.tag, step.role):
        flags |= _ANCESTOR_BIT.get(name, 0)
    if step.tag in ("ul", "ol", "dl"):
        flags |= _ANCESTOR_BIT["list"]
    if step.itemprop == "articleBody":
        flags |= _ANCESTOR_BIT["articleBody"]
    if step.role == "navigation":
        flags |= _ANCESTOR_BIT["nav"]
    words = 0
    for word in step.words:
        words |= vocabulary.bits.get(word, 0)
    return flags, words


def _element_bits(by_depth: dict[int, set[str]], vocabulary: Vocabulary) -> dict[str, tuple[int, int]]:
    """Per element: OR of the bits of it and all its ancestors (outermost elements first)."""
    bits: dict[str, tuple[int, int]] = {}
    for depth in sorted(by_depth):
        for path in by_depth[depth]:
            parent, _, own = path.rpartition(SEPARATOR)
            flags, words = _step_bits(own, vocabulary)
            if parent:
                parent_flags, parent_words = bits[parent]
                flags, words = flags | parent_flags, words | parent_words
            bits[path] = (flags, words)
    return bits


def _prose(block: Block) -> float:
    features = block.features
    density = features.get("link_density", 0.0)
    if features.get("words", 0.0) < PROSE_MIN_WORDS or density > PROSE_MAX_LINK_DENSITY:
        return 0.0
    return features.get("chars", 0.0) * (1.0 - density)


def _element_totals(blocks: list[Block]) -> tuple[dict[str, list[float]], dict[int, set[str]]]:
    """Per element path: [prose chars, chars, link chars, blocks] of every block inside it.

    Also returns the element paths by depth (the number of separators in them).
    """
    totals: dict[str, list[float]] = {}
    by_depth: dict[int, set[str]] = {}
    for block in blocks:
        path = block.path or ""
        entry = totals.get(path)
        if entry is None:
            entry = totals[path] = [0.0, 0.0, 0.0, 0.0]
            by_depth.setdefault(path.count(SEPARATOR), set()).add(path)
        features = block.features
        entry[0] += _prose(block)
        entry[1] += features.get("chars", 0.0)
        entry[2] += features.get("link_chars", 0.0)
        entry[3] += 1.0
    # Deepest first, so an element has all its descendants before it passes them up.
    # Every depth down to 1, not only those that had blocks: new parents fill the gaps.
    for depth in range(max(by_depth, default=0), 0, -1):
        for path in by_depth.get(depth, ()):
            parent = path.rpartition(SEPARATOR)[0]
            entry = totals.get(parent)
            if entry is None:
                entry = totals[parent] = [0.0, 0.0, 0.0, 0.0]
                by_depth.setdefault(depth - 1, set()).add(parent)
            child = totals[path]
            entry[0] += child[0]
            entry[1] += child[1]
            entry[2] += child[2]
            entry[3] += child[3]
    return totals, by_depth


def _region(totals: dict[str, list[float]], total_prose: float, share: float) -> str | None:
    heavy = [p for p, t in totals.items() if p and t[0] >= share * total_prose]
    return max(heavy, key=lambda p: p.count(SEPARATOR)) if heavy and total_prose > 0 else None


def _inside(path: str, region: str | None) -> float:
    if region is None:
        return 0.0
    return float(path == region or path.startswith(region + SEPARATOR))


# Text shape is read from the block's first characters: enough to tell prose
# from a menu, and a long paragraph costs no more than a short one.
SHAPE_CHARS = 400


def _distance_to(inside: np.ndarray) -> np.ndarray:
    """Signed distance in blocks to the region (0 inside, < 0 before it), as a share of the page."""
    import numpy as np

    n = len(inside)
    where = np.flatnonzero(inside)
    index = np.arange(n, dtype=np.float64)
    if not len(where):
        return np.zeros(n)
    before = np.minimum(index - where[0], 0.0)
    after = np.maximum(index - where[-1], 0.0)
    return np.where(inside > 0, 0.0, before + after) / max(n - 1, 1)


def _shared(text: str, vocabulary: set[str]) -> float:
    if not vocabulary:
        return 0.0
    words = WORD.findall(text.lower())
    return sum(1 for w in words if w in vocabulary) / len(words) if words else 0.0


def _ancestors(path: str) -> list[str]:
    """The block's ancestors at ANCESTOR_LEVELS (the root when the path is shorter)."""
    found, cut, level = [], len(path), 0
    for wanted in ANCESTOR_LEVELS:
        while level < wanted:
            position = path.rfind(SEPARATOR, 0, cut)
            if position < 0:
                break
            cut, level = position, level + 1
        found.append(path[:cut])
    return found


_KIND_COLUMN = {kind: i for i, kind in enumerate(KINDS)}
_TAG_COLUMN = {group: i for i, group in enumerate(TAG_COLUMNS)}


def _tag_column(tag: str) -> int:
    group = TAG_GROUPS.get(tag)
    if group is None:
        return _TAG_COLUMN["custom element"] if "-" in tag else -1
    return _TAG_COLUMN[group]


def _one_hot(columns: list[int], width: int) -> np.ndarray:
    """Rows with a 1 in the given column (none for -1)."""
    import numpy as np

    index = np.asarray(columns, dtype=np.int64)
    return (index[:, None] == np.arange(width)[None, :]).astype(np.float32)


def page_matrix(doc: Document, vocabulary: Vocabulary) -> np.ndarray:
    """The feature matrix of every block of `doc` (rows in block order), float32."""
    import numpy as np

    blocks = doc.blocks
    names = feature_names(vocabulary)
    n = len(blocks)
    if not n:
        return np.zeros((0, len(names)), dtype=np.float32)
    features = [b.features for b in blocks]
    texts = [b.text for b in blocks]
    paths = [b.path or "" for b in blocks]
    words = np.array([f.get("words", 0.0) for f in features], dtype=np.float64)
    chars = np.array([f.get("chars", 0.0) for f in features], dtype=np.float64)
    link_density = np.array([f.get("link_density", 0.0) for f in features])
    heads = [t[:SHAPE_CHARS] for t in texts]
    head_chars = np.maximum(np.array([len(h) for h in heads], dtype=np.float64), 1.0)
    head_tokens = [h.split() for h in heads]
    token_counts = np.maximum(np.array([len(t) for t in head_tokens], dtype=np.float64), 1.0)
    tails = [t[-2:].rstrip()[-1:] for t in texts]
    page_words = max(float(words.sum()), 1.0)

    columns: dict[str, object] = {
        "words (log)": np.log1p(words),
        "characters (log)": np.log1p(chars),
        "link density": link_density,
        "links (log)": np.log1p([f.get("links", 0.0) for f in features]),
        "DOM depth": [f.get("depth", 0.0) for f in features],
        "stopword density": [f.get("stopword_density", 0.0) for f in features],
        "punctuation share": np.array([len(_PUNCTUATION_RE.findall(h)) for h in heads]) / head_chars,
        "ends like a sentence": [float(c != "" and c in _SENTENCE_CLOSERS) for c in tails],
        "sentences (log)": np.log1p([len(SENTENCE_END.findall(t)) for t in texts]),
        "capitalised words share": np.array([sum(1 for w in t if w[:1].isupper()) for t in head_tokens])
        / token_counts,
        "digit share": np.array([sum(map(h.count, _DIGITS)) for h in heads]) / head_chars,
        "separator characters (|, /, \u2022)": [sum(map(h.count, _SEPARATORS)) for h in heads],
        "commas per word": np.array([h.count(",") for h in heads]) / token_counts,
        "has \u00a9": [float("\u00a9" in t) for t in texts],
        "mean word length": (head_chars - token_counts) / token_counts,
        "position in page": np.arange(n) / max(n - 1, 1),
        "words before it (share)": (np.cumsum(words) - words) / page_words,
        "block's share of page words": words / page_words,
        "page blocks (log)": np.full(n, math.log1p(n)),
        "page words (log)": np.full(n, math.log1p(page_words)),
    }
    first_h1 = next((b.index for b in blocks if b.tag == "h1"), None)
    columns["after the first h1"] = (
        np.full(n, 0.5) if first_h1 is None else (np.arange(n) > first_h1).astype(np.float64)
    )

    # Repetition within the page.
    text_counts: dict[str, int] = {}
    for text in texts:
        text_counts[text] = text_counts.get(text, 0) + 1
    shape_memo: dict[str, str] = {}
    for path in paths:
        if path not in shape_memo:
            shape_memo[path] = SHAPE_INDEX.sub("", path)
    shape_keys = [shape_memo[p] for p in paths]
    shape_counts: dict[str, int] = {}
    for key in shape_keys:
        shape_counts[key] = shape_counts.get(key, 0) + 1
    group_counts: dict[int, int] = {}
    for block in blocks:
        group_counts[block.group] = group_counts.get(block.group, 0) + 1
    columns["same text elsewhere on page (log)"] = np.log1p([text_counts[t] - 1 for t in texts])
    columns["same DOM shape on page (log)"] = np.log1p([shape_counts[k] - 1 for k in shape_keys])
    columns["items in its list (log)"] = np.log1p([group_counts[b.group] - 1 for b in blocks])

    # Where the page's prose is.
    totals, by_depth = _element_totals(blocks)
    total_prose = sum(_prose(b) for b in blocks)
    for share in REGION_SHARES:
        region = _region(totals, total_prose, share)
        columns[f"inside the {share:.0%} prose region"] = np.array([_inside(p, region) for p in paths])
    columns["blocks from the 50% prose region (share of page)"] = _distance_to(
        columns["inside the 50% prose region"]
    )
    ancestor_rows = []
    empty = (0.0,) * len(ANCESTOR_MEASURES)
    for path in paths:
        row: list[float] = []
        for ancestor in _ancestors(path):
            entry = totals.get(ancestor)
            if entry is None or total_prose <= 0:
                row.extend(empty)
            else:
                prose, chars, link_chars, count = entry
                density = link_chars / chars if chars else 0.0
                row.extend((prose / total_prose, density, math.log1p(chars / count)))
        ancestor_rows.append(row)
    ancestor_matrix = np.asarray(ancestor_rows, dtype=np.float64)
    for i, name in enumerate(OWN_NAMES[-len(ANCESTOR_MEASURES) * len(ANCESTOR_LEVELS) :]):
        columns[name] = ancestor_matrix[:, i]
    title = set(WORD.findall(doc.metadata.get("title", "").lower()))
    columns["words shared with the title (share)"] = [_shared(h, title) for h in heads]

    # What the block is and what it sits in.
    kinds = _one_hot([_KIND_COLUMN.get(b.kind, -1) for b in blocks], len(KINDS))
    for i, kind in enumerate(KINDS):
        columns[f"kind {kind}"] = kinds[:, i]
    tag_columns = [_tag_column(b.tag or "") for b in blocks]
    tags = _one_hot(tag_columns, len(TAG_COLUMNS))
    for i, group in enumerate(TAG_COLUMNS):
        columns[f"tag {group}"] = tags[:, i]
    element_bits = _element_bits(by_depth, vocabulary)
    bits = [element_bits[p] if p else (0, 0) for p in paths]
    flags = (np.array([b[0] for b in bits], dtype=np.int64)[:, None] >> np.arange(len(ANCESTOR_FLAGS))) & 1
    for i, name in enumerate(ANCESTOR_FLAGS):
        columns[f"inside {name}"] = flags[:, i]
    vocab = (np.array([b[1] for b in bits], dtype=np.int64)[:, None] >> np.arange(len(vocabulary.words))) & 1

    own = np.empty((n, len(OWN_NAMES)), dtype=np.float32)
    for i, name in enumerate(OWN_NAMES):
        own[:, i] = columns[name]
    return np.concatenate([own, vocab.astype(np.float32), _context(own)], axis=1)


def _context(own: np.ndarray) -> np.ndarray:
    """Neighbours' measures (missing neighbours read -1) and window means."""
    import numpy as np

    n = own.shape[0]
    index = {name: i for i, name in enumerate(OWN_NAMES)}
    columns = []
    source = own[:, [index[s] for s in CONTEXT_SOURCES]]
    for offset in CONTEXT_OFFSETS:
        shifted = np.full_like(source, -1.0)
        if offset < 0 and n > -offset:
            shifted[-offset:] = source[:offset]
        elif offset > 0 and n > offset:
            shifted[:-offset] = source[offset:]
        columns.append(shifted)
    window_source = own[:, [index[s] for s in WINDOW_SOURCES]].astype(np.float64)
    cumulative = np.vstack([np.zeros((1, window_source.shape[1])), np.cumsum(window_source, axis=0)])
    positions = np.arange(n)
    for width in WINDOWS:
        low = np.clip(positions - width, 0, n)
        high = np.clip(positions + width + 1, 0, n)
        sums = cumulative[high] - cumulative[low]
        columns.append((sums / (high - low)[:, None]).astype(np.float32))
    return np.concatenate(columns, axis=1)
