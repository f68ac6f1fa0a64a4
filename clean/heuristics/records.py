"""Record lists: the same line recurring at a regular step, one record per step.

A listing, a catalogue, a forum thread or a results page prints every item
with the same template: "Mark as watched" under each film, "12 reviews / 4.8
average" under each recipe, "Reply Quote Like" under each post. In a page's
text that shows as one line recurring every few lines. Such a list is the
page's content even when none of its lines is prose, so page-edges takes it
into the article when it holds more text than the prose does.

A line is a record marker when it occurs at least `record_min_repeats`
times, the typical step between occurrences (the median) is 2 to
`record_max_step` lines, and at least `record_regularity` of the steps are
within half and one and a half times it. Digits do not count in the
comparison ("#1" and "#2", "84 reviews" and "67 reviews" are the same line).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from clean.model import Document
from clean.options import Options

DIGITS = re.compile(r"\d+")
WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class RecordList:
    first: int  # block index where the list starts (one step before the first marker)
    last: int  # block index where it ends
    marker: str  # the recurring line, as printed the first time
    count: int  # how many times it recurs
    step: float  # median lines between two occurrences
    words: int  # words in the list's kept blocks

    def describe(self) -> str:
        return (
            f'a list of {self.count} records, each with the line "{self.marker}" (every {self.step:g} lines)'
        )


def marker_key(text: str) -> str:
    return DIGITS.sub("0", " ".join(text.lower().split()))


def _regular(positions: list[int], options: Options) -> float | None:
    """The median step when the positions are evenly spaced records, else None."""
    steps = [b - a for a, b in zip(positions, positions[1:], strict=False)]
    step = median(steps)
    if not 2 <= step <= options.record_max_step:
        return None
    regular = sum(0.5 * step <= s <= 1.5 * step for s in steps) / len(steps)
    return step if regular >= options.record_regularity else None


def record_lists(doc: Document, options: Options) -> list[RecordList]:
    """Every record list on the page (they may overlap)."""
    positions: dict[str, list[int]] = defaultdict(list)
    # Positions in doc.blocks, not block indices: a view of a page (html_headline_list)
    # holds a subset of its blocks, whose indices are not positions.
    for position, block in enumerate(doc.blocks):
        positions[marker_key(block.text)].append(position)
    found = []
    last_index = len(doc.blocks) - 1
    for key, indices in positions.items():
        if len(indices) < options.record_min_repeats or not WORD.search(key):
            continue  # a recurring "×" or "|" is an icon, not an item's template
        step = _regular(indices, options)
        if step is None:
            continue
        reach = int(step) - 1  # the records around the first and the last marker
        first, last = max(0, indices[0] - reach), min(last_index, indices[-1] + reach)
        words = sum(len(b.kept_text().split()) for b in doc.blocks[first : last + 1] if b.kept)
        marker = doc.blocks[indices[0]].text
        found.append(
            RecordList(doc.blocks[first].index, doc.blocks[last].index, marker, len(indices), step, words)
        )
    return found


def largest_record_list(doc: Document, options: Options) -> RecordList | None:
    lists = record_lists(doc, options)
    return max(lists, key=lambda r: (r.words, -r.first)) if lists else None
