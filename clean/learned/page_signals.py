"""Page-level signals for the block model: what kind of page a block sits on.

The block features say what a block is and where it sits; these say what the
page is, so the trees can treat a forum's replies, a product's specification
rows or a listing's cards differently from an article's teasers. Each is one
value per page, repeated on every row:

- the page type the markup declares: schema.org types (JSON-LD "@type",
  microdata itemtype) and og:type, grouped as in data/page_types.toml;
- how the page is built: share of its text in links, h2/h3 headings, DOM
  shapes repeated as cards or rows.

(The URL's shape and the share of blocks in a comment section were tried too:
they let the trees recognise sites, and cost an article's title on a page with
many comments; see training/README.md.)

The markup is read with a few literal-prefixed regexes over the source (a
fraction of a millisecond on a large page); the rest comes from arrays the
block features computed already.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

PAGE_TYPES = ("article", "product", "discussion", "listing", "documentation", "service")
# A DOM shape with this many blocks is a repeated card, row or item.
REPEATED_SHAPE_MIN = 3
# Only the first part of a huge source is scanned: declarations sit in the head or near the top.
SCAN_CHARS = 400_000

_JSONLD_TYPE = re.compile(r'"@type"\s*:\s*\[?\s*"([^"]{1,80})"')
_ITEMTYPE = re.compile(r'itemtype\s*=\s*["\']?\s*https?://schema\.org/([A-Za-z]{1,60})')
# Read in a window around each "og:type": the content attribute comes after or before it.
_OG_AFTER = re.compile(r'og:type["\']?\s+content\s*=\s*["\']([^"\']{1,60})')
_OG_BEFORE = re.compile(r'content\s*=\s*["\']([^"\']{1,60})["\']\s+(?:property|name)\s*=\s*["\']og:type')
OG_WINDOW = 120

PAGE_NAMES = (
    *(f"page declares type {t}" for t in PAGE_TYPES),
    "page link text share", "page h2/h3 headings (log)", "page repeated DOM shapes (log)",
    "page words in repeated DOM shapes (share)",
    "block's DOM shape words (share of page)",
)  # fmt: skip


@cache
def _page_type_data() -> tuple[dict[str, str], frozenset[str]]:
    """(declared type -> page type group, comment-section class/id words); read once."""
    text = resources.files("clean.learned").joinpath("data", "page_types.toml").read_text("utf-8")
    data = tomllib.loads(text)
    groups = {value: group for group in PAGE_TYPES for value in data[group]}
    return groups, frozenset(data["comment_words"])


def comment_words() -> frozenset[str]:
    return _page_type_data()[1]


def _literal_led_matches(
    pattern: re.Pattern, literal: str, text: str, end: int, rare: int | None = None
) -> Iterator[re.Match]:
    """pattern.finditer(text[:end]) for a pattern that starts with `literal`, found faster.

    str.find jumps between the literal's occurrences (it is many times faster
    than the regex engine's scan, and most pages hold few or none); the pattern
    is tried at each, and the search resumes after a match, as finditer does.
    `rare`: the index of a character of the literal that pages seldom hold, to
    find the literal by (_find_by_rare_character).
    """

    def find(start: int) -> int:
        if rare is None:
            return text.find(literal, start, end)
        return _find_by_rare_character(text, literal, start, end, rare)

    at = find(0)
    while at >= 0:
        match = pattern.match(text, at, end)
        if match is None:
            at = find(at + 1)
        else:
            yield match
            at = find(match.end())


def _find_by_rare_character(text: str, literal: str, start: int, end: int, rare: int) -> int:
    """text.find(literal, start, end), by the occurrences of the literal's character at index `rare`.

    str.find checks the literal's last character at each step and skips ahead
    only past characters the literal does not hold: '"@type"' ends in a quote
    and is made of common letters, which a page's markup is full of, so the
    scan crawls (0.17 ms a page for its occurrences, every 5th WCXB page, up
    to 400,000 characters each). Its "@" is rare in a page (median 10, mean
    48 in those characters), and one character is found at memchr's speed:
    0.03 ms. Every occurrence of the literal has that character at `rare`,
    so the first candidate that holds the literal is find()'s answer.
    """
    char = literal[rare]
    found = text.find(char, start + rare, end)
    while found >= 0:
        at = found - rare
        if text.startswith(literal, at, end):
            return at
        found = text.find(char, found + 1, end)
    return -1


def declared_types(source: str) -> set[str]:
    """The page type groups the markup declares (JSON-LD, microdata, og:type)."""
    groups = _page_type_data()[0]
    end = min(len(source), SCAN_CHARS)
    found: set[str] = set()
    for match in _literal_led_matches(_JSONLD_TYPE, '"@type"', source, end, rare=1):  # by its "@"
        found.add(match.group(1).rpartition("/")[2].lower())
    for match in _literal_led_matches(_ITEMTYPE, "itemtype", source, end):
        found.add(match.group(1).lower())
    at = source.find("og:type", 0, end)
    if at >= 0:
        match = _OG_AFTER.match(source, at, end) or _OG_BEFORE.search(
            source, max(at - OG_WINDOW, 0), min(at + 8, end)
        )
        if match:
            value = match.group(1).strip().lower()
            found.update((value, "og:" + value))
    return {groups[t] for t in found if t in groups}


def page_columns(
    source: str,
    *,
    words: np.ndarray,
    chars: np.ndarray,
    link_chars: np.ndarray,
    tags: list[str],
    shape_ids: np.ndarray,
    shape_counts: np.ndarray,
) -> np.ndarray:
    """The PAGE_NAMES columns (rows in block order), float32.

    `shape_ids`: per block, the number of its DOM shape (its path without
    positions); `shape_counts`: per shape number, how many blocks have it.
    """
    import numpy as np

    n = len(words)
    declared = declared_types(source)
    page_words = max(float(words.sum()), 1.0)
    repeated_shapes = shape_counts >= REPEATED_SHAPE_MIN
    repeated = repeated_shapes[shape_ids]
    # Word counts are whole numbers: their sums are exact in any order.
    shape_words = np.bincount(shape_ids, weights=words, minlength=len(shape_counts))
    constants = [
        *(float(t in declared) for t in PAGE_TYPES),
        float(link_chars.sum()) / max(float(chars.sum()), 1.0),
        math.log1p(sum(1 for t in tags if t in ("h2", "h3"))),
        math.log1p(int(repeated_shapes.sum())),
        float(words[repeated].sum()) / page_words,
    ]
    matrix = np.empty((n, len(PAGE_NAMES)), dtype=np.float32)
    matrix[:, : len(constants)] = np.asarray(constants, dtype=np.float32)[None, :]
    matrix[:, len(constants)] = shape_words[shape_ids] / page_words
    return matrix
