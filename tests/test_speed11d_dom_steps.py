"""The DOM rules' early answer for a step that names nothing any rule reads (session 11, speed11d)
gives what the candidate sets gave, for every distinct step of real pages (the fixtures and WCXB
tune pages)."""

from __future__ import annotations

from real_pages import parsed_pages

from clean.frontends.html.elements import element_table
from clean.frontends.html.path import parse_unindexed_step
from clean.rules.dom import _rule_index, _without_modifiers, dom_rules, unindexed_step_matches


def _steps() -> set[str]:
    found = set()
    for doc in parsed_pages():
        found.update(element_table(doc).unindexed)
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
