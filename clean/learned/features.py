"""Block feature vectors for the learned scorer, computed from a parsed HTML Document.

One row per block, one column per named feature. The names are what the
explanations print, so they read as plain words ("link density", "previous
block: words (log)"). Five families:

- the block itself: size, links, stopwords, text shape (punctuation, sentence
  endings, capitals, digits), its tag and kind;
- where it sits: semantic ancestors (<article>, <nav>, <footer>, ...), words
  of its ancestors' classes and ids (a vocabulary chosen by the training
  script and shipped with the model), how much of the page's prose its
  parent, grandparent, ... hold, whether it lies in the page's prose region,
  its position;
- repetition within the page: same text, same DOM shape (list items, cards);
- its neighbours: the same measures for the blocks around it (a window);
- the page it sits on (clean/learned/page_signals.py): the type the markup
  declares, link share, headings, repeated card/row shapes, one value per page.

Everything is computed from the blocks alone (no second look at the DOM), in
one pass over the blocks plus a few numpy operations, so a page costs a few
milliseconds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING

from clean.frontends.html.elements import ElementTable, element_table
from clean.frontends.html.path import parse_unindexed_step, without_index
from clean.learned.lexical import LEXICAL_NAMES, LexicalModel, lexical_columns
from clean.learned.page_signals import PAGE_NAMES, comment_words, page_columns
from clean.model import Block, Document
from clean.vocabulary import ASCII_WORD, block_tokens

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
    "comments",
)  # fmt: skip
_ANCESTOR_BIT = {name: 1 << i for i, name in enumerate(ANCESTOR_FLAGS)}
_LANDMARK_ROLES = {"contentinfo": "footer", "banner": "header", "complementary": "aside"}
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
_PUNCTUATION = ".,;:!?\"'()[]{}-\u2013\u2014\u2026\u00ab\u00bb\u201c\u201d\u2018\u2019"
_SEPARATORS = "|\u2022\u00b7\u203a\u00bb/>"
_SENTENCE_ENDS = ".!?\u3002\uff01\uff1f"
_SENTENCE_CLOSERS = ".!?\u3002\uff01\uff1f\"'\u201d\u2019)"

OWN_NAMES = (
    "words (log)", "characters (log)", "link density", "links (log)", "DOM depth", "stopword density",
    "punctuation share", "ends like a sentence", "sentences (log)", "capitalised words share",
    "digit share", "separator characters (|, /, \u2022)", "commas per word", "has \u00a9",
    "mean word length", "position in page", "words before it (share)", "after the first h1",
    "blocks from the first h1 (share of page)", "words from the first h1 (share of page)",
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


# Steps whose bits a vocabulary remembers (its step_bits); past this the cache starts afresh.
STEP_CACHE_SIZE = 32768


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Class/id words that are features, in column order (chosen by the training script)."""

    words: tuple[str, ...]
    bits: dict[str, int] = field(init=False, repr=False, compare=False)
    word_set: frozenset[str] = field(init=False, repr=False, compare=False)
    # Path step without its sibling index -> its semantic-ancestor bits, and -> its vocabulary
    # bits (_step_bits): two dicts, replaced together (never cleared, so that a thread reading
    # them meanwhile finds every step it added). Keyed by the step alone, the keys are strings
    # the garbage collector does not track (an lru_cache keyed by (step, vocabulary) kept
    # ~32,000 tracked tuples that every full collection walked), and the values ints.
    step_bits: tuple[dict[str, int], dict[str, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.words) > MAX_VOCABULARY:
            raise ValueError(f"at most {MAX_VOCABULARY} class/id words, got {len(self.words)}")
        object.__setattr__(self, "bits", {w: 1 << i for i, w in enumerate(self.words)})
        object.__setattr__(self, "word_set", frozenset(self.words))
        object.__setattr__(self, "step_bits", ({}, {}))

    def bits_of_steps(self, steps: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(semantic-ancestor bits, vocabulary bits) of each path step (written without its index),
        as two int64 arrays.

        The steps new to the cache are found as a set difference, and both arrays read from
        the cache by numpy's fromiter: no Python loop over the page's ~450 steps.
        """
        import numpy as np

        flags, words = self.step_bits
        if len(flags) > STEP_CACHE_SIZE:
            flags, words = {}, {}
            object.__setattr__(self, "step_bits", (flags, words))
        for step in set(steps).difference(flags):
            flags[step], words[step] = _step_bits(step, self)
        count = len(steps)
        return (
            np.fromiter(map(flags.__getitem__, steps), dtype=np.int64, count=count),
            np.fromiter(map(words.__getitem__, steps), dtype=np.int64, count=count),
        )


def feature_names(vocabulary: Vocabulary, lexical: bool = False) -> tuple[str, ...]:
    """Column names; `lexical`: the model has word-level models (clean/learned/lexical.py)."""
    return (
        OWN_NAMES
        + tuple(f'class/id word "{w}" above' for w in vocabulary.words)
        + CONTEXT_NAMES
        + PAGE_NAMES
        + (LEXICAL_NAMES if lexical else ())
    )


def _step_bits(step_text: str, vocabulary: Vocabulary) -> tuple[int, int]:
    """(semantic-ancestor bits, vocabulary bits) of one path step."""
    # Called for each step new to the vocabulary's cache (~110 a page, most with an id of their
    # own): the tests a step without a role or without words cannot pass are skipped, and its
    # words are matched against the vocabulary's as one set intersection.
    step = parse_unindexed_step(without_index(step_text))  # parse_step, without its cache
    tag, role, names = step.tag, step.role, step.words
    flags = _ANCESTOR_BIT.get(tag, 0)
    if tag in ("ul", "ol", "dl"):
        flags |= _ANCESTOR_BIT["list"]
    if step.itemprop == "articleBody":
        flags |= _ANCESTOR_BIT["articleBody"]
    if role:
        flags |= _ANCESTOR_BIT.get(role, 0)
        if role == "navigation":
            flags |= _ANCESTOR_BIT["nav"]
        # ARIA landmark roles name the same regions as the tags (a <div role=contentinfo> is a footer).
        flags |= _ANCESTOR_BIT.get(_LANDMARK_ROLES.get(role, ""), 0)
    words = 0
    if names:
        if not comment_words().isdisjoint(names):
            flags |= _ANCESTOR_BIT["comments"]
        bits = vocabulary.bits
        for word in vocabulary.word_set.intersection(names):
            words |= bits[word]
    return flags, words


@dataclass(frozen=True, slots=True)
class Elements:
    """The page's elements rebuilt from the block paths, as arrays indexed by element id.

    Ids are given parents first, so walking ids in order visits an element's
    ancestors before it. A top element is its own parent.
    """

    paths: list[str]
    parent: np.ndarray
    depth: np.ndarray
    block_element: np.ndarray  # block index -> id of the element the block sits in
    sums: np.ndarray  # (elements, 4): prose chars, chars, link chars, blocks inside it
    levels: list[np.ndarray]  # element ids by depth, outermost first

    def down(self, values: np.ndarray, combine) -> np.ndarray:
        """Combine each element's value with its ancestors' (outermost first)."""
        values = values.copy()
        for ids in self.levels[1:]:
            values[ids] = combine(values[ids], values[self.parent[ids]])
        return values


def element_arrays(
    blocks: list[Block],
    prose: np.ndarray,
    chars: np.ndarray,
    link_chars: np.ndarray,
    table: ElementTable | None = None,
) -> Elements:
    """Every element holding a block, and the prose, text and links inside each (per-block arrays).

    `table`: the blocks' element table when the page has one (element_table), else built here.
    """
    import numpy as np

    if table is None:
        table = ElementTable([b.path for b in blocks])
    block_element_array = np.asarray(table.block_element, dtype=np.int64)
    parent_array = np.asarray(table.parent, dtype=np.int64)
    depth_array = np.asarray(table.depth, dtype=np.int64)
    count = len(table.paths)
    sums = np.zeros((count, 4))
    for column, values in enumerate((prose, chars, link_chars, np.ones(len(blocks)))):
        sums[:, column] = np.bincount(block_element_array, weights=values, minlength=count)
    order = np.argsort(depth_array, kind="stable")
    # Slices of the order (np.split, which costs a few microseconds a piece, cut the same).
    bounds = [0, *(np.flatnonzero(np.diff(depth_array[order])) + 1).tolist(), count]
    levels = [order[start:end] for start, end in zip(bounds[:-1], bounds[1:], strict=True)]
    elements = Elements(table.paths, parent_array, depth_array, block_element_array, sums, levels)
    for ids_at_depth in reversed(elements.levels[1:]):  # deepest first: children before parents
        np.add.at(sums, parent_array[ids_at_depth], sums[ids_at_depth])
    return elements


def _region_blocks(elements: Elements, total_prose: float, share: float) -> np.ndarray:
    """1.0 for the blocks inside the deepest element holding `share` of the page's prose."""
    import numpy as np

    blocks = np.zeros(len(elements.block_element))
    if total_prose <= 0:
        return blocks
    heavy = elements.sums[:, 0] >= share * total_prose
    if not heavy.any():
        return blocks
    region = int(np.flatnonzero(heavy)[np.argmax(elements.depth[heavy])])
    inside = np.zeros(len(elements.paths), dtype=bool)
    inside[region] = True
    inside = elements.down(inside, np.logical_or)
    return inside[elements.block_element].astype(np.float64)


# The title overlap reads the block's first characters: titles are short, and a
# long paragraph then costs no more than a heading.
SHAPE_CHARS = 160


# Character classes for the text-shape counts, one bit each (see _char_classes).
PUNCT, DIGIT, SEPARATOR_CHAR, COMMA, UPPER, SPACE, SENTENCE_END, COPYRIGHT = (1 << i for i in range(8))


@cache
def _char_classes() -> np.ndarray:
    """Class bits per code point of the Basic Multilingual Plane (computed once, read-only)."""
    import numpy as np

    table = np.zeros(0x10000, dtype=np.uint8)
    for chars, bit in (
        (_PUNCTUATION, PUNCT), ("0123456789", DIGIT), (_SEPARATORS, SEPARATOR_CHAR), (",", COMMA),
        (_SENTENCE_ENDS, SENTENCE_END), ("\u00a9", COPYRIGHT),
    ):  # fmt: skip
        for char in chars:
            table[ord(char)] |= bit
    for code in range(1, 0x10000):
        char = chr(code)
        if char.isupper():
            table[code] |= UPPER
        elif char.isspace():
            table[code] |= SPACE
    table.setflags(write=False)
    return table


# What text_shape counts, in its order, as a test on a character's class bits and on whether
# whitespace comes before it (it starts a token) and after it (it ends one).
_SHAPE_COUNTS = {
    "tokens": lambda bits, before, after: not bits & SPACE and before,
    "punctuation": lambda bits, before, after: bits & PUNCT,
    "digits": lambda bits, before, after: bits & DIGIT,
    "separators": lambda bits, before, after: bits & SEPARATOR_CHAR,
    "commas": lambda bits, before, after: bits & COMMA,
    "capitalised": lambda bits, before, after: not bits & SPACE and before and bits & UPPER,
    "sentences": lambda bits, before, after: bits & SENTENCE_END and after,
    "copyright": lambda bits, before, after: bits & COPYRIGHT,
    "non-space": lambda bits, before, after: not bits & SPACE,
}
# text_shape adds up its counts packed several to an int64, each in a field of 63 // (counts per
# int64) bits: three while every block is shorter than 2**21 characters, else one.
_PACKINGS = (3, 1)


@cache
def _shape_codes() -> tuple[np.ndarray, int, dict[int, np.ndarray]]:
    """The tables of text_shape, built once.

    (per code point: its class's number among the class table's few distinct bytes (eleven)
    times 4; that of whitespace, the only class with the SPACE bit; per packing (_PACKINGS),
    per int64 of counts and per code (class number * 4, + 2 when whitespace comes before the
    character, + 1 when it follows) the character's counts packed as text_shape adds them.)
    """
    import numpy as np

    classes = _char_classes()
    values, numbers = np.unique(classes, return_inverse=True)
    if (values & SPACE).tolist() != [SPACE if v == SPACE else 0 for v in values.tolist()]:
        raise AssertionError("whitespace must be a class of its own")
    per_char = (numbers.astype(np.uint8) * 4).reshape(classes.shape)
    tests = [
        [bool(test(bits, bool(code & 2), bool(code & 1))) for test in _SHAPE_COUNTS.values()]
        for bits in values.tolist()
        for code in range(4)
    ]
    packed = {}
    for per_word in _PACKINGS:
        width = 63 // per_word
        table = np.zeros((-(-len(_SHAPE_COUNTS) // per_word), len(tests)), dtype=np.int64)
        for code, counted in enumerate(tests):
            for i, hit in enumerate(counted):
                table[i // per_word, code] |= int(hit) << (i % per_word * width)
        table.setflags(write=False)
        packed[per_word] = table
    per_char.setflags(write=False)
    return per_char, int(np.flatnonzero(values == SPACE)[0]) * 4, packed


def text_shape(texts: list[str]) -> dict[str, np.ndarray]:
    """Counts over every block's text at once: one pass of numpy over the page's characters.

    Tokens are whitespace-separated (str.split), a sentence end is one of
    . ! ? followed by whitespace or the block's end.

    Each character gets a code (its class among the table's eleven, whitespace before it,
    whitespace after it) and the code its counts, three packed to an int64: three sums
    (np.add.reduceat) give the nine counts. Nine masks and nine sums cost more (~0.19 against
    ~0.10 ms a page, every 5th WCXB page): ~30 passes over the characters against ~12.
    """
    import numpy as np

    per_char, space_code, packings = _shape_codes()
    n = len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    points = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    shape = {"chars": lengths.astype(np.float64)}
    if not len(points):
        shape.update((name, np.zeros(n)) for name in _SHAPE_COUNTS)
        return shape
    # Past the Basic Multilingual Plane a character has no class: U+FFFF (a noncharacter) has
    # none either, and take's clipping to the table's end costs less than a comparison and a select.
    code = per_char.take(points, mode="clip")
    space = (code == space_code).view(np.uint8)
    # The "\n" between two blocks is whitespace: it starts and ends their tokens (and counts
    # as nothing, so it may be summed with the block before it).
    code[1:] += space[:-1] << 1
    code[0] += 2
    code[:-1] += space[1:]
    code[-1] += 1
    code = code.astype(np.intp)  # once, not in each take
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    per_word = _PACKINGS[0] if int(lengths.max()) < 1 << (63 // _PACKINGS[0]) else _PACKINGS[-1]
    width = 63 // per_word
    sums = np.stack([np.add.reduceat(table.take(code), starts) for table in packings[per_word]])
    fields = (sums[:, None, :] >> np.arange(0, per_word * width, width)[None, :, None]) & ((1 << width) - 1)
    counts = fields.reshape(-1, n).astype(np.float64)
    shape.update((name, counts[i]) for i, name in enumerate(_SHAPE_COUNTS))
    return shape


def distance_to(inside: np.ndarray) -> np.ndarray:
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


def title_overlap(texts: list[str], tokens: list[tuple[str, ...]], title: set[str]) -> np.ndarray:
    """Per block, the share of the words of its text's first SHAPE_CHARS characters that are in
    `title` (0 without words); `tokens`: each text's (block_tokens), a short text's words.

    One loop, without a call per block; a long block's start split by the ASCII regex when it
    is ASCII (as clean/vocabulary.py does: the same words, found faster).
    """
    import numpy as np

    contains = title.__contains__
    shares = []
    for text, words in zip(texts, tokens, strict=True):
        if len(text) > SHAPE_CHARS:
            start = text[:SHAPE_CHARS].lower()
            words = (ASCII_WORD if start.isascii() else WORD).findall(start)
        shares.append(sum(map(contains, words)) / len(words) if words else 0.0)
    return np.array(shares, dtype=np.float64)


_KIND_COLUMN = {kind: i for i, kind in enumerate(KINDS)}
_TAG_COLUMN = {group: i for i, group in enumerate(TAG_COLUMNS)}
_OWN_COLUMN = {name: i for i, name in enumerate(OWN_NAMES)}
# Where the groups of own columns written at once start (each group's columns follow each other).
_KINDS_AT = _OWN_COLUMN[f"kind {KINDS[0]}"]
_TAGS_AT = _OWN_COLUMN[f"tag {TAG_COLUMNS[0]}"]
_FLAGS_AT = _OWN_COLUMN[f"inside {ANCESTOR_FLAGS[0]}"]


def _tag_column(tag: str) -> int:
    group = TAG_GROUPS.get(tag)
    if group is None:
        return _TAG_COLUMN["custom element"] if "-" in tag else -1
    return _TAG_COLUMN[group]


# Tag -> _tag_column, across pages (tags repeat: "p", "div", a site's custom elements); past
# this many tags it starts afresh.
_TAG_COLUMN_CACHE_SIZE = 4096
_tag_column_of: dict[str, int] = {}


def _tag_columns(tags: list[str]) -> list[int]:
    """_tag_column of each tag: worked out once per tag, read back by one map over the page."""
    global _tag_column_of
    known = _tag_column_of
    if len(known) > _TAG_COLUMN_CACHE_SIZE:
        known = _tag_column_of = {}  # replaced, not cleared: a thread reading the old one finds its tags
    for tag in set(tags).difference(known):
        known[tag] = _tag_column(tag)
    return list(map(known.__getitem__, tags))


def _one_hot(columns: list[int], width: int) -> np.ndarray:
    """Rows with a 1 in the given column (none for -1)."""
    import numpy as np

    index = np.asarray(columns, dtype=np.int64)
    return (index[:, None] == np.arange(width)[None, :]).astype(np.float32)


@dataclass(frozen=True, slots=True)
class PageLayout:
    """What the second pass, and the stage's cut (clean/learned/stage.py), need from the feature
    computation."""

    elements: Elements
    words: np.ndarray  # per block
    shape_keys: list[str]  # per block: its DOM path without positions
    # Per block, the number of its shape without ids (ElementTable.bare_shapes): the cut's groups.
    bare_shape_ids: np.ndarray
    steps: list[str]  # per element: its own step without the sibling index (ElementTable.unindexed)


def page_matrix(doc: Document, vocabulary: Vocabulary, lexical: LexicalModel | None = None) -> np.ndarray:
    """The feature matrix of every block of `doc` (rows in block order), float32."""
    return page_features(doc, vocabulary, lexical)[0]


def page_features(
    doc: Document, vocabulary: Vocabulary, lexical: LexicalModel | None = None
) -> tuple[np.ndarray, PageLayout | None]:
    """The feature matrix and the page layout it was computed from (None for a page without blocks).

    With `lexical`, the word-level columns (LEXICAL_NAMES) come last.
    """
    import numpy as np

    blocks = doc.blocks
    n = len(blocks)
    # feature_names()' length, without writing the names.
    vocabulary_end = len(OWN_NAMES) + len(vocabulary.words)
    context_end = vocabulary_end + len(CONTEXT_NAMES)
    page_end = context_end + len(PAGE_NAMES)
    width = page_end + (len(LEXICAL_NAMES) if lexical is not None else 0)
    if not n:
        return np.zeros((0, width), dtype=np.float32), None
    # Filled in place: groups of columns (kinds, tags, ancestors, class/id words, neighbours,
    # page) as one 2-D assignment each, no part copied again by a concatenation.
    matrix = np.empty((n, width), dtype=np.float32)
    own = matrix[:, : len(OWN_NAMES)]
    features = list(map(attrgetter("features"), blocks))
    texts = list(map(attrgetter("text"), blocks))

    def measure(name: str) -> np.ndarray:
        """The front end's measure of every block (0 where it has none), read without a Python loop."""
        return np.fromiter(map(dict.get, features, repeat(name), repeat(0.0)), dtype=np.float64, count=n)

    words = measure("words")
    chars = measure("chars")
    link_chars = measure("link_chars")
    link_density = measure("link_density")
    shape = text_shape(texts)
    text_chars = np.maximum(shape["chars"], 1.0)
    token_counts = np.maximum(shape["tokens"], 1.0)
    tails = [t[-2:].rstrip()[-1:] for t in texts]
    page_words = max(float(words.sum()), 1.0)
    words_before = np.cumsum(words) - words
    order = np.arange(n)

    columns: dict[str, object] = {
        "words (log)": np.log1p(words),
        "characters (log)": np.log1p(chars),
        "link density": link_density,
        "links (log)": np.log1p(measure("links")),
        "DOM depth": measure("depth"),
        "stopword density": measure("stopword_density"),
        "punctuation share": shape["punctuation"] / text_chars,
        "ends like a sentence": [float(c != "" and c in _SENTENCE_CLOSERS) for c in tails],
        "sentences (log)": np.log1p(shape["sentences"]),
        "capitalised words share": shape["capitalised"] / token_counts,
        "digit share": shape["digits"] / text_chars,
        "separator characters (|, /, \u2022)": shape["separators"],
        "commas per word": shape["commas"] / token_counts,
        "has \u00a9": np.minimum(shape["copyright"], 1),
        "mean word length": shape["non-space"] / token_counts,
        "position in page": order / max(n - 1, 1),
        "words before it (share)": words_before / page_words,
        "block's share of page words": words / page_words,
        "page blocks (log)": np.full(n, math.log1p(n)),
        "page words (log)": np.full(n, math.log1p(page_words)),
    }
    tags = [b.tag or "" for b in blocks]
    first_h1 = next((b.index for b in blocks if b.tag == "h1"), None)
    columns["after the first h1"] = (
        np.full(n, 0.5) if first_h1 is None else (order > first_h1).astype(np.float64)
    )
    # How far from the title the block sits (signed, < 0 before it; 0 without an h1): a product's
    # description or a thread's first post sits just under it, related items and footers far below.
    if first_h1 is None:
        columns["blocks from the first h1 (share of page)"] = np.zeros(n)
        columns["words from the first h1 (share of page)"] = np.zeros(n)
    else:
        columns["blocks from the first h1 (share of page)"] = (order - first_h1) / max(n - 1, 1)
        words_from_h1 = words_before - words_before[first_h1]
        columns["words from the first h1 (share of page)"] = words_from_h1 / page_words

    # Repetition within the page.
    text_counts: dict[str, int] = {}
    for text in texts:
        text_counts[text] = text_counts.get(text, 0) + 1
    table = element_table(doc)
    shapes = table.shapes
    shape_keys = [shapes[e] for e in table.block_element]
    # Each distinct shape numbered in order of appearance: counts and sums per shape are numpy's.
    shape_numbers: dict[str, int] = {}
    shape_ids = np.fromiter(
        (shape_numbers.setdefault(key, len(shape_numbers)) for key in shape_keys), dtype=np.int64, count=n
    )
    shape_counts = np.bincount(shape_ids)
    group_counts: dict[int, int] = {}
    for block in blocks:
        group_counts[block.group] = group_counts.get(block.group, 0) + 1
    columns["same text elsewhere on page (log)"] = np.log1p([text_counts[t] - 1 for t in texts])
    columns["same DOM shape on page (log)"] = np.log1p(shape_counts[shape_ids] - 1)
    columns["items in its list (log)"] = np.log1p([group_counts[b.group] - 1 for b in blocks])

    # Where the page's prose is.
    prose = np.where((words >= PROSE_MIN_WORDS) & (link_density <= PROSE_MAX_LINK_DENSITY), chars, 0.0)
    prose = prose * (1.0 - link_density)
    total_prose = float(prose.sum())
    elements = element_arrays(blocks, prose, chars, link_chars, table)
    for share in REGION_SHARES:
        columns[f"inside the {share:.0%} prose region"] = _region_blocks(elements, total_prose, share)
    columns["blocks from the 50% prose region (share of page)"] = distance_to(
        columns["inside the 50% prose region"]
    )
    ancestor, level = elements.block_element, 0
    sums = elements.sums
    for wanted in ANCESTOR_LEVELS:
        while level < wanted:
            ancestor, level = elements.parent[ancestor], level + 1
        held = sums[ancestor]
        with np.errstate(divide="ignore", invalid="ignore"):
            columns[f"{wanted}-up ancestor: prose share"] = (
                held[:, 0] / total_prose if total_prose > 0 else np.zeros(n)
            )
            columns[f"{wanted}-up ancestor: link density"] = np.where(
                held[:, 1] > 0, held[:, 2] / np.maximum(held[:, 1], 1e-9), 0.0
            )
            columns[f"{wanted}-up ancestor: characters per block (log)"] = np.log1p(
                held[:, 1] / np.maximum(held[:, 3], 1.0)
            )
    title = set(WORD.findall(doc.metadata.get("title", "").lower()))
    columns["words shared with the title (share)"] = (
        title_overlap(texts, block_tokens(doc), title) if title else np.zeros(n)
    )

    # What the block is and what it sits in.
    kind_columns = list(map(_KIND_COLUMN.get, map(attrgetter("kind"), blocks), repeat(-1)))
    own[:, _KINDS_AT : _KINDS_AT + len(KINDS)] = _one_hot(kind_columns, len(KINDS))
    own[:, _TAGS_AT : _TAGS_AT + len(TAG_COLUMNS)] = _one_hot(_tag_columns(tags), len(TAG_COLUMNS))
    # Keyed without the sibling index, which says nothing the bits read: the 2nd..50th
    # item of a list share one cache entry.
    own_steps = table.unindexed
    own_flags, own_words = vocabulary.bits_of_steps(own_steps)
    element_flags = elements.down(own_flags, np.bitwise_or)
    element_words = elements.down(own_words, np.bitwise_or)
    own[:, _FLAGS_AT : _FLAGS_AT + len(ANCESTOR_FLAGS)] = (
        element_flags[elements.block_element][:, None] >> np.arange(len(ANCESTOR_FLAGS))
    ) & 1
    matrix[:, len(OWN_NAMES) : vocabulary_end] = (
        element_words[elements.block_element][:, None] >> np.arange(len(vocabulary.words))
    ) & 1
    for name, values in columns.items():
        own[:, _OWN_COLUMN[name]] = values
    matrix[:, vocabulary_end:context_end] = _context(own)
    matrix[:, context_end:page_end] = page_columns(
        doc.source,
        words=words,
        chars=chars,
        link_chars=link_chars,
        tags=tags,
        shape_ids=shape_ids,
        shape_counts=shape_counts,
    )
    if lexical is not None:
        matrix[:, page_end:] = lexical_columns(lexical, texts, elements, own_steps)
    bare_ids = np.fromiter(map(table.bare_shapes.__getitem__, table.block_element), np.int64, n)
    layout = PageLayout(elements, words, shape_keys, bare_ids, own_steps)
    return matrix, layout


def shifted_rows(values: np.ndarray, offset: int) -> np.ndarray:
    """Row i holds values[i + offset] (the block `offset` places away), -1 past either end."""
    import numpy as np

    n = values.shape[0]
    shifted = np.full_like(values, -1.0)
    if offset < 0 and n > -offset:
        shifted[-offset:] = values[:offset]
    elif offset > 0 and n > offset:
        shifted[:-offset] = values[offset:]
    return shifted


def _context(own: np.ndarray) -> np.ndarray:
    """Neighbours' measures (missing neighbours read -1) and window means."""
    import numpy as np

    n = own.shape[0]
    index = {name: i for i, name in enumerate(OWN_NAMES)}
    columns = []
    source = own[:, [index[s] for s in CONTEXT_SOURCES]]
    for offset in CONTEXT_OFFSETS:
        columns.append(shifted_rows(source, offset))
    window_source = own[:, [index[s] for s in WINDOW_SOURCES]].astype(np.float64)
    cumulative = np.vstack([np.zeros((1, window_source.shape[1])), np.cumsum(window_source, axis=0)])
    positions = np.arange(n)
    for width in WINDOWS:
        # The one bound each side needs: np.maximum and np.minimum cost a fraction of np.clip.
        low = np.maximum(positions - width, 0)
        high = np.minimum(positions + width + 1, n)
        sums = cumulative[high] - cumulative[low]
        columns.append((sums / (high - low)[:, None]).astype(np.float32))
    return np.concatenate(columns, axis=1)
