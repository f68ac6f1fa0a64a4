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
from functools import cache, lru_cache
from importlib import resources

from clean.frontends.html.elements import ElementTotals, element_stats, element_table
from clean.frontends.html.path import SEPARATOR, Step, name_words, parse_step, parse_unindexed_step, steps
from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage

STAGE_NAME = "dom-rules"
# An element holding at least this share of the page's prose is a wrapper.
WRAPPER_PROSE_SHARE = 0.6
# A rule whose elements together hold this share of the prose is not chrome here.
# and there is no article of its own beside them (an article's comments can
# outweigh it; the article still has this much prose, in characters).
COLLECTIVE_PROSE_SHARE = 0.6
COLLECTIVE_MAX_OTHER_PROSE = 1000.0
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
    # Evidence the element must also show: chrome of this kind is mostly links
    # (menus, related lists) or short (ads, banners, share bars).
    min_link_density: float
    max_words: float
    # Whether this kind of element can be the page's content when there is
    # nothing else (forum posts marked "comment", listing cards marked "related").
    may_be_content: bool
    # The page-wrapper guard below does not spare this rule's elements: named by a vendor
    # that makes nothing but this chrome, they are never the page, however much they hold.
    never_a_wrapper: bool

    def fits(self, totals: ElementTotals, element: int) -> bool:
        density, words = totals.link_density(element), totals.words[element]
        return density >= self.min_link_density and words <= self.max_words

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
            min_link_density=float(table.get("min_link_density", 0.0)),
            max_words=float(table.get("max_words", float("inf"))),
            may_be_content=bool(table.get("may_be_content", False)),
            never_a_wrapper=bool(table.get("never_a_wrapper", False)),
        )
        for name, table in tomllib.loads(text).items()
    )


def _prose_weight(block: Block) -> float:
    if block.features.get("words", 0) < PROSE_WORDS:
        return 0.0
    return block.features.get("chars", 0.0) * (1.0 - block.features.get("link_density", 0.0))


class PageShape:
    """What each element holds (by element id), and the page's total prose."""

    def __init__(self, doc: Document) -> None:
        prose = [_prose_weight(b) for b in doc.blocks]
        self.table = element_table(doc)
        self.totals = element_stats(self.table, doc.blocks, prose)
        self.total_prose = sum(prose)

    def is_wrapper(self, element: int) -> bool:
        return self.total_prose > 0 and self.totals.prose[element] >= WRAPPER_PROSE_SHARE * self.total_prose


def _in_content(parsed: list[Step], upto: int) -> bool:
    return any(
        s.tag in CONTENT_TAGS or s.role in CONTENT_ROLES or s.itemprop == "articleBody" for s in parsed[:upto]
    )


# Cached per step without its sibling index, which no rule reads: a list's items match once.
@lru_cache(maxsize=16384)
def unindexed_step_matches(step_text: str) -> tuple[tuple[int, str], ...]:
    """(rule number, what matched) for every rule that matches this element, in file order."""
    element = parse_unindexed_step(step_text)
    if element.tag in ("html", "body"):
        return ()
    # Three in five new steps name nothing any rule reads: four C-level tests tell, before the
    # candidate sets are built (the matches of a page's ~110 new steps 0.30 -> ~0.2 ms).
    tags, roles, words, pairs = _rule_keys()
    if (
        element.tag not in tags
        and element.role not in roles
        and element.words.isdisjoint(words)
        and element.pairs.isdisjoint(pairs)
    ):
        return ()
    # Most steps name no modifier, which two substring tests tell without a generator.
    if ("has" in step_text or "with" in step_text) and any(
        name.startswith(LAYOUT_MODIFIERS) for name in element.classes
    ):
        element = _without_modifiers(element)
    index = _rule_index()
    candidates = set(index["tag"].get(element.tag, ()))
    if element.role:
        candidates.update(index["role"].get(element.role, ()))
    # Most class words name no rule: intersect in C, then look up the few that do.
    words, pairs = index["word"], index["pair"]
    for word in element.words & words.keys():
        candidates.update(words[word])
    if element.pairs:
        for pair in element.pairs & pairs.keys():
            candidates.update(pairs[pair])
    if not candidates:
        return ()
    rules = dom_rules()
    found = []
    for number in sorted(candidates):
        matched = rules[number].matches(element)
        if matched is not None:
            found.append((number, matched))
    return tuple(found)


# A class that says what an element holds or comes with, not what it is: the
# wrapper of an article and its sidebar is "has-sidebar" or "with-rail-right",
# the item that opens a submenu "has-submenu". Its words name no rule.
LAYOUT_MODIFIERS = ("has-", "has_", "with-", "with_")


def _without_modifiers(element: Step) -> Step:
    names = [n for n in (element.id, *element.classes) if n and not n.startswith(LAYOUT_MODIFIERS)]
    words, pairs = set(), set()
    for name in names:
        own_words, own_pairs = name_words(name)
        words.update(own_words)
        pairs.update(own_pairs)
    return element._replace(words=frozenset(words), pairs=frozenset(pairs))


