"""Menus printed on one line: breadcrumbs and pipe-separated link rows.

  breadcrumb  "Home > News > Tech", "Startseite » Ratgeber » Garten": short
              fields without digits joined by > › or », the first a "home"
              word or at least three fields (a spaced slash only after a home
              word); the last field may be the page's own title, so it may be
              longer.
  pipe-menu   "About | Careers | Press | Contact": at least three short fields
              joined by | ¦ or ·, mostly capitalised, none of them a sentence,
              a number or a "label: value" pair (product facts and crumbs).

Both are judged by shape alone, so they are found inside the article too
(page-edges has already taken the ones above and below it). Text mode only:
the HTML path sees menus as <nav> and link lists.
"""

from __future__ import annotations

import re
from functools import cache

from clean.model import Document
from clean.options import Options
from clean.rules.dates import crumb_words
from clean.stage import Stage

STAGE_NAME = "menus"

BREADCRUMB_SEPARATOR = re.compile(r"\s+>\s+|\s*[›»]\s*")
# A spaced slash separates a trail only after a "home" word: elsewhere it joins
# alternatives ("GDDR6 / GDDR6X", "5° / 11°") and paths.
SLASH_SEPARATOR = re.compile(r"\s+/\s+")
# Bullets (•) are left alone: they join the features of a product as often as links.
PIPE_SEPARATOR = re.compile(r"\s*[|¦]\s*|\s+·\s+")
SENTENCE_END = (".", "!", "?", ";")
DIGITS = re.compile(r"\d")


@cache
def home_words() -> frozenset[str]:
    """The first field of a two-field breadcrumb, in the major web languages (data/crumbs.toml)."""
    return frozenset(w for words in crumb_words()["breadcrumb_home"].values() for w in words)


# Characters each separator needs: a line without any of them is one field, found
# without running the pattern over the line (seconds on a 10 MB line of words).
SEPARATOR_MARKS = {BREADCRUMB_SEPARATOR: ">›»", SLASH_SEPARATOR: "/", PIPE_SEPARATOR: "|¦·"}


def _fields(text: str, separator: re.Pattern[str]) -> list[str]:
    stripped = text.strip()
    if not any(mark in stripped for mark in SEPARATOR_MARKS[separator]):
        return [stripped]
    return [f.strip() for f in separator.split(stripped)]


def breadcrumb(text: str, options: Options) -> str | None:
    """Why the line is a breadcrumb trail, or None."""
    if text.rstrip().endswith(SENTENCE_END):
        return None
    fields = _fields(text, BREADCRUMB_SEPARATOR)
    if len(fields) < 2:
        fields = _fields(text, SLASH_SEPARATOR)
        if fields[0].lower() not in home_words():
            return None
    if len(fields) < 2 or any(not f for f in fields):
        return None
    *path, last = fields
    if any(len(f.split()) > options.menu_max_field_words or DIGITS.search(f) or ":" in f for f in path):
        return None
    if len(last.split()) > options.breadcrumb_max_last_words:
        return None
    home = path[0].lower() in home_words()
    if len(fields) < 3 and not home:
        return None
    start = f'starting at "{path[0]}"' if home else f"{len(fields)} fields"
    return f"a breadcrumb trail ({start}: {' > '.join(fields)})"


def pipe_menu(text: str, options: Options) -> str | None:
    """Why the line is a row of menu links, or None."""
    fields = _fields(text, PIPE_SEPARATOR)
    fields = [f for f in fields if f]
    if len(fields) < 3 or text.rstrip().endswith(SENTENCE_END):
        return None
    if any(len(f.split()) > options.menu_max_field_words or f.endswith(SENTENCE_END) for f in fields):
        return None
    if any(":" in f or DIGITS.search(f) for f in fields):
        return None  # "Size: XL | Colour: red", "Jan 10, 2018 | 3 comments": facts, not links
    if sum(f[0].isupper() for f in fields) * 2 < len(fields):
        return None  # menu links are capitalised; "cotton | linen | hemp" is a list of materials
    return f"a row of {len(fields)} menu links separated by bars or dots, none a sentence"


def run(doc: Document, options: Options) -> None:
    checks = [("breadcrumb", breadcrumb), ("pipe-menu", pipe_menu)]
    rules = [(name, check) for name, check in checks if options.enabled(name)]
    for block in doc.blocks:
        if not block.kept or block.trims:
            continue
        for name, check in rules:
            reason = check(block.text, options)
            if reason is not None:
                doc.remove(block, STAGE_NAME, name, reason)
                break


STAGE = Stage(STAGE_NAME, run, kinds=("text",), summary="breadcrumbs and one-line pipe menus (text)")
