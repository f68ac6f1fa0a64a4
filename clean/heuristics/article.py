"""What the article is about: its prose blocks and their vocabulary.

Heuristics that judge a short block by whether it shares the article's
words (headline lists, page headers and footers) all start from this profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from clean.model import Block, Document
from clean.vocabulary import content_words, overlap, short_text_cache

# A block this long, ending like a sentence, is article prose.
PROSE_MIN_WORDS = 20
SENTENCE_END = (".", "!", "?", "…", '"', "”", "’", "'", ")", ":", "。", "！", "？", "؟", "।")
# The profile is drawn up three times a page in text mode (headline lists, the
# line model, the title) and page edges and the line model read the same lines'
# topic words again: they are kept per distinct text, long texts aside.
TOPIC_CACHE_SIZE = 4096


@short_text_cache(maxsize=TOPIC_CACHE_SIZE)
def topic_words(text: str) -> tuple[str, ...]:
    """`vocabulary.content_words` as a tuple."""
    return tuple(content_words(text))


def is_prose(block: Block) -> bool:
    text = block.kept_text()
    # (the cheap test first: most lines that do not end like a sentence are never split)
    return text.rstrip().endswith(SENTENCE_END) and len(text.split()) >= PROSE_MIN_WORDS


@dataclass(frozen=True, slots=True)
class ArticleProfile:
    prose: tuple[int, ...]  # indices of the prose blocks, in order
    vocabulary: frozenset[str]

    @property
    def first(self) -> int:
        return self.prose[0]

    @property
    def last(self) -> int:
        return self.prose[-1]

    def shared(self, text: str) -> float:
        """Fraction of the text's content words that the article's prose uses too."""
        return overlap(topic_words(text), self.vocabulary)


def article_profile(doc: Document) -> ArticleProfile | None:
    """The kept prose blocks and their vocabulary; None when there is no prose."""
    prose = [b for b in doc.blocks if b.kept and is_prose(b)]
    if not prose:
        return None
    vocabulary = frozenset().union(*(topic_words(b.kept_text()) for b in prose))
    return ArticleProfile(tuple(b.index for b in prose), vocabulary)
