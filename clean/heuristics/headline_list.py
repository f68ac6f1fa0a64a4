"""Unrelated headline lists: runs of short title-like lines off the article's topic.

Decided from shape and topic together. Shape: at least `headline_min_run`
consecutive kept blocks that are short, are not prose and do not end like a
sentence. Topic: the run as a whole shares at most `headline_max_overlap` of
its content words with the article's prose. So a lone section heading
(a run of one) stays, and an in-article list of short items on the article's
subject (high overlap) stays. Runs between two of the article's paragraphs,
runs of one- or two-word lines (menus, which page-edges judges by position)
and runs inside a record list (a listing's own items) are left alone.
"""

from __future__ import annotations

from clean.heuristics.article import ArticleProfile, article_profile, is_prose
from clean.heuristics.records import RecordList, record_lists
from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage
from clean.vocabulary import content_words, overlap

STAGE_NAME = "headline-list"
RULE = "headline-list"


def is_title_like(block: Block, options: Options) -> bool:
    text = block.kept_text().rstrip()
    # Split no further than the bound: a paragraph's words need not all be cut out to tell.
    words = len(text.split(None, options.headline_max_words))
    return (
        1 <= words <= options.headline_max_words
        and not is_prose(block)
        and not text.endswith((".", ",", ";"))
    )


def title_runs(doc: Document, options: Options) -> list[list[Block]]:
    runs: list[list[Block]] = []
    current: list[Block] = []
    for block in doc.blocks:
        if not block.kept:
            continue  # removed blocks do not break a run: the list continues around them
        if is_title_like(block, options):
            current.append(block)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return [run for run in runs if len(run) >= options.headline_min_run]


def run_overlap(run: list[Block], profile: ArticleProfile) -> float:
    words = [w for block in run for w in content_words(block.kept_text())]
    return overlap(words, profile.vocabulary)


def inside_article(run_: list[Block], profile: ArticleProfile) -> bool:
    """Between two of the article's prose blocks: a list the article itself makes."""
    return profile.first < run_[0].index and run_[-1].index < profile.last


def headline_shaped(run_: list[Block], options: Options) -> bool:
    """Headlines are sentences without a full stop; menus and tag lists are a word or two."""
    words = sum(len(block.kept_text().split()) for block in run_)
    return words / len(run_) >= options.headline_min_mean_words


def in_record_list(run_: list[Block], lists: list[RecordList]) -> bool:
    """Most of the run lies in a record list: titles of the page's own items (a listing)."""
    return any(sum(r.first <= block.index <= r.last for block in run_) * 2 > len(run_) for r in lists)


def run(doc: Document, options: Options) -> None:
    # The runs first: they are cheap, and most pages have none, which spares the
    # article profile and the record lists (both read the page, neither changes it).
    runs = title_runs(doc, options)
    if not runs:
        return
    profile = article_profile(doc)
    if profile is None:
        return
    lists: list[RecordList] | None = None  # found when a run first needs them
    for run_ in runs:
        if inside_article(run_, profile) or not headline_shaped(run_, options):
            continue
        if lists is None:
            lists = record_lists(doc, options) if options.enabled("record-list") else []
        if in_record_list(run_, lists):
            continue
        shared = run_overlap(run_, profile)
        if shared > options.headline_max_overlap:
            continue
        reason = (
            f"one of {len(run_)} short title-like lines in a row that share only "
            f"{shared:.0%} of their words with the article"
        )
        for block in run_:
            doc.remove(block, STAGE_NAME, RULE, reason)


STAGE = Stage(STAGE_NAME, run, summary="runs of short title-like lines off the article's topic")
