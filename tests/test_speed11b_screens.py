"""Session 11's speed-ups in the rules and main content give the answers of the slower ways.

- The cue screen's anchors (a few words of the contained phrases) only spare
  the phrases' search: may_match answers as without them.
- Crumbs' search for a digit or a byline's start only spares the split into
  fields: crumb_fields answers as without it, and with the word count given.
- The main region found from the element totals by id (parents, depths) is
  the region the path-keyed walk through each element's children found.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from clean.frontends.html import parse_document
from clean.frontends.html.elements import element_stats, element_table
from clean.frontends.html.path import SEPARATOR, parse_step
from clean.heuristics import region as region_module
from clean.heuristics.region import find_region, is_semantic, prose_weight
from clean.options import Options
from clean.rules import crumbs
from clean.rules.cues import anchors, cue_rules, cue_screen, normalise

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "html").glob("*.html"))


def _fixture_texts() -> list[str]:
    return [b.text for page in PAGES for b in parse_document(page.read_bytes(), None, Options()).blocks]


def test_every_contained_phrase_holds_an_anchor() -> None:
    phrases = [p for rule in cue_rules() for p in rule.contains_phrases]
    found = anchors(phrases)
    assert all(any(anchor in phrase for anchor in found) for phrase in phrases)
    # A few words stand for the ~80 phrases, and no short word that most texts hold.
    assert len(found) < len(phrases) / 2
    assert "cookie" in found and all(len(a) >= 5 or not re.fullmatch(r"\w+", a) for a in found)


def test_the_anchors_change_no_answer_of_the_screen() -> None:
    rules = cue_rules()
    screen = cue_screen(rules)
    without = dataclasses.replace(screen, anchors=None)
    texts = _fixture_texts()
    for rule in rules:
        for phrase in rule.contains_phrases:
            texts += [f"see {phrase} here", f"x{phrase}y", phrase[:-1], f"{phrase[1:]} and more"]
    texts += ["Our website has no such policy", "Accepted papers", "Straight talk"]
    maybe = 0
    for raw in texts:
        text, words = normalise(raw), len(raw.split())
        assert screen.may_match(text, words) == without.may_match(text, words), raw
        maybe += screen.may_match(text, words)
    assert maybe > 50


CRUMB_LINES = [
    "News | By Jane Doe",
    "Home | About",
    "Posted by: Bob Smith | Comments",
    "by the way",
    "Reviews • von Max Müller",
    "Jan 10, 2018 | Uncategorized | 0 comments",
    "Written by Ana de la Cruz",
    "Shop · Brands · Sale",
    "Recipes,by Anna Lee",
    "Features:von Max Weber",
    "Nearby Events",
    "Audio | Video",
    "News | ,By Jane Doe",
    "Home ·:By Jane Doe",
]


def test_crumb_screen_and_given_word_counts_change_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = CRUMB_LINES + _fixture_texts()
    screened = [crumbs.crumb_fields(t) for t in texts]
    counted = [crumbs.crumb_fields(t, float(len(t.split()))) for t in texts]
    monkeypatch.setitem(crumbs.patterns(), "byline_start", re.compile(""))  # lets every line through
    unscreened = [crumbs.crumb_fields(t) for t in texts]
    assert screened == unscreened == counted
    assert screened[0] == ["category", "byline"] and screened[1] is None
    assert sum(found is not None for found in screened) >= 5


def _region_by_paths(doc) -> str | None:
    """find_region as it was written over a dict of elements keyed by path, with children lists."""
    kept = [b for b in doc.blocks if b.kept and b.path]
    prose = [prose_weight(b) for b in kept]
    table = element_table(doc)
    totals = element_stats(table, kept, prose)
    total = sum(prose)
    held = [e for e, count in enumerate(totals.blocks) if count]
    path_of = table.paths
    children: dict[str, list[str]] = {path_of[e]: [] for e in held}
    for e in held:
        if table.depth[e]:
            children[path_of[table.parent[e]]].append(path_of[e])
    by_path = {path_of[e]: e for e in held}
    if total <= 0 or not held:
        return None
    prose_of = {p: totals.prose[e] for p, e in by_path.items()}
    semantic = [
        p for p in by_path
        if prose_of[p] >= region_module.SEMANTIC_SHARE * total
        and is_semantic(parse_step(p.rpartition(SEPARATOR)[2]))
    ]  # fmt: skip
    if semantic:
        best = max(semantic, key=lambda p: p.count(SEPARATOR))
    else:
        best = max((p for p in by_path if SEPARATOR not in p), key=prose_of.__getitem__)
        while True:
            heavy = [c for c in children[best] if prose_of[c] >= region_module.REGION_SHARE * total]
            if not heavy:
                break
            best = heavy[0]
    return table.paths[region_module.widen(by_path[best], totals, table)]


PROSE = "The council approved the budget after a long debate about schools, roads and the new library. "
# No <article> or <main>: the region is found by descending into the element holding most prose.
PLAIN_PAGE = (
    "<html><body><div id='top'><ul><li><a href='/'>Home</a></li><li><a href='/n'>News</a></li></ul></div>"
    "<div id='wrap'><div id='side'><p>Short aside line here.</p></div><div id='content'><h1>Budget</h1>"
    f"<div class='body'><p>{PROSE * 3}</p><p>{PROSE * 2}</p><p>{PROSE}</p></div></div></div>"
    "<div id='foot'><p>Footer text of the site.</p></div></body></html>"
)
PAGES_AND_CUTS = [(page, every) for page in [*PAGES, PLAIN_PAGE] for every in (1, 2)]


@pytest.mark.parametrize(("page", "every"), PAGES_AND_CUTS, ids=lambda x: getattr(x, "stem", str(x)[:6]))
def test_region_by_element_id_is_the_region_by_path(page: Path | str, every: int) -> None:
    doc = parse_document(page if isinstance(page, str) else page.read_bytes(), None, Options())
    for i, block in enumerate(doc.blocks):
        if i % every:  # a stage before main content removed some blocks
            doc.remove(block, "test", "test", "test")
    kept = [b for b in doc.blocks if b.kept and b.path]
    prose = [prose_weight(b) for b in kept]
    table = element_table(doc)
    found = find_region(element_stats(table, kept, prose), table, sum(prose))
    assert (found.path if found else None) == _region_by_paths(doc)


def test_the_plain_page_region_is_found_by_descending() -> None:
    doc = parse_document(PLAIN_PAGE, None, Options())
    kept = [b for b in doc.blocks if b.path]
    prose = [prose_weight(b) for b in kept]
    table = element_table(doc)
    found = find_region(element_stats(table, kept, prose), table, sum(prose))
    assert found is not None and found.why.startswith("the deepest element")
    # Down to div.body (all the prose), then widened past the h1 and the short aside.
    assert found.path == "html > body > div#wrap:2"


def test_a_passage_no_other_has_the_word_count_of_ends_a_run_of_copies() -> None:
    import clean

    paragraphs = [f"<p>{PROSE}Part {n}.</p>" for n in range(3)]
    desktop = "".join(paragraphs)
    # Main content normalises only passages whose word count another shares: the odd one
    # out is never compared, but it still ends the run of copies before it.
    odd = f"<p>{PROSE}{PROSE}And one more sentence to close it.</p>"
    mobile = "".join(paragraphs[:2]) + odd + paragraphs[2]
    page = "<body><div class='a'>{}</div><div class='b'>{}</div></body>"
    broken = clean.clean_html(page.format(desktop, mobile))
    assert "repeated-block" not in {r.rule for r in broken.removed}  # runs of two and one: kept
    whole = clean.clean_html(page.format(desktop, desktop + odd))
    assert [r.rule for r in whole.removed if r.rule == "repeated-block"] == ["repeated-block"] * 3
