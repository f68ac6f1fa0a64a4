"""DOM rules: page chrome recognised by its markup (tags, ARIA roles, class/id words).

The patterns live in `data/dom.toml`, one named rule each with its reason.
A block is removed by the innermost ancestor that a rule matches, so a
newsletter box inside the footer is reported as the newsletter box.

Markup lies in one typical way: a class meant for a layout variant sits on a
wrapper around the whole page (<body class="has-sidebar">, <form> around an
ASP.NET page, <div class="comments-enabled">). So a rule never fires on an
element that holds most of the page's prose, and `soft` rules (an article's
own <header>) also give way to elements that hold the page's h1 or sit in an
<article> / <main>.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

from clean.frontends.html.path import SEPARATOR, Step, parse_step, steps
from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage

STAGE_NAME = "dom-rules"
# An element holding at least this share of the page's prose is a wrapper.
WRAPPER_PROSE_SHARE = 0.6
# A block counts as prose for the wrapper guard from this many words.
PROSE_WORDS = 10
CONTENT_TAGS = frozenset({"article", "main"})
CONTENT_ROLES = frozenset({"main", "article"})


@dataclass(frozen=True, slots=True)
class DomRule:
    name: str
    reason: str
    tags: frozenset[str]
    roles: frozenset[str]
    words: frozenset[str]
    pairs: frozenset[str]
    soft: bool

    def matches(self, element: Step) -> str | None:
        """What matched (for the reason), or None."""
        if element.tag in self.tags:
            return f"<{element.tag}>"
        if element.role and element.role in self.roles:
            return f'role="{element.role}"'
        found = element.words & self.words or element.pairs & self.pairs
        if found:
            return f'class/id word "{min(found)}"'
        return None


@cache
def dom_rules() -> tuple[DomRule, ...]:
    text = resources.files("clean.rules").joinpath("data/dom.toml").read_text("utf-8")
    return tuple(
        DomRule(
            name=name,
            reason=table["reason"],
            tags=frozenset(table.get("tags", [])),
            roles=frozenset(table.get("roles", [])),
            words=frozenset(table.get("words", [])),
            pairs=frozenset(table.get("pairs", [])),
            soft=bool(table.get("soft", False)),
        )
        for name, table in tomllib.loads(text).items()
    )


def _prose_weight(block: Block) -> float:
    if block.features.get("words", 0) < PROSE_WORDS:
        return 0.0
    return block.features.get("chars", 0.0) * (1.0 - block.features.get("link_density", 0.0))


@dataclass(slots=True)
class PageShape:
    """Per element (named by its path): prose it holds; which hold the h1."""

    prose: dict[str, float]
    total_prose: float
    holds_h1: set[str]

    @classmethod
    def of(cls, doc: Document) -> PageShape:
        prose: dict[str, float] = defaultdict(float)
        holds_h1: set[str] = set()
        total = 0.0
        for block in doc.blocks:
            weight = _prose_weight(block)
            total += weight
            parts = steps(block.path)
            for i in range(len(parts)):
                prefix = SEPARATOR.join(parts[: i + 1])
                if weight:
                    prose[prefix] += weight
                if block.tag == "h1":
                    holds_h1.add(prefix)
        return cls(prose, total, holds_h1)

    def is_wrapper(self, element_path: str) -> bool:
        return (
            self.total_prose > 0
            and self.prose.get(element_path, 0.0) >= WRAPPER_PROSE_SHARE * self.total_prose
        )


def _in_content(parsed: list[Step], upto: int) -> bool:
    return any(
        s.tag in CONTENT_TAGS or s.role in CONTENT_ROLES or s.itemprop == "articleBody" for s in parsed[:upto]
    )


def find_rule(path: str, shape: PageShape, rules: tuple[DomRule, ...]) -> tuple[DomRule, str, str] | None:
    """(rule, what matched, the element's step) for the innermost matching ancestor."""
    parts = steps(path)
    parsed = [parse_step(p) for p in parts]
    for i in range(len(parts) - 1, -1, -1):
        element = parsed[i]
        if element.tag in ("html", "body"):
            continue
        for rule in rules:
            matched = rule.matches(element)
            if matched is None:
                continue
            element_path = SEPARATOR.join(parts[: i + 1])
            if shape.is_wrapper(element_path):
                break  # a wrapper: no rule applies to this element
            if rule.soft and (element_path in shape.holds_h1 or _in_content(parsed, i)):
                continue
            return rule, matched, parts[i]
    return None


def run(doc: Document, options: Options) -> None:
    rules = tuple(r for r in dom_rules() if options.enabled(r.name))
    if not rules:
        return
    shape = PageShape.of(doc)
    decided: dict[str, tuple[DomRule, str, str] | None] = {}
    for block in doc.blocks:
        if not block.kept or not block.path:
            continue
        if block.path not in decided:
            decided[block.path] = find_rule(block.path, shape, rules)
        found = decided[block.path]
        if found is not None:
            rule, matched, element = found
            doc.remove(block, STAGE_NAME, rule.name, f"{rule.reason}: {matched} on {element}")


STAGE = Stage(
    STAGE_NAME,
    run,
    kinds=("html",),
    summary="page chrome by markup: nav, header, footer, sidebar, share, related, comments, cookie, ads, ...",
)