@cache
def _rule_keys() -> tuple[frozenset[str], ...]:
    """The tags, roles, words and pairs that some rule reads (the keys of _rule_index)."""
    index = _rule_index()
    return tuple(frozenset(index[kind]) for kind in ("tag", "role", "word", "pair"))


@cache
def _rule_index() -> dict[str, dict[str, tuple[int, ...]]]:
    """Which rules can match an element with a given tag, role, word or pair (by kind, then value)."""
    kinds = ("tag", "role", "word", "pair")
    index: dict[str, dict[str, list[int]]] = {kind: defaultdict(list) for kind in kinds}
    for number, rule in enumerate(dom_rules()):
        for kind, values in (
            ("tag", rule.tags),
            ("role", rule.roles),
            ("word", rule.words),
            ("pair", rule.pairs),
        ):
            for value in values:
                index[kind][value].append(number)
    return {kind: {value: tuple(rules) for value, rules in values.items()} for kind, values in index.items()}


Found = tuple[DomRule, str, str] | None


class RuleFinder:
    """Decides, per element, which rule (if any) removes the blocks inside it."""

    def __init__(self, shape: PageShape, options: Options) -> None:
        self.shape = shape
        self.rules = dom_rules()
        self.enabled = [options.enabled(rule.name) for rule in self.rules]
        # Every element's rule matches, by element id (read by both passes below).
        self.matches = [unindexed_step_matches(step) for step in shape.table.unindexed]
        self.content_rules = self._rules_matching_the_content()

    def _rules_matching_the_content(self) -> dict[int, float]:
        """Rules whose elements, taken together, hold most of the page's prose.

        Such a rule does not describe chrome on this page when there is little
        prose beside its elements: on a forum every post is marked "comment",
        on a listing every card may be "related".
        Returns rule number -> share of the prose its elements hold.
        """
        total = self.shape.total_prose
        if total <= 0:
            return {}
        held: dict[int, float] = defaultdict(float)
        covered: dict[int, str] = {}
        prose, paths, matches = self.shape.totals.prose, self.shape.table.paths, self.matches
        # Sorted paths are in document pre-order: an element's descendants follow it.
        # Only elements with prose and a rule count: they are sorted alone (in the same order).
        counted = [e for e, weight in enumerate(prose) if weight and matches[e]]
        for element in sorted(counted, key=paths.__getitem__):
            path = paths[element]
            for number, _ in matches[element]:
                if not self.rules[number].may_be_content:
                    continue
                outer = covered.get(number)
                if outer is not None and path.startswith(outer + SEPARATOR):
                    continue  # inside an element this rule already counted
                covered[number] = path
                held[number] += prose[element]
        return {
            n: prose / total
            for n, prose in held.items()
            if prose >= COLLECTIVE_PROSE_SHARE * total and total - prose < COLLECTIVE_MAX_OTHER_PROSE
        }

    def decisions(self) -> list[Found]:
        """Every element's rule (or None), by element id: its own when one applies, else its parent's.

        Element ids number parents first (clean/frontends/html/elements.py), so
        each element's parent is decided before it: one pass, one rule look-up
        per element.
        """
        decided: list[Found] = []
        for element_id, (up, matches) in enumerate(zip(self.shape.table.parent, self.matches, strict=True)):
            found = decided[up] if up != element_id else None
            if matches:  # most elements match no rule: no call for them
                decision = self._own(element_id, matches)
                if decision is not None:
                    found = decision
            decided.append(found)
        return decided

    def _own(self, element: int, matches: tuple[tuple[int, str], ...]) -> Found:
        shape = self.shape
        totals = shape.totals
        wrapper = shape.is_wrapper(element)
        for number, matched in matches:
            rule = self.rules[number]
            if wrapper and not rule.never_a_wrapper:
                continue  # a wrapper: the rule does not apply to this element
            if not self.enabled[number] or not rule.fits(totals, element) or number in self.content_rules:
                continue
            if rule.soft and (totals.holds_h1[element] or self._in_content(shape.table.paths[element])):
                continue
            return rule, matched, shape.table.steps[element]
        return None

    def _in_content(self, path: str) -> bool:
        parsed = [parse_step(p) for p in steps(path)]
        return _in_content(parsed, len(parsed) - 1)


def run(doc: Document, options: Options) -> None:
    shape = PageShape(doc)
    decided = RuleFinder(shape, options).decisions()
    for block, element_id in zip(doc.blocks, shape.table.block_element, strict=True):
        if not block.kept or not block.path:
            continue
        found = decided[element_id]
        if found is not None:
            rule, matched, element = found
            doc.remove(block, STAGE_NAME, rule.name, f"{rule.reason}: {matched} on {element}")


STAGE = Stage(
    STAGE_NAME,
    run,
    kinds=("html",),
    summary="page chrome by markup: nav, header, footer, sidebar, share, related, comments, cookie, ads, ...",
)
