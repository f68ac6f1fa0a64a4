"""The tokens of ASCII text come from one bytes.translate and a split
(vocabulary._ASCII_WORD_BYTES), not from the regex: every ASCII character must
split or join words as \\w+ on the lowered text does."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from clean.vocabulary import _word_tokens

WORD = re.compile(r"\w+")
ASCII = "".join(map(chr, range(128)))


def reference(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text.lower()))


def test_every_ascii_character_between_two_words():
    for character in ASCII:
        text = f"Ab{character}cD 9{character}_"
        assert _word_tokens(text) == reference(text), repr(character)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.text(alphabet=ASCII + "\u00e9\u212a", max_size=40))
def test_fuzzed_text_splits_as_the_regex(text):
    assert _word_tokens(text) == reference(text)
