"""Words: tokens, stopwords and the vocabulary shared between blocks.

Several heuristics ask the same question, "is this block about what the
article is about?", so the answer lives here once. Stopword lists come from
jusText (a dependency of trafilatura), which ships them for 100 languages;
we load the major web languages only, because the union of all 100 lists
contains ordinary content words of one language that are stopwords of another.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache, wraps
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from clean.model import Document

T = TypeVar("T")
WORD = re.compile(r"\w+")
# In ASCII text \w is [A-Za-z0-9_], so in lowered ASCII text this finds WORD's
# tokens; a plain character class matches twice as fast as \w's Unicode lookups.
ASCII_WORD = re.compile(r"[a-z0-9_]+")
# Scripts written without spaces between words (Chinese, Japanese kana and kanji).
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LETTER = re.compile(r"[^\W\d_]")
# Letters outside Latin (up to U+024F) and Cyrillic (U+0400-U+052F).
UNLISTED_LETTER = re.compile(r"[^\W\d_\u0000-\u024f\u0400-\u052f]")
# Characters per word in those scripts, roughly.
UNSPACED_CHARS_PER_WORD = 2

# Languages whose stopwords count; the major languages of the web.
STOPWORD_LANGUAGES = (
    "English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch",
    "Russian", "Polish", "Swedish", "Danish", "Norwegian_Bokmal", "Czech",
    "Turkish", "Indonesian", "Romanian", "Ukrainian", "Finnish", "Hungarian",
)  # fmt: skip


@cache
def stopwords() -> frozenset[str]:
    import justext  # imported lazily: importing clean should stay cheap

    words: set[str] = set()
    for language in STOPWORD_LANGUAGES:
        words |= justext.get_stoplist(language)
    return frozenset(w.lower() for w in words)


# Texts longer than this are recomputed rather than held in a short_text_cache.
MAX_CACHED_CHARS = 1000


def short_text_cache(maxsize: int) -> Callable[[Callable[[str], T]], Callable[[str], T]]:
    """Cache a function of one text in a bounded LRU cache, texts over MAX_CACHED_CHARS aside.

    Several stages ask the same questions of the same lines and blocks (their
    tokens, topic words, shape); the answers are kept per distinct text, while
    long texts, which rarely repeat, are recomputed rather than held (but for the
    last one, while the same string is asked about again). Results
    must be immutable; do not rely on their identity.
    """

    def wrap(function: Callable[[str], T]) -> Callable[[str], T]:
        cached = lru_cache(maxsize=maxsize)(function)
        # The last long text and its answer: the stages ask about the same block one
        # after another, and a 10 MB line costs a second each time. Compared by
        # identity (a long text is not hashed), and only one is held.
        last_long: list[tuple[str, T]] = []

        @wraps(function)
        def get(text: str) -> T:
            if len(text) <= MAX_CACHED_CHARS:
                return cached(text)
            if last_long and last_long[0][0] is text:
                return last_long[0][1]
            answer = function(text)
            last_long[:] = [(text, answer)]
            return answer

        return get

    return wrap


# ASCII text's tokens in one bytes.translate (upper case lowered, every character
# outside [a-z0-9_] made a space) and a split: the tokens of ASCII_WORD in the
# lowered text, with no regex. 90% of the blocks of WCXB pages are ASCII; their
# tokens cost 0.33 instead of 0.47 ms a page (every 5th page).
_ASCII_WORD_BYTES = bytes(
    c | 0x20 if chr(c).isalpha() else c if chr(c).isdigit() or c == 0x5F else 0x20 for c in range(128)
) + b" " * 128


def _word_tokens(text: str) -> tuple[str, ...]:
    """As `tokens`, as a tuple."""
    if text.isascii():
        return tuple(text.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split())
    lowered = text.lower()
    return tuple((ASCII_WORD if lowered.isascii() else WORD).findall(lowered))


# Text mode asks for the tokens of the same lines from several places: they are read back.
word_tokens = short_text_cache(maxsize=2048)(_word_tokens)


def block_tokens(doc: Document) -> list[tuple[str, ...]]:
    """Each block's tokens (as `word_tokens`), in block order, worked out once per page.

    The HTML front end (stopword density), main content (topic words) and the
    learned scorer (title words) all read them: they are kept on the document
    (which frees them with the page; a cache across pages made the collector
    walk them), and worked out again only if the blocks' texts have changed.
    """
    texts = [b.text for b in doc.blocks]
    stored = doc.block_tokens
    if stored is None or stored[0] != texts:
        stored = doc.block_tokens = (texts, [_word_tokens(t) for t in texts])
    return stored[1]


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, the same tokenisation the WCXB scoring uses."""
    return WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """Tokens that carry topic: not stopwords, not bare numbers, not single letters.

    A run of an unspaced script (a Chinese sentence is one \\w+ token) gives its
    character pairs instead, which stand in for its words well enough to compare topics.
    """
    stop = stopwords()
    words: list[str] = []
    for token in tokens(text):
        if UNSPACED.search(token):
            words.extend(token[i : i + 2] for i in range(len(token) - 1))
        elif len(token) > 1 and not token.isdigit() and token not in stop:
            words.append(token)
    return words


def word_count(text: str) -> int:
    """Words as a reader counts them: spaced words, plus unspaced scripts by their characters."""
    return len(text.split()) + len(UNSPACED.findall(text)) // UNSPACED_CHARS_PER_WORD


def in_listed_script(text: str) -> bool:
    """Whether most of the text's letters are Latin or Cyrillic, the scripts of STOPWORD_LANGUAGES.

    Elsewhere (Arabic, Hebrew, Greek, Chinese, ...) a stopword share of zero says nothing.
    """
    letters = len(LETTER.findall(text))
    return len(UNLISTED_LETTER.findall(text)) * 2 <= letters


def stopword_density(text: str) -> float:
    words = tokens(text)
    if not words:
        return 0.0
    stop = stopwords()
    return sum(1 for w in words if w in stop) / len(words)


def overlap(words: Iterable[str], vocabulary: frozenset[str] | set[str]) -> float:
    """Fraction of `words` found in `vocabulary` (0 when there are no words)."""
    words = list(words)
    if not words:
        return 0.0
    return sum(1 for w in words if w in vocabulary) / len(words)
