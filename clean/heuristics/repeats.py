"""Repeated lines: text the page prints more than once is kept once.

A page's text often holds the same words twice: a menu in its desktop and
its mobile form, a "Reply" under every comment, a teaser above an article
and the article's own first paragraph, or the whole article a second time
for another layout. The reader needs it once, so every later kept line
whose words equal an earlier kept line's (case and punctuation aside) goes.

Text mode only; the HTML path removes layout copies from the DOM.
"""

from __future__ import annotations

from collections import Counter

from clean.heuristics.article import SENTENCE_END
from clean.heuristics.line_score import ITEM_CHROME_REPEATS, line_key
from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage
from clean.vocabulary import word_count

STAGE_NAME = "repeats"
RULE = "repeated-line"
# A short line printed this often is each item's template, so even its first copy goes.
ITEM_CHROME_MAX_WORDS = 4


def _where(block: Block) -> str:
    return f"line {block.lines[0]}" if block.lines else f"block {block.index + 1}"


def is_label(text: str) -> bool:
    """Short and not a sentence: a button or a label rather than something said."""
    return word_count(text) <= ITEM_CHROME_MAX_WORDS and not text.rstrip().endswith(SENTENCE_END)


def run(doc: Document, options: Options) -> None:
    counts = Counter(line_key(b.text) for b in doc.blocks)
    first_seen: dict[str, Block] = {}
    for block in doc.blocks:
        if not block.kept or block.trims:
            continue  # a trimmed line has a record already; it is not removed on top of it
        key = line_key(block.kept_text())
        if not key:
            continue
        if counts[key] >= ITEM_CHROME_REPEATS and is_label(block.kept_text()):
            reason = f"one of {counts[key]} identical short lines: each item's template (a button, a label)"
            doc.remove(block, STAGE_NAME, RULE, reason)
            continue
        earlier = first_seen.setdefault(key, block)
        if earlier is not block:
            doc.remove(block, STAGE_NAME, RULE, f"the same words as {_where(earlier)}, which is kept")


STAGE = Stage(
    STAGE_NAME, run, kinds=("text",), summary="lines the page prints more than once, kept once (text)"
)
