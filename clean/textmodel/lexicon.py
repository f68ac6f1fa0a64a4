"""A line's words as evidence: content log-odds from a small learned lexicon.

The shape features of clean/textmodel/features.py cannot tell "Free shipping
on orders over $50" from a sentence of the article; its words can. The
lexicon is a linear model over the line's distinct lowercased `\\w+` words
(a logistic regression fitted by training/text_lexicon.py on WCXB tune pages),
shipped inside the line model's file: a line's lexical log-odds is the bias
plus the weights of its words, one dict lookup per word. Only words seen on
pages of several different sites are in it, so it holds no site's own strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import repeat
from types import MappingProxyType

from clean.vocabulary import word_tokens

# Words named in an explanation.
EXPLAINED_WORDS = 3


def line_words(text: str) -> frozenset[str]:
    """The line's distinct words, as the lexicon reads them (lowercased `\\w+`, as the benchmark)."""
    return frozenset(word_tokens(text))


def line_bigrams(text: str) -> frozenset[str]:
    """The line's distinct pairs of adjacent words, "word word"."""
    words = word_tokens(text)
    return frozenset(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Per-word (and perhaps word-pair) content log-odds weights and a bias; others weigh nothing."""

    bias: float
    weights: Mapping[str, float]
    bigrams: bool = False

    def line_terms(self, text: str) -> frozenset[str]:
        return line_words(text) | line_bigrams(text) if self.bigrams else line_words(text)

    def line_log_odds(self, text: str) -> float:
        return self.words_log_odds(self.line_terms(text))

    def words_log_odds(self, words: Iterable[str]) -> float:
        """The log-odds of a line with these distinct words."""
        # map with a second iterable calls get(word, 0.0) in C: the cheapest sum there is.
        return self.bias + sum(map(self.weights.get, words, repeat(0.0)))

    def weightiest_words(self, text: str, direction: int) -> list[tuple[str, float]]:
        """The line's words that pushed most towards content (+1) or boilerplate (-1)."""
        weighed = [(word, self.weights[word]) for word in self.line_terms(text) if word in self.weights]
        pushing = [(word, weight) for word, weight in weighed if direction * weight > 0]
        # Ties broken by the word, so the explanation does not depend on set order.
        pushing.sort(key=lambda item: (-direction * item[1], item[0]))
        return pushing[:EXPLAINED_WORDS]


EMPTY = Lexicon(0.0, MappingProxyType({}))


def lexicon_from_dict(data: Mapping) -> Lexicon:
    weights = MappingProxyType({w: float(v) for w, v in data["weights"].items()})
    return Lexicon(float(data["bias"]), weights, bool(data.get("bigrams", False)))


def lexicon_to_dict(lexicon: Lexicon, digits: int = 3) -> dict:
    weights = {w: round(v, digits) for w, v in lexicon.weights.items()}
    return {"bias": round(lexicon.bias, 6), "bigrams": lexicon.bigrams, "weights": weights}
