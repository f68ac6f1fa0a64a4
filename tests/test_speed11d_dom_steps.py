"""The DOM rules' early answer for a step that names nothing any rule reads (session 11, speed11d)
gives what the candidate sets gave, for every distinct step of real pages (the fixtures and WCXB
tune pages)."""

from __future__ import annotations

import gzip
from pathlib import Path

from clean.frontends.html import parse_document
from clean.frontends.html.elements import element_table
from clean.frontends.html.path import parse_unindexed_step
from clean.options import Options
from clean.rules.dom import _rule_index, _without_modifiers, dom_rules, unindexed_step_matches

ROOT = Path(__file__).resolve().parent.parent
WCXB = ROOT.parent / "shared" / "data" / "wcxb" / "dev"
FIXTURES = ("blog_comments", "in_article_list", "news_article", "section_headings")
TUNE_PAGES = ("0001", "0002", "0003", "0004", "0006", "0666", "0667")


def _steps() -> set[str]:
    found = set()
    for name in FIXTURES:
        doc = parse_document((ROOT / "fixtures" / "html" / f"{name}.html").read_bytes(), None, Options())
        found.update(element_table(doc).unindexed)
    if WCXB.exists():
        for page in TUNE_PAGES:
            html = gzip.decompress((WCXB / "html" / f"{page}.html.gz").read_bytes())
            found.update(element_table(parse_document(html, None, Options())).unindexed)
    return found


def _plain_matches(step_text: str) -> tuple[tuple[int, str], ...]:
    """Every rule whose tag, role, words or pairs the step names, tried in file order."""
    element = parse_unindexed_step(step_text)
    if element.tag in ("html", "body"):
        return ()
    if any(name.startswith(("has-", "has_", "with-", "with_")) for name in element.classes):
        element = _without_modifiers(element)
    index = _rule_index()
    candidates = set(index["tag"].get(element.tag, ()))
    if element.role:
        candidates.update(index["role"].get(element.role, ()))
    for word in element.words:
        candidates.update(index["word"].get(word, ()))
    for pair in element.pairs:
        candidates.update(index["pair"].get(pair, ()))
    rules = dom_rules()
    found = ((number, rules[number].matches(element)) for number in sorted(candidates))
    return tuple((number, matched) for number, matched in found if matched is not None)


def test_step_matches_equal_the_candidate_sets():
    steps = _steps()
    matched = 0
    for step in steps:
        expected = _plain_matches(step)
        assert unindexed_step_matches.__wrapped__(step) == expected, step
        matched += bool(expected)
    assert matched >= 20 and len(steps) - matched >= 20  # both answers were compared
