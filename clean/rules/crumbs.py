"""Metadata crumbs: date, byline, category and count lines, whole or glued.

Two rules:
  metadata-crumb  a short line made only of crumb fields, such as
                  "Jan 10, 2018 | Uncategorized | 0 comments" or "By Jane Doe".
  date-prefix     a date crumb glued before the first sentence, as in
                  "date 2017-12-15 While Apple has the lead ..."; only the
                  crumb is cut, the sentence stays.
The dates found go into the document's metadata.
"""

from __future__ import annotations

import re
from functools import cache

from clean.model import Block, Document
from clean.options import Options
from clean.rules.dates import crumb_words, date_pattern, iso_date
from clean.stage import Stage

STAGE_NAME = "crumbs"
FIELD_SEPARATOR = re.compile(r"\s+[|•·/–—]\s+|\s*[|•·]\s*")
NAME = r"[^\W\d_a-z][\w.'’-]*"
MAX_CRUMB_WORDS = 20
MAX_FIELD_WORDS = 4
# Marks a crumb that heads a comment section ("4 Comments"); page-edges ends the article there.
COMMENTS_HEADING = "comments-heading"
# How many blocks from the top a glued date prefix may sit in.
HEAD_BLOCKS = 8


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _all(section: str) -> list[str]:
    return [w for ws in crumb_words()[section].values() for w in ws]


@cache
def patterns() -> dict[str, re.Pattern[str]]:
    fields = crumb_words()["fields"]
    labels = _alternation(_all("date_labels"))
    label = rf"(?:(?:{labels})\s*:?\s*)"
    date = date_pattern().pattern
    # "25.8k", "1,204", "10+"
    number = r"\d[\d,.]*\s*[km]?\+?"
    counts = _alternation(fields["counts"])
    age = rf"\d+\s*(?:{_alternation(fields['age_units'])})"
    ages = rf"{age}(?:,?\s+{age})*"
    ago = _alternation(fields["ago"])
    short_age = rf"\d+\s*(?:{_alternation(fields['short_age_units'])})"
    return {
        # "Mar 26, 2019 at 16:59", "August 26, 2024 1 yr" (the date, then its age)
        "date": re.compile(rf"^{label}?(?:{date})(?:\s+{short_age}(?:\s+{short_age})*)?$", re.IGNORECASE),
        # Names are capitalised: "By Jane Doe", not "By selling fast cars".
        "byline": re.compile(
            rf"^(?i:{_alternation(fields['byline'])})\s*:?\s+{NAME}(?:\s+(?:{NAME}|and|&|de|van|von)){{0,4}}$"
        ),
        # "4 Comments", "12 Kommentare": the heading of a comment section.
        "comments_heading": re.compile(
            rf"^\d[\d,.]*\s*(?:{_alternation(fields['comment_counts'])})$", re.IGNORECASE
        ),
        # "12 comments", "25.8k posts", and label first: "Replies 154", "Views 1.9k"
        "count": re.compile(rf"^(?:{number}\s*(?:{counts})|(?:{counts})\s*:?\s*{number})$", re.IGNORECASE),
        # "3 hours ago", "Asked 6 years, 9 months ago", "vor 2 Tagen" aside; "Created 1 yr 1 yr"
        "ago": re.compile(
            rf"^(?:{label})?(?:(?:{ages})\s+(?:{ago})|(?:{ago})\s+(?:{ages})|{short_age}(?:\s+{short_age})*)$",
            re.IGNORECASE,
        ),
        "category": re.compile(rf"^(?:{_alternation(fields['categories'])})$", re.IGNORECASE),
        "glued": re.compile(
            rf"^\s*{label}?(?P<date>{date})(?:\s*[|•·:–—-]\s*|\s+)(?=[\"“‘'(]?[A-Z])", re.IGNORECASE
        ),
        # Where a byline field can start in a line, found without splitting the line into
        # fields: its word at the line's start or after a separator, a blank or a field
        # edge, then a capitalised name. Tried only where a line's character can precede a
        # field (a search for the word alone, case-insensitive, is tried at every position).
        "byline_start": re.compile(
            rf"(?:^|(?<=[\s|•·/–—,;:]))(?i:{_alternation(fields['byline'])})\s*:?\s+{NAME}"
        ),
    }


FIELD_EDGES = " \t,;:"
_DIGIT = re.compile(r"\d")


def _field_kind(field: str) -> str | None:
    field = field.strip(FIELD_EDGES)
    for kind in ("date", "byline", "count", "ago", "category"):
        if patterns()[kind].match(field):
            return kind
    return None


def crumb_fields(text: str, words: float | None = None) -> list[str] | None:
    """The kinds of the line's fields when it is a crumb line, else None.

    `words`: the text's word count (`len(text.split())`) when the caller has it.
    """
    if words is None:
        words = len(text.split())
    if words > MAX_CRUMB_WORDS or text.rstrip().endswith((".", "?", "!")):
        return None
    # Most short lines are not crumbs: what any crumb line holds (a digit, as dates, counts
    # and ages have, or a byline's start) is searched for before the split into fields
    # and the exact test below.
    if _DIGIT.search(text) is None and patterns()["byline_start"].search(text) is None:
        return None
    fields = [f for f in FIELD_SEPARATOR.split(text.strip()) if f.strip()]
    # Dates, counts and ages all hold a digit (a year, a number): a line without one
    # can only be a crumb line through a byline, which one match per field tells
    # (most lines are not crumbs; _field_kind would try five patterns per field).
    if not _DIGIT.search(text) and not any(patterns()["byline"].match(f.strip(FIELD_EDGES)) for f in fields):
        return None
    kinds = [_field_kind(f) for f in fields]
    strong = [k for k in kinds if k in ("date", "byline", "count", "ago")]
    if not strong:
        return None
    # Fields we cannot name are tolerated when short: a category, a section name.
    if any(k is None and len(f.split()) > MAX_FIELD_WORDS for k, f in zip(kinds, fields, strict=True)):
        return None
    return [k or "category" for k in kinds]


def _remember_date(doc: Document, text: str) -> None:
    if "date" in doc.metadata:
        return
    found = date_pattern().search(text)
    if found and (iso := iso_date(found)):
        doc.metadata["date"] = iso


def _glued_prefix(block: Block) -> tuple[int, str] | None:
    found = patterns()["glued"].match(block.text)
    if not found:
        return None
    rest = block.text[found.end() :]
    if len(rest.split()) < 4:
        return None
    return found.end(), found.group("date")


def run(doc: Document, options: Options) -> None:
    seen_content = 0
    crumb_lines = options.enabled("metadata-crumb")
    for block in doc.blocks:
        if not block.kept:
            continue
        # The HTML front end counts a block's words as len(text.split()); text mode does not.
        if crumb_lines and (kinds := crumb_fields(block.text, block.features.get("words"))):
            _remember_date(doc, block.text)
            doc.remove(block, STAGE_NAME, "metadata-crumb", f"a metadata line ({' | '.join(kinds)})")
            if patterns()["comments_heading"].match(block.text.strip()):
                block.features[COMMENTS_HEADING] = 1.0
            continue
        if seen_content < HEAD_BLOCKS and options.enabled("date-prefix"):
            glued = _glued_prefix(block)
            if glued is not None:
                end, date_text = glued
                _remember_date(doc, date_text)
                doc.trim(
                    block,
                    0,
                    end,
                    STAGE_NAME,
                    "date-prefix",
                    f'a date crumb ("{date_text}") glued before the first sentence',
                )
        seen_content += 1


STAGE = Stage(STAGE_NAME, run, summary="date, byline, category and comment-count crumbs")
