"""Block labels from WCXB gold text: how much of a block's text the gold keeps.

The gold is running text (headings and paragraphs), not a list of blocks, so
each block is aligned with it by its tokens (the benchmark's own tokens):

- a block of three or more tokens: the share of its tokens covered by a token
  trigram that also occurs in the gold. Trigrams are consumed as they are
  used, in document order, so a paragraph printed twice (a layout for another
  screen size) is content once and a copy after that, as the benchmark's
  multiset scoring sees it; and common words ("the", "home") never count on
  their own.
- a shorter block (a label, a price, a one-word heading): content when its
  tokens occur together in a short gold line (at most SHORT_LINE_SLACK tokens
  longer than the block), so "Home" in a menu is not content because the
  article says "home" somewhere.

The label is a share in [0, 1]; training uses label >= 0.5 as "content" and
weighs each block by its tokens (what the benchmark counts).
"""

from __future__ import annotations

import re
from collections import Counter

TOKEN = re.compile(r"\w+")
SHORT_LINE_SLACK = 6


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def _joined(token_list: list[str]) -> str:
    return " " + " ".join(token_list) + " "


class GoldText:
    """The gold's trigrams (to consume) and its short lines (to look short blocks up in)."""

    def __init__(self, gold: str) -> None:
        words = tokens(gold)
        self.trigrams = Counter(zip(words, words[1:], words[2:], strict=False))
        self.lines = [tokens(line) for line in gold.splitlines()]
        self.size = len(words)

    def short_block_found(self, block_tokens: list[str]) -> bool:
        needle = _joined(block_tokens)
        limit = len(block_tokens) + SHORT_LINE_SLACK
        return any(len(line) <= limit and needle in _joined(line) for line in self.lines if line)

    def cover(self, block_tokens: list[str]) -> float:
        """Share of the block's tokens the gold holds; consumes the trigrams it uses."""
        n = len(block_tokens)
        if n == 0:
            return 0.0
        if n < 3:
            return float(self.short_block_found(block_tokens))
        covered = bytearray(n)
        for i in range(n - 2):
            trigram = (block_tokens[i], block_tokens[i + 1], block_tokens[i + 2])
            if self.trigrams.get(trigram, 0) > 0:
                self.trigrams[trigram] -= 1
                covered[i] = covered[i + 1] = covered[i + 2] = 1
        return sum(covered) / n


def block_labels(texts: list[str], gold: str) -> tuple[list[float], list[int]]:
    """(label per block, tokens per block) for a page's block texts in document order."""
    aligner = GoldText(gold)
    labels, sizes = [], []
    for text in texts:
        block_tokens = tokens(text)
        labels.append(aligner.cover(block_tokens))
        sizes.append(len(block_tokens))
    return labels, sizes
