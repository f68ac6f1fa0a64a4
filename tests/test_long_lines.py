"""Long lines take fast paths (a word screen, a one-slot memo) that must give the same answers."""

from __future__ import annotations

import clean
from clean.heuristics.menus import breadcrumb, pipe_menu
from clean.options import Options
from clean.rules.consent import SCREEN_ABOVE_CHARS, consent_words
from clean.vocabulary import short_text_cache

FILLER = "the river rose in the night and the town slept on " * (SCREEN_ABOVE_CHARS // 40)


def test_consent_screen_finds_a_term_in_a_long_line_whatever_its_case():
    words = consent_words()
    for term in ("We use COOKIES here.", "Manage your Privacy Settings", "Click to opt-out now"):
        line = FILLER + term
        assert len(line) > SCREEN_ABOVE_CHARS
        assert words.has_term(line), term
        assert words.has_term(line) == (words.terms.search(line) is not None)
    assert not words.has_term(FILLER)
    assert words.terms.search(FILLER) is None


def test_a_consent_dialog_in_long_lines_is_still_found():
    dialog = [
        "We value your privacy. "
        + FILLER
        + "We and our partners use cookies to store and/or access information.",
        "Personal data may be processed on the basis of legitimate interest.",
        "Accept all",
        "Our partners can use this purpose.",
    ]
    article = "The flood came at night. The town slept on while the river rose over the road."
    result = clean.clean_text("\n".join([article, *dialog]))
    removed = [r for r in result.removed if r.rule == "consent-dialog"]
    assert removed and removed[0].text.startswith("We value your privacy.")
    assert article in result.text


def test_menus_without_a_separator_are_one_field_however_long():
    options = Options()
    assert breadcrumb(FILLER, options) is None and pipe_menu(FILLER, options) is None
    assert pipe_menu("News | Sport | Weather | Culture", options) is not None
    assert breadcrumb("Home > World > Europe", options) is not None


def test_the_last_long_text_is_answered_once_while_it_is_asked_again():
    calls: list[str] = []

    @short_text_cache(maxsize=4)
    def length(text: str) -> int:
        calls.append(text)
        return len(text)

    long_text = "x" * 5000
    assert length(long_text) == length(long_text) == 5000
    assert len(calls) == 1
    other = "y" * 5000
    assert length(other) == 5000 and length(long_text) == 5000
    assert len(calls) == 3  # only the last long text is held
