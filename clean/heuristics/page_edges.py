"""Site header and footer in a page's text: what stands before and after the article.

Text mode only (the HTML front end knows headers and footers from the DOM).
The article spans from its first to its last prose block. Outside that span:

  page-header  before the article: pipe-separated menus and taglines
               ("Certified company | Engineering the world"), runs of very
               short menu lines, and short lines that share no word with the
               article. The title shares the article's words, so it stays.
  page-footer  after the article: short lines that share little with it
               (contact blocks, calls to action, link lists).
"""

from __future__ import annotations

import re

from clean.heuristics.article import ArticleProfile, article_profile
from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage
from clean.vocabulary import content_words

STAGE_NAME = "page-edges"
PIPE = re.compile(r"\s[|¦]\s|\s*[|¦]\s*$")
MENU_WORDS = 3
MENU_RUN = 3
# Footer lines sharing more than this with the article are kept.
FOOTER_MAX_OVERLAP = 0.25


def is_pipe_menu(text: str) -> bool:
    """Short fields joined by pipes, none of them a sentence."""
    fields = [f.strip() for f in re.split(r"[|¦]", text) if f.strip()]
    return len(fields) >= 2 and all(len(f.split()) <= 4 for f in fields) and not text.rstrip().endswith(".")


def _menu_runs(blocks: list[Block]) -> set[int]:
    """Indices of blocks in runs of very short lines: a menu laid out as text."""
    found: set[int] = set()
    run: list[Block] = []
    for block in blocks + [None]:  # type: ignore[list-item]
        if block is not None and len(block.kept_text().split()) <= MENU_WORDS:
            run.append(block)
            continue
        if len(run) >= MENU_RUN:
            found.update(b.index for b in run)
        run = []
    return found


def _header(doc: Document, blocks: list[Block], profile: ArticleProfile, options: Options) -> None:
    menus = _menu_runs(blocks)
    for block in blocks:
        text = block.kept_text()
        words = content_words(text)
        if is_pipe_menu(text):
            reason = "a pipe-separated menu or tagline above the article"
        elif block.index in menus:
            reason = "part of a run of very short menu lines above the article"
        elif len(text.split()) <= options.edge_max_words and words and profile.shared(text) == 0:
            reason = "a short line above the article that shares none of its words"
        else:
            continue
        doc.remove(block, STAGE_NAME, "page-header", reason)


def _footer(doc: Document, blocks: list[Block], profile: ArticleProfile, options: Options) -> None:
    for block in blocks:
        text = block.kept_text()
        if len(text.split()) > options.edge_max_words:
            continue
        shared = profile.shared(text)
        if shared <= FOOTER_MAX_OVERLAP:
            reason = f"a short line below the article sharing {shared:.0%} of its words with it"
            doc.remove(block, STAGE_NAME, "page-footer", reason)


def run(doc: Document, options: Options) -> None:
    profile = article_profile(doc)
    if profile is None:
        return
    kept = [b for b in doc.blocks if b.kept]
    if options.enabled("page-header"):
        _header(doc, [b for b in kept if b.index < profile.first], profile, options)
    if options.enabled("page-footer"):
        _footer(doc, [b for b in kept if b.index > profile.last], profile, options)


STAGE = Stage(STAGE_NAME, run, kinds=("text",), summary="site header and footer around the article (text)")
