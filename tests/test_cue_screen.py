"""The cue screen (one lookup, match and search for all rules) never hides a match a rule would make."""

from __future__ import annotations

import re

from clean.rules.cues import cue_rules, cue_screen, match, normalise, trie_alternation


def _samples() -> list[str]:
    """Every phrase of every rule, alone, as a prefix, inside a sentence, and glued to a word."""
    texts = []
    for rule in cue_rules():
        for phrase in (*rule.lines, *rule.prefix_phrases, *rule.contains_phrases):
            texts += [phrase, f"{phrase}: the story", f"see {phrase} here", f"x{phrase}y", phrase[:-1]]
    return texts


def test_screen_says_maybe_whenever_a_rule_matches() -> None:
    rules = cue_rules()
    screen = cue_screen(rules)
    matched = rejected = 0
    for raw in _samples():
        text = normalise(raw)
        words = len(raw.split())
        if any(match(rule, text, words) is not None for rule in rules):
            matched += 1
            assert screen.may_match(text, words), raw
        elif not screen.may_match(text, words):
            rejected += 1
    # Both answers occur: the screen spares work and lets every real match through.
    assert matched > 100 and rejected > 0


def test_screen_of_a_subset_of_rules_ignores_the_others() -> None:
    rules = cue_rules()
    only_cookie = tuple(r for r in rules if r.name == "cue-cookie")
    screen = cue_screen(only_cookie)
    share = next(r for r in rules if r.name == "cue-share")
    line = sorted(share.lines)[0]
    assert not screen.may_match(line, 1)


def test_trie_alternation_matches_the_same_phrases() -> None:
    phrases = ["read more", "read", "related articles", "related", "(c)", "a.b"]
    trie = re.compile(rf"^(?:{trie_alternation(phrases)})$")
    for phrase in phrases:
        assert trie.match(phrase)
    for other in ["rea", "read mor", "relate", "c", "axb", "read more!"]:
        assert not trie.match(other)
