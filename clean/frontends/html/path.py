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
from functools import lru_cache
from typing import NamedTuple

SEPARATOR = " > "
# Class lists can be long (utility CSS); the first few carry the meaning.
MAX_CLASSES = 6
# Characters that would break the path syntax inside an id or a class.
_UNSAFE = str.maketrans({c: "_" for c in "#.>[]: =\t\n\r\f"})
_CLASS_LIST = str.maketrans({**{c: "_" for c in "#.>[]:=\t\n\r\f"}, " ": "."})
# Splits a class or id into words: "post-header__title" -> post, header, title.
# Words, not substrings, so "head" never reads as "ad". Not at camelCase humps:
# generated class names ("root__adKqa") would read as "ad"; "adSlot" is the
# word "adslot".
_WORD_BREAK = re.compile(r"[^a-z0-9]+")


# Names longer than this are cut: their meaning is in their start, and a
# megabyte-long id would otherwise be copied into the path of every block below it.
MAX_NAME_CHARS = 64


# The characters the tables above replace; most names have none, and a search is
# several times cheaper than a translate that changes nothing.
_UNSAFE_CHAR = re.compile(r"[#.>\[\]: =\t\n\r\f]")
# In a class list split on whitespace only these remain to replace (the blanks are gone).
_UNSAFE_CLASS_CHAR = re.compile(r"[#.>\[\]:=]")


def safe(value: str) -> str:
    value = value[:MAX_NAME_CHARS]
    return value.translate(_UNSAFE) if _UNSAFE_CHAR.search(value) else value


def step(tag: str, attributes: dict[str, str | None], nth: int) -> str:
    """One step of a path for an element with these attributes."""
    text = tag if len(tag) <= MAX_NAME_CHARS else tag[:MAX_NAME_CHARS]
    element_id = attributes.get("id")
    if element_id:
        text += "#" + safe(element_id.strip())
    classes = attributes.get("class")
    if classes:
        text += _class_step(classes)
    role = attributes.get("role")
    if role:
        text += f"[role={safe(role.strip().lower())}]"
    itemprop = attributes.get("itemprop")
    if itemprop:
        text += f"[itemprop={safe(itemprop.strip())}]"
    if nth > 1:
        text += f":{nth}"
    return text


# Cached: a page repeats its class lists (every item of a menu, every card).
@lru_cache(maxsize=4096)
def _class_step(classes: str) -> str:
    """The ".class1.class2" part of a step."""
    names = classes.split()
    if len(names) > MAX_CLASSES:
        names = names[:MAX_CLASSES]
    if len(classes) > MAX_NAME_CHARS and max(map(len, names), default=0) > MAX_NAME_CHARS:
        names = [n[:MAX_NAME_CHARS] for n in names]
    # One translate for all the classes: the spaces between them become dots.
    joined = " ".join(names)
    if _UNSAFE_CLASS_CHAR.search(joined):
        return "." + joined.translate(_CLASS_LIST)
    return "." + joined.replace(" ", ".")


# A named tuple: immutable, and three times cheaper to build than a frozen
# dataclass (every distinct step of every page builds one).
class Step(NamedTuple):
    tag: str
    id: str
    classes: tuple[str, ...]
    role: str
    itemprop: str
    # Lower-case words of the id and classes, for the class/id vocabulary,
    # and the pairs of words that follow each other in one name ("site header").
    words: frozenset[str]
    pairs: frozenset[str] = frozenset()


def words_of(name: str) -> list[str]:
    lowered = name.lower()
    if lowered.isalnum():
        return [lowered]  # the common case, without the regex
    if lowered.isascii():
        # The next most common: words joined by "-" or "_" (BEM, kebab case).
        # In ASCII, alphanumeric is [a-z0-9] once lowered: the regex's split.
        pieces = lowered.replace("-", " ").replace("_", " ").split()
        if all(map(str.isalnum, pieces)):
            return pieces
    return [w for w in _WORD_BREAK.split(lowered) if w]


_NO_WORDS: frozenset[str] = frozenset()


# Cached per name: one class name ("menu-item") recurs in many class lists.
@lru_cache(maxsize=16384)
def name_words(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of one id or class name, and the pairs of words that follow each other in it."""
    found = words_of(name)
    if len(found) < 2:
        return tuple(found), ()
    return tuple(found), tuple(map(" ".join, zip(found, found[1:], strict=False)))


def without_index(text: str) -> str:
    """The step without its ":N" sibling index: what it says about the element itself."""
    body, colon, nth = text.rpartition(":")
    return body if colon and nth.isdigit() else text


@lru_cache(maxsize=16384)  # hits here skip even the index strip
def parse_step(text: str) -> Step:
    # The syntax is made by `step` above: tag, #id, .classes, [attr=value]s, :N.
    return parse_unindexed_step(without_index(text))


# Cached without the index: a list's items ("li.item:2", "li.item:3", ...) parse once.
@lru_cache(maxsize=16384)
def parse_unindexed_step(text: str) -> Step:
    attributes: dict[str, str] = {}
    bracket = text.find("[")
    if bracket >= 0:
        for piece in text[bracket + 1 : -1].split("]["):
            key, _, value = piece.partition("=")
            attributes[key] = value
        text = text[:bracket]
    head, _, rest = text.partition(".")
    tag, _, element_id = head.partition("#")
    if not rest and not element_id:  # a bare tag: no names, no words
        role, itemprop = attributes.get("role", ""), attributes.get("itemprop", "")
        return Step(tag, "", (), role, itemprop, _NO_WORDS, _NO_WORDS)
    classes = tuple(filter(None, rest.split("."))) if rest else ()
    words: set[str] = set()
    pairs: set[str] = set()
    for name in (element_id, *classes) if element_id else classes:
        own_words, own_pairs = name_words(name)
        words.update(own_words)
        if own_pairs:
            pairs.update(own_pairs)
    return Step(
        tag,
        element_id,
        classes,
        attributes.get("role", ""),
        attributes.get("itemprop", ""),
        frozenset(words),
        frozenset(pairs) if pairs else _NO_WORDS,
    )


def steps(path: str | None) -> list[str]:
    return path.split(SEPARATOR) if path else []


def prefixes(path: str | None) -> list[str]:
    """Every ancestor's own path, outermost first."""
    parts = steps(path)
    return [SEPARATOR.join(parts[: i + 1]) for i in range(len(parts))]
