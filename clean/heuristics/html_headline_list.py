"""Headline lists on web pages: the text-mode heuristic, restricted to lists of links.

In text mode a run of short title-like lines off the article's topic is a
headline list. On a page we know more: the headlines of a "more stories"
list are links. Short lines that are not links are content of another shape
(product names and prices, specification rows, steps, FAQ questions), and on
listing pages the topic test alone removes them. So the same heuristic runs
over a view of the page made of its link-heavy blocks and its prose (which
gives the article's vocabulary); short blocks that are not links are not in
the view and cannot be removed by it. Removals land on the page's own blocks.
"""

from __future__ import annotations

from clean.heuristics import headline_list
from clean.heuristics.article import is_prose
from clean.model import Document
from clean.options import Options
from clean.stage import Stage

# A block is a headline when at least this share of its characters are a link.
HEADLINE_MIN_LINK_DENSITY = 0.5
# Headline lists are told apart from an article; on a page whose kept words are
# less than this share prose, there is no article to tell them from.
ARTICLE_MIN_PROSE_SHARE = 0.5


def run(doc: Document, options: Options) -> None:
    blocks = doc.blocks
    # Which blocks are kept prose, asked once per block: the share below and the view read it.
    kept_prose = [b.kept and is_prose(b) for b in blocks]
    words = sum(b.features.get("words", 0.0) for b in blocks if b.kept)
    prose = sum(b.features.get("words", 0.0) for b, flag in zip(blocks, kept_prose, strict=True) if flag)
    if not words or prose < ARTICLE_MIN_PROSE_SHARE * words:
        return  # not an article page: its lists of links are what it is for (listings, indexes)
    view = Document(kind=doc.kind, source="", url=doc.url, metadata=doc.metadata)
    view.blocks = [
        b
        for b, is_kept_prose in zip(blocks, kept_prose, strict=True)
        if b.features.get("link_density", 0.0) >= HEADLINE_MIN_LINK_DENSITY or is_kept_prose
    ]
    headline_list.run(view, options)


STAGE = Stage(
    headline_list.STAGE_NAME,
    run,
    kinds=("html",),
    summary="runs of short linked titles off the article's topic (headline lists)",
)
