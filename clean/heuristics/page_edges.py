"""Site header and footer in a page's text: everything before and after the article.

Text mode only (the HTML front end knows headers and footers from the DOM).

1. Every line gets a content score (`line_score`): prose counts its words,
   short lines and lines earlier rules removed count against.
2. The article is the stretch of lines with the highest total score (the
   maximum-sum segment), so it starts and ends with prose and bridges the
   headings, list items and captions between paragraphs, but not the long
   runs of menu lines, teasers and share bars around them.
3. A record list (`records`) that holds more than `record_min_share` times
   the words of that stretch is content too (a listing, a catalogue, a
   thread): the article is widened to cover it (disable "record-list" to
   judge by prose alone).
4. The title stays: the nearest kept line above the article, when it is
   short and shares a word with it.

Everything kept outside the article is removed:

  page-header  above it: menus, taglines, logins, crumbs of the site;
  page-footer  below it: contact blocks, calls to action, link lists, teasers.

When nothing on the page scores as content (no prose line, no record list),
the page is left alone: a best-effort result beats an empty one for text we
cannot judge (a title-only dump, an odd script, a one-line input).
"""

from __future__ import annotations

from dataclasses import dataclass

from clean.heuristics.article import topic_words
from clean.heuristics.line_score import LineScore, score_lines
from clean.heuristics.records import RecordList, largest_record_list
from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage

STAGE_NAME = "page-edges"
TITLE_MAX_WORDS = 20


@dataclass(frozen=True, slots=True)
class Article:
    first: int  # block indices, inclusive
    last: int
    score: float
    records: RecordList | None = None

    def span(self, doc: Document) -> str:
        start, end = doc.blocks[self.first].lines, doc.blocks[self.last].lines
        if start is None or end is None:
            return f"blocks {self.first + 1}-{self.last + 1}"
        return f"lines {start[0]}-{end[1]}"


def best_stretch(scores: list[LineScore]) -> tuple[int, int, float] | None:
    """The maximum-sum segment (first, last, total); None when no line scores above zero."""
    best, total, start = 0.0, 0.0, 0
    found: tuple[int, int, float] | None = None
    for index, score in enumerate(scores):
        if total <= 0:
            total, start = score.value, index
        else:
            total += score.value
        if total > best:
            best, found = total, (start, index, total)
    return found


def find_article(doc: Document, scores: list[LineScore], options: Options) -> Article | None:
    stretch = best_stretch(scores)
    records = largest_record_list(doc, options) if options.enabled("record-list") else None
    if stretch is None:
        if records is None:
            return None
        return Article(records.first, records.last, 0.0, records)
    first, last, total = stretch
    # Sentences too short to count (score 0) right above it still belong to the text
    # (a one-line lead); below it they are as often a call to action as a last word.
    while first > 0 and scores[first - 1].value == 0:
        first -= 1
    if records is not None:
        prose_words = sum(len(b.kept_text().split()) for b in doc.blocks[first : last + 1] if b.kept)
        if records.words > options.record_min_share * prose_words:
            return Article(min(first, records.first), max(last, records.last), total, records)
    return Article(first, last, total)


def _stem(word: str) -> str:
    """A plural's singular, roughly: a title says "Recipes", its text "every recipe"."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def title_above(doc: Document, article: Article) -> Block | None:
    """The short kept line right above the article that shares its words (its title)."""
    above = next((b for b in reversed(doc.blocks[: article.first]) if b.kept), None)
    if above is None:
        return None
    text = above.kept_text().rstrip()
    if len(text.split()) > TITLE_MAX_WORDS or text.endswith((".", ",", ";")):
        return None
    words = {_stem(w) for w in topic_words(text)}
    # Read the article only as far as the first shared word (usually its first lines).
    for block in doc.blocks[article.first : article.last + 1]:
        if block.kept and any(_stem(w) in words for w in topic_words(block.kept_text())):
            return above
    return None


def _reason(where: str, doc: Document, article: Article, score: LineScore) -> str:
    found_by = f"; it covers {article.records.describe()}" if article.records else ""
    return (
        f"{where} the article ({article.span(doc)}, content score {article.score:+.0f}{found_by}); "
        f"this line: {score.describe()}"
    )


def run(doc: Document, options: Options) -> None:
    scores = score_lines(doc, options)
    article = find_article(doc, scores, options)
    if article is None:
        return
    title = title_above(doc, article)
    for block in doc.blocks:
        if not block.kept or block.trims or article.first <= block.index <= article.last or block is title:
            continue  # (a trimmed line has a record already; it is not removed on top of it)
        if block.index < article.first:
            if options.enabled("page-header"):
                reason = _reason("above", doc, article, scores[block.index])
                doc.remove(block, STAGE_NAME, "page-header", reason)
        elif options.enabled("page-footer"):
            reason = _reason("below", doc, article, scores[block.index])
            doc.remove(block, STAGE_NAME, "page-footer", reason)


STAGE = Stage(STAGE_NAME, run, kinds=("text",), summary="site header and footer around the article (text)")
