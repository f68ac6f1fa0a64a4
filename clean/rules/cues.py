"""Cue phrases: boilerplate that says what it is ("Also read:", "Sponsored post").

The phrases live in `data/cues.toml`, one table per rule, keyed by language,
so that adding a language or a phrase needs no code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage

STAGE_NAME = "cues"
# Marks an entry removed because it is listed under a cue heading (page-edges
# reads it: the heading ends a section, its entries do not).
LISTED_UNDER_CUE = "listed-under-cue"
# Marks a line that is a cue phrase and nothing else ("Related posts", "Comments").
CUE_ALONE = "cue-alone"

# What may follow a prefix cue: "Also read: ...", "Related » ...", "Read more - ...".
SEPARATOR = r"\s*(?:[:：»›|>\-–—]|$)"
# Stripped before whole-line matching: "[Sponsored]", "Share:", "• Advertisement •".
EDGE_PUNCTUATION = " \t[](){}<>«»\"'“”‘’.,;:!?|•·*#-–—_/\\…"


# Compared and hashed by identity (eq=False): the rules are made once (cue_rules), and
# cue_screen's cache would otherwise hash every field of every rule, patterns and all
# (~11 us a page).
@dataclass(frozen=True, slots=True, eq=False)
class CueRule:
    name: str
    reason: str
    max_words: int
    lines: frozenset[str]
    prefix: re.Pattern[str] | None
    contains: re.Pattern[str] | None
    # Prefix phrases that are too common to mean anything on a line alone.
    not_alone: frozenset[str]
    # Whether the short lines under this cue, used as a heading, go with it.
    takes_list: bool
    # Phrases that, alone on a line, are a link's label rather than a heading
    # ("Read more" under a teaser): they take no list and open no section.
    not_heading: frozenset[str] = frozenset()
    # The phrases behind `prefix` and `contains` (for CueScreen).
    prefix_phrases: tuple[str, ...] = ()
    contains_phrases: tuple[str, ...] = ()


def _alternation(phrases: list[str]) -> str:
    # Longest first, so "related articles" wins over "related".
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p) for p in ordered)


def _phrases(table: dict, kind: str) -> list[str]:
    return [p.lower() for language in table.get(kind, {}).values() for p in language]


@cache
def cue_rules() -> tuple[CueRule, ...]:
    text = resources.files("clean.rules").joinpath("data/cues.toml").read_text("utf-8")
    rules = []
    for name, table in tomllib.loads(text).items():
        prefixes, contains = _phrases(table, "prefixes"), _phrases(table, "contains")
        rules.append(
            CueRule(
                name=name,
                reason=table["reason"],
                max_words=int(table.get("max_words", 30)),
                lines=frozenset(normalise(p) for p in _phrases(table, "lines")),
                prefix=re.compile(rf"^(?:{_alternation(prefixes)}){SEPARATOR}") if prefixes else None,
                contains=re.compile(rf"(?<!\w)(?:{_alternation(contains)})(?!\w)") if contains else None,
                not_alone=frozenset(table.get("not_alone", [])),
                takes_list=bool(table.get("takes_list", False)),
                not_heading=frozenset(table.get("not_heading", [])),
                prefix_phrases=tuple(prefixes),
                contains_phrases=tuple(contains),
            )
        )
    return tuple(rules)


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    # str.split() and re's \s agree on what whitespace is; the join is faster than re.sub(r"\s+", " ", ...).
    return " ".join(text.split()).strip(EDGE_PUNCTUATION)


def match(rule: CueRule, text: str, words: float) -> tuple[str, bool] | None:
    """(matched phrase, whether the block is the phrase alone), or None.

    `text` is the normalised block text; long blocks never match: cues are short.
    """
    if words > rule.max_words:
        return None
    if text in rule.lines:
        return text, True
    if rule.prefix is not None:
        found = rule.prefix.match(text)
        if found:
            phrase = found.group(0).strip(EDGE_PUNCTUATION)
            alone = found.end() >= len(text)
            if not (alone and phrase in rule.not_alone):
                return phrase, alone
    if rule.contains is not None:
        found = rule.contains.search(text)
        if found:
            return found.group(0), False
    return None


@dataclass(frozen=True, slots=True)
class CueScreen:
    """Whether any of a set of rules could match a text, in one lookup, one match and one search.

    Its lines, prefixes and phrases are the union of the rules' own, so it says
    "maybe" whenever one rule would match (and sometimes when none does); only
    those texts go through the rules one by one, in order, as `match` decides.
    """

    max_words: int
    lines: frozenset[str]
    prefix: re.Pattern[str] | None  # anchored, used with match()
    contains: re.Pattern[str] | None  # kept apart: a search can then skip ahead by first character
    # Words of the contained phrases such that each phrase holds one (see `anchors`): a text
    # without any holds none of the phrases. This search, with no look-behind to test at
    # every position, costs half of `contains`' and spares it ~90% of texts.
    anchors: re.Pattern[str] | None = None

    def may_match(self, text: str, words: float) -> bool:
        if words > self.max_words:
            return False
        if text in self.lines:
            return True
        if self.prefix is not None and self.prefix.match(text) is not None:
            return True
        if self.contains is None or (self.anchors is not None and self.anchors.search(text) is None):
            return False
        return self.contains.search(text) is not None


_WORD = re.compile(r"\w+")


def anchors(phrases: list[str]) -> list[str]:
    """A few substrings such that every phrase contains one of them: words of the phrases
    (a phrase without a word stands for itself), the one held by the most phrases first.
    Words of five letters or more come before shorter ones: "i" or "your" is in most texts."""
    left = set(phrases)
    chosen: list[str] = []

    def rank(word: str) -> tuple[int, int, int, str]:
        return min(len(word), 5), sum(word in phrase for phrase in left), len(word), word

    while left:
        best = max({word for phrase in left for word in _WORD.findall(phrase) or [phrase]}, key=rank)
        chosen.append(best)
        left = {phrase for phrase in left if best not in phrase}
    return chosen


def trie_alternation(phrases: list[str]) -> str:
    """A regex matching the same phrases as `_alternation`, shaped as a trie of characters.

    Python tries an alternation's branches one by one at every position; the
    trie tries one branch per character, so many phrases cost little more than one.
    Which phrase it reports can differ from `_alternation`'s (longest first):
    only whether a text matches is read from it.
    """
    trie: dict = {}
    for phrase in set(phrases):
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}  # the phrase may end here

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if "" in node:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie)


@lru_cache(maxsize=16)
def cue_screen(rules: tuple[CueRule, ...]) -> CueScreen:
    prefixes = [p for rule in rules if rule.prefix is not None for p in rule.prefix_phrases]
    contains = [p for rule in rules if rule.contains is not None for p in rule.contains_phrases]
    return CueScreen(
        max_words=max((rule.max_words for rule in rules), default=-1),
        lines=frozenset().union(*(rule.lines for rule in rules)),
        prefix=re.compile(rf"^{trie_alternation(prefixes)}{SEPARATOR}") if prefixes else None,
        contains=re.compile(rf"(?<!\w){trie_alternation(contains)}(?!\w)") if contains else None,
        anchors=re.compile(trie_alternation(anchors(contains))) if contains else None,
    )


def _is_list_item(block: Block, options: Options) -> bool:
    """A short line with no sentence ending: an entry of a link or headline list."""
    text = block.text.rstrip()
    return len(text.split()) <= options.headline_max_words and not text.endswith((".", ";", ","))


def run(doc: Document, options: Options) -> None:
    rules = tuple(r for r in cue_rules() if options.enabled(r.name))
    screen = cue_screen(rules)
    heading: tuple[CueRule, str] | None = None
    for block in doc.blocks:
        if not block.kept:
            continue
        if heading is not None:
            if _is_list_item(block, options):
                rule, phrase = heading
                if doc.remove(block, STAGE_NAME, rule.name, f'listed under the heading "{phrase}"'):
                    block.features[LISTED_UNDER_CUE] = 1.0
                continue
            heading = None
        # The HTML front end counts a block's words as len(text.split()); text mode does not.
        words = block.features.get("words")
        if words is None:
            words = len(block.text.split())
        if words > screen.max_words:
            continue  # longer than any cue: a body paragraph is not even normalised
        text = normalise(block.text)
        if not screen.may_match(text, words):
            continue
        for rule in rules:
            found = match(rule, text, words)
            if found is not None:
                phrase, alone = found
                doc.remove(block, STAGE_NAME, rule.name, f'{rule.reason} ("{phrase}")')
                is_heading = alone and phrase not in rule.not_heading
                if is_heading:
                    block.features[CUE_ALONE] = 1.0
                if is_heading and rule.takes_list:
                    heading = (rule, block.text.strip())
                break


STAGE = Stage(STAGE_NAME, run, summary="cue phrases in many languages: related, sponsored, share, ...")
