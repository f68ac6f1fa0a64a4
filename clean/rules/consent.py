"""Consent dialogs: the cookie banner and its settings panel, printed into the page's text.

A consent manager's panel holds long, well-formed sentences ("These cookies
allow us to count visits and traffic sources ...", "Information about your
activity on this service can be stored ..."), so line by line it reads as
prose, and on a page whose own content is short lines (a listing, a
catalogue, a thread) it can outweigh the content and be taken for the
article. As a whole it is easy to tell: many lines close together speak of
cookies, consent, partners and personal data (`terms`), and among them are
the dialog's own words (`anchors`: "Accept all", "Strictly necessary",
"... partners can use this purpose").

  consent-dialog  every kept line from the first to the last term line of a
                  cluster of at least `consent_min_lines` term lines, no
                  more than `consent_max_gap` lines apart, holding an anchor
                  (or a line the cookie cue removed) and with term lines
                  making at least `consent_min_density` of it.

An article about privacy uses the terms, but not the buttons and category
headings, so it is left alone. Text mode only: the HTML path drops such
dialogs by their DOM (class and id patterns).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage
from clean.vocabulary import WORD, tokens

STAGE_NAME = "consent"
RULE = "consent-dialog"
COOKIE_CUE_RULE = "cue-cookie"


# Lines longer than this are first screened by their words (ConsentWords.may_hold_term).
SCREEN_ABOVE_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class ConsentWords:
    terms: re.Pattern[str]
    anchors: re.Pattern[str]
    term_openers: frozenset[str | None]  # every term's first word (None: it starts with no word)

    def has_term(self, text: str) -> bool:
        if len(text) > SCREEN_ABOVE_CHARS and not self.may_hold_term(text):
            return False
        return self.terms.search(text) is not None

    def may_hold_term(self, text: str) -> bool:
        """False when no word of the text opens a term, so that the terms cannot match.

        Python's `re` tries every alternative of `terms` at every word, which on a
        10 MB line of words takes seconds; a set lookup per word takes a fraction.
        A term matched case aside begins with a whole word that equals, lower-cased,
        the term's first word (terms are whole words); terms that open with a
        non-word character are not screened.
        """
        if None in self.term_openers:
            return True
        return not self.term_openers.isdisjoint(tokens(text))


def _whole_words(phrases: list[str]) -> re.Pattern[str]:
    ordered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(p) for p in ordered)})(?!\w)", re.IGNORECASE)


def _opener(phrase: str) -> str | None:
    """The phrase's first word, or None when the phrase starts with a non-word character."""
    found = WORD.match(phrase.lower())
    return found.group(0) if found else None


@cache
def consent_words() -> ConsentWords:
    text = resources.files("clean.rules").joinpath("data/consent.toml").read_text("utf-8")
    data = tomllib.loads(text)
    terms = [p for phrases in data["terms"].values() for p in phrases]
    anchors = [p for phrases in data["anchors"].values() for p in phrases]
    # An anchor is a term too: a line holding "Accept all" belongs to the cluster.
    return ConsentWords(
        _whole_words(terms + anchors), _whole_words(anchors), frozenset(map(_opener, terms + anchors))
    )


def _clusters(term_lines: list[int], max_gap: int) -> list[list[int]]:
    """Positions of term lines grouped where consecutive ones are at most `max_gap` apart."""
    clusters: list[list[int]] = []
    for position in term_lines:
        if clusters and position - clusters[-1][-1] <= max_gap:
            clusters[-1].append(position)
        else:
            clusters.append([position])
    return clusters


def _anchor(blocks: list[Block], words: ConsentWords) -> str | None:
    """The dialog's own wording found in the span: a button, a heading, a removed cookie cue."""
    for block in blocks:
        if block.removal is not None and block.removal.rule == COOKIE_CUE_RULE:
            return block.text.strip()[:60]
        found = words.anchors.search(block.text)
        if found:
            return found.group(0)
    return None


def run(doc: Document, options: Options) -> None:
    if not options.enabled(RULE):
        return
    words = consent_words()
    blocks = doc.blocks
    # Removed lines count as term lines too: a cookie cue the cue stage took is part of the dialog.
    term_lines = [i for i, block in enumerate(blocks) if words.has_term(block.text)]
    for cluster in _clusters(term_lines, options.consent_max_gap):
        span = blocks[cluster[0] : cluster[-1] + 1]
        if len(cluster) < options.consent_min_lines or len(cluster) < options.consent_min_density * len(span):
            continue
        anchor = _anchor(span, words)
        if anchor is None:
            continue
        reason = (
            f"part of a consent dialog: {len(cluster)} of {len(span)} lines here speak of cookies, "
            f'consent or personal data, with the dialog\'s own words ("{anchor}")'
        )
        for block in span:
            if block.kept and not block.trims:
                doc.remove(block, STAGE_NAME, RULE, reason)


STAGE = Stage(
    STAGE_NAME, run, kinds=("text",), summary="cookie and consent dialogs printed in the text (text)"
)
