"""The stages in order, and the two entry points that run them.

Text:  segment lines -> cues -> consent dialogs -> crumbs -> headline lists -> page edges -> menus -> repeats
       -> line model -> site template -> title
HTML:  decode, parse, segment the DOM -> DOM rules -> cues -> crumbs
       -> main content -> headline lists -> learned scorer (Options.learned_scorer, "decide" by default)
       -> site template

The site-template stage acts only when a batch learned templates
(Options.site_templates). It runs last: the page's own evidence explains a
block first, so the summary's site-template count is exactly what the batch
added (and on WCXB's multi-page hosts last scored as well as or better than first).
"""

from __future__ import annotations

from clean import limits
from clean.collector import fewer_collections
from clean.errors import InputError
from clean.frontends.text import segment_text
from clean.heuristics import headline_list, menus, page_edges, repeats, site_template
from clean.learned import stage as learned_stage
from clean.limits import Deadline
from clean.metadata import find_text_title
from clean.model import Document
from clean.options import Options
from clean.result import Result
from clean.rules import consent, crumbs, cues
from clean.stage import Stage
from clean.textmodel import stage as line_model

# Headline lists before page edges: a list below the article is better explained
# as a headline list than as generic footer.
TEXT_STAGES: tuple[Stage, ...] = (
    cues.STAGE, consent.STAGE, crumbs.STAGE, headline_list.STAGE, page_edges.STAGE, menus.STAGE,
    repeats.STAGE,
    line_model.STAGE, site_template.STAGE,
)  # fmt: skip


def html_stages() -> tuple[Stage, ...]:
    from clean.frontends.html import HTML_STAGES

    return (*HTML_STAGES, learned_stage.STAGE, site_template.STAGE)


def run_stages(
    doc: Document, stages: tuple[Stage, ...], options: Options, deadline: Deadline | None = None
) -> Document:
    for stage in stages:
        if doc.kind in stage.kinds and options.enabled(stage.name):
            stage.run(doc, options)
            if deadline is not None:
                deadline.check(stage.name)
    return doc


# Both entry points run inside a time budget (Options.max_seconds, clean/limits.py).


def clean_text(text: str, options: Options, url: str | None = None) -> Result:
    if not isinstance(text, str):
        raise InputError(f"clean_text expects str, got {type(text).__name__}")
    text = limits.text_input(text, options)
    with limits.time_budget(options.max_seconds) as deadline:
        doc = run_stages(segment_text(text, url), TEXT_STAGES, options, deadline)
        find_text_title(doc)
        return Result.from_document(doc, options)


def clean_html(html: str | bytes, url: str | None, options: Options) -> Result:
    from clean.frontends.html import parse_document

    # A page's many small objects die with the call: collecting while it runs finds nothing.
    with fewer_collections(), limits.time_budget(options.max_seconds) as deadline:
        doc = parse_document(html, url, options)
        deadline.check("parse")
        run_stages(doc, html_stages(), options, deadline)
        doc.drop_shared_tables()
        return Result.from_document(doc, options)
