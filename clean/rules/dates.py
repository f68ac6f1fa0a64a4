"""Dates as they appear in page crumbs, in the major web languages.

One compiled pattern finds them ("2017-12-15", "Jan 10, 2018", "10. März 2018",
"12/15/2017"), and `iso_date` turns a match into ISO form for the metadata.
Month names live in `data/crumbs.toml`, January to December per language.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache
from importlib import resources


@cache
def crumb_words() -> dict:
    text = resources.files("clean.rules").joinpath("data/crumbs.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def month_numbers() -> dict[str, int]:
    numbers: dict[str, int] = {}
    for months in crumb_words()["months"].values():
        for number, forms in enumerate(months, start=1):
            for form in forms.split("|"):
                numbers.setdefault(form, number)
    return numbers


MONTH_GROUP = "month"
DAY = r"(?P<{name}>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th|\.|er|º)?"
YEAR = r"(?P<{name}>(?:1[89]|20)\d\d)"
TIME = r"(?:,?\s*(?:at\s+|um\s+|à\s+)?\d{1,2}[:h]\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"


@cache
def date_pattern() -> re.Pattern[str]:
    month = "|".join(re.escape(m) for m in sorted(month_numbers(), key=len, reverse=True))
    forms = [
        # 2017-12-15, with an optional ISO time.
        rf"{YEAR.format(name='y1')}-(?P<m1>\d\d)-(?P<d1>\d\d)"
        r"(?:[T ]\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:\s?(?:Z|[+-]\d\d:?\d\d))?)?",
        # 15.12.2017 and 15/12/2017 (day first, unless the first number cannot be a day).
        rf"(?P<a2>\d{{1,2}})[./](?P<b2>\d{{1,2}})[./]{YEAR.format(name='y2')}",
        # Jan 10, 2018
        rf"(?P<m3>{month})\.?\s+{DAY.format(name='d3')},?\s+{YEAR.format(name='y3')}",
        # 10 January 2018, 10. März 2018, 10 de enero de 2018
        rf"{DAY.format(name='d4')}\s*(?:de\s+)?(?P<m4>{month})\.?,?\s*(?:de\s+)?{YEAR.format(name='y4')}",
    ]
    return re.compile(rf"(?<!\w)(?:{'|'.join(forms)}){TIME}(?!\w)", re.IGNORECASE)


def iso_date(found: re.Match[str]) -> str | None:
    """The matched date in ISO form, or None when it is not a real calendar date."""
    g = found.groupdict()
    try:
        if g["y1"]:
            return date(int(g["y1"]), int(g["m1"]), int(g["d1"])).isoformat()
        if g["y2"]:
            first, second = int(g["a2"]), int(g["b2"])
            # Day first is the world's habit; 12/15/2017 can only be month first.
            day, month = (second, first) if first <= 12 < second else (first, second)
            return date(int(g["y2"]), month, day).isoformat()
        if g["y3"]:
            return date(int(g["y3"]), month_numbers()[g["m3"].lower()], int(g["d3"])).isoformat()
        return date(int(g["y4"]), month_numbers()[g["m4"].lower()], int(g["d4"])).isoformat()
    except (ValueError, KeyError):
        return None
