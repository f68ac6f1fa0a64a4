"""Cue phrases: boilerplate that says what it is ("Also read:", "Sponsored post").

The phrases live in `data/cues.toml`, one table per rule, keyed by language,
so that adding a language or a phrase needs no code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
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
SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
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
            )
        )
    return tuple(rules)


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return SPACES.sub(" ", text).strip(EDGE_PUNCTUATION)


def match(rule: CueRule, text: str, words: int) -> tuple[str, bool] | None:
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


def _is_list_item(block: Block, options: Options) -> bool:
    """A short line with no sentence ending: an entry of a link or headline list."""
    text = block.text.rstrip()
    return len(text.split()) <= options.headline_max_words and not text.endswith((".", ";", ","))


def run(doc: Document, options: Options) -> None:
    rules = [r for r in cue_rules() if options.enabled(r.name)]
    # No rule matches a block longer than this: a body paragraph is not normalised at all.
    max_words = max((r.max_words for r in rules), default=-1)
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
        words = len(block.text.split())
        if words > max_words:
            continue
        text = normalise(block.text)
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
