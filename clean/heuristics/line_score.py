"""How much one line of page text looks like the page's content, as a signed number.

The page-edges stage adds these scores up along the page and keeps the
best-scoring stretch (the article); see `page_edges`. The scale is words:

  prose      +words (at most `region_prose_cap`): a sentence of at least
             `region_prose_min_words` words, ending like one, with the share
             of stopwords that running text has (menus and lists of names
             have almost none);
  sentence   0: a short sentence ("Verizon did not respond.") neither starts
             nor ends an article (page-edges lets one right above it join);
  short      -`region_short_penalty`: a label, a heading, a menu entry;
  boilerplate  -`region_removed_penalty`: a line an earlier rule removed
             (a crumb, "Advertisement", "Also read: ..."), which articles
             carry in their body too;
  site chrome  -`region_chrome_penalty`: a line of the site's frame that no
             article body holds (a menu cue, a login, a share or legal line,
             a breadcrumb);
  interface  -`region_short_penalty`: a label of a thread's or a Q&A page's
             controls ("Click to expand...", "Sorted by: Reset to default"),
             which sits between the posts like a short line;
  item chrome  -`region_short_penalty` for either of those when the same line
             recurs three times or more: then it is the chrome of each item
             in a list (a "Reply" under every post, a "Share" under every
             teaser), not a page edge;
  section end  -`region_section_end_penalty`: a heading that opens the
             comments or the related links ("Leave a Reply", "Related
             posts", "4 Comments"); what follows belongs to another section.

A paragraph's score grows with its length, a short line's penalty does not,
so a few short lines inside an article (headings, list items) are bridged,
while the long runs of menu lines around it are not.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from clean.heuristics.article import SENTENCE_END
from clean.model import Block, Document
from clean.options import Options
from clean.rules.crumbs import COMMENTS_HEADING
from clean.rules.cues import CUE_ALONE
from clean.vocabulary import in_listed_script, short_text_cache, stopword_density, word_count

# Removals by these rules, when the cue is the whole line, head a new section.
SECTION_END_RULES = frozenset({"cue-related", "cue-comments"})
# Cues that belong to the site's frame (menus, logins, share bars, legal lines),
# never to an article's body, unlike "Advertisement" or "Also read: ...".
CHROME_RULES = frozenset({
    "cue-navigation", "cue-call-to-action", "cue-share", "cue-subscribe", "cue-legal", "cue-cookie",
    "cue-comments", "breadcrumb", "pipe-menu", "consent-dialog",
})  # fmt: skip
# Cues that label the controls of a thread or a Q&A page ("Click to expand...", "Sorted by:
# Reset to default"): they sit between its posts, so they score as a short line does and
# neither start nor end the article (a boilerplate penalty cut a question off its answers).
IN_CONTENT_RULES = frozenset({"cue-interface"})
# A removed line recurring this often is per-item chrome.
ITEM_CHROME_REPEATS = 3

NON_WORD = re.compile(r"\W+")
# Page edges, repeats and the line model (which scores every line a second time)
# all ask the same questions of the same lines' text: the answers are kept per
# distinct text in bounded caches, large enough for the longest page text
# (2,650 lines on WCXB); long lines are recomputed rather than held.
LINE_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class LineScore:
    value: float
    kind: str  # prose, sentence, short, boilerplate, item-chrome, section-end

    def describe(self) -> str:
        return f"{self.kind} ({self.value:+.0f})"


@short_text_cache(maxsize=LINE_CACHE_SIZE)
def line_key(text: str) -> str:
    """The line's words, lower-cased: what makes two lines 'the same line'."""
    return NON_WORD.sub(" ", text.lower()).strip()


@dataclass(frozen=True, slots=True)
class LineText:
    """What a line's text alone says about it (no page, no options): the inputs of its score."""

    words: int  # as a reader counts them (vocabulary.word_count)
    ends_like_sentence: bool
    listed_script: bool  # Latin or Cyrillic, where stopwords tell prose
    stopword_share: float


@short_text_cache(maxsize=LINE_CACHE_SIZE)
def line_text(text: str) -> LineText:
    """The line's LineText."""
    # ASCII letters are all Latin: the answer in_listed_script would reach by counting every letter.
    listed = text.isascii() or in_listed_script(text)
    return LineText(word_count(text), text.rstrip().endswith(SENTENCE_END), listed, stopword_density(text))


def is_section_end(block: Block) -> bool:
    """A removed heading of comments or related links ("Related posts", "4 Comments")."""
    removal = block.removal
    if removal is None:
        return False
    if block.features.get(COMMENTS_HEADING):
        return True
    return removal.rule in SECTION_END_RULES and bool(block.features.get(CUE_ALONE))


def score_line(block: Block, repeats: int, options: Options) -> LineScore:
    """The score of one block, given how often its text occurs on the page.

    In a script our stopword lists do not cover (Arabic, Greek, Chinese...),
    prose is told by its length and its full stop alone.
    """
    if block.removal is not None:
        if repeats >= ITEM_CHROME_REPEATS:
            return LineScore(-options.region_short_penalty, "item-chrome")
        if block.removal.rule in IN_CONTENT_RULES:
            return LineScore(-options.region_short_penalty, "interface")
        if is_section_end(block):
            return LineScore(-options.region_section_end_penalty, "section-end")
        if block.removal.rule in CHROME_RULES:
            return LineScore(-options.region_chrome_penalty, "site chrome")
        return LineScore(-options.region_removed_penalty, "boilerplate")
    shape = line_text(block.kept_text())
    words = shape.words
    if shape.ends_like_sentence:
        if words >= options.region_prose_min_words and (
            not shape.listed_script or shape.stopword_share >= options.region_prose_min_stopwords
        ):
            return LineScore(float(min(words, options.region_prose_cap)), "prose")
        if words >= SHORT_SENTENCE_MIN_WORDS:
            return LineScore(0.0, "sentence")
    return LineScore(-options.region_short_penalty, "short")


# Fewer words than this, even with a full stop, is a label ("Yes.", "Read more.").
SHORT_SENTENCE_MIN_WORDS = 4


def score_lines(doc: Document, options: Options) -> list[LineScore]:
    """Every block's score, in document order."""
    keys = [line_key(b.text) for b in doc.blocks]
    counts = Counter(keys)
    return [score_line(b, counts[key], options) for b, key in zip(doc.blocks, keys, strict=True)]
