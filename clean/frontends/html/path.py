"""Compact DOM paths: how a block remembers where it sat in the page.

A path is the chain of the block's ancestors, outermost first, joined by
" > ". Each step reads like a CSS selector: `tag#id.class1.class2`, then
`[role=...]` / `[itemprop=...]` when present, then `:N` when the element is
the N-th (N >= 2) sibling with its tag. The index makes every path prefix
name exactly one element, so stages can rebuild the containers (all blocks
whose path starts with a prefix) from the blocks alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

SEPARATOR = " > "
# Class lists can be long (utility CSS); the first few carry the meaning.
MAX_CLASSES = 6
# Characters that would break the path syntax inside an id or a class.
_UNSAFE = str.maketrans({c: "_" for c in "#.>[]: =\t\n\r\f"})
# Splits a class or id into words: "post-header__title" -> post, header, title.
# Words, not substrings, so "head" never reads as "ad". Not at camelCase humps:
# generated class names ("root__adKqa") would read as "ad"; "adSlot" is the
# word "adslot".
_WORD_BREAK = re.compile(r"[^a-z0-9]+")


# Names longer than this are cut: their meaning is in their start, and a
# megabyte-long id would otherwise be copied into the path of every block below it.
MAX_NAME_CHARS = 64


def safe(value: str) -> str:
    return value[:MAX_NAME_CHARS].translate(_UNSAFE)


def step(tag: str, attributes: dict[str, str | None], nth: int) -> str:
    """One step of a path for an element with these attributes."""
    parts = [tag[:MAX_NAME_CHARS]]
    element_id = attributes.get("id")
    if element_id:
        parts.append("#" + safe(element_id.strip()))
    classes = attributes.get("class")
    if classes:
        parts.extend("." + safe(c) for c in classes.split()[:MAX_CLASSES])
    role = attributes.get("role")
    if role:
        parts.append(f"[role={safe(role.strip().lower())}]")
    itemprop = attributes.get("itemprop")
    if itemprop:
        parts.append(f"[itemprop={safe(itemprop.strip())}]")
    if nth > 1:
        parts.append(f":{nth}")
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Step:
    tag: str
    id: str
    classes: tuple[str, ...]
    role: str
    itemprop: str
    # Lower-case words of the id and classes, for the class/id vocabulary,
    # and the pairs of words that follow each other in one name ("site header").
    words: frozenset[str]
    pairs: frozenset[str] = frozenset()


_STEP = re.compile(r"^([^#.\[:]+)((?:[#.][^#.\[:]*)*)((?:\[[a-z]+=[^\]]*\])*)(?::\d+)?$")
_ATTR = re.compile(r"\[([a-z]+)=([^\]]*)\]")


def words_of(name: str) -> list[str]:
    return [w for w in _WORD_BREAK.split(name.lower()) if w]


@lru_cache(maxsize=8192)
def parse_step(text: str) -> Step:
    found = _STEP.match(text)
    if not found:
        return Step(text, "", (), "", "", frozenset(), frozenset())
    tag, names, attrs = found.groups()
    element_id, classes = "", []
    for piece in re.findall(r"[#.][^#.]*", names or ""):
        if piece[0] == "#":
            element_id = piece[1:]
        elif piece[1:]:
            classes.append(piece[1:])
    attributes = dict(_ATTR.findall(attrs or ""))
    words: set[str] = set()
    pairs: set[str] = set()
    for name in [element_id, *classes]:
        name_words = words_of(name)
        words.update(name_words)
        pairs.update(f"{a} {b}" for a, b in zip(name_words, name_words[1:], strict=False))
    return Step(
        tag,
        element_id,
        tuple(classes),
        attributes.get("role", ""),
        attributes.get("itemprop", ""),
        frozenset(words),
        frozenset(pairs),
    )


def steps(path: str | None) -> list[str]:
    return path.split(SEPARATOR) if path else []


def prefixes(path: str | None) -> list[str]:
    """Every ancestor's own path, outermost first."""
    parts = steps(path)
    return [SEPARATOR.join(parts[: i + 1]) for i in range(len(parts))]
