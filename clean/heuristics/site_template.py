"""Site templates: blocks that recur across many pages of one host.

Headers, footers, menus, newsletter boxes and "trending" lists are stamped on
every page of a site; one page alone cannot tell them from content, a batch of
the site's pages can. The batch runner learns, per host, which block texts
appear on many of its pages (clean/batch/templates.py) and hands the result to
this stage through `Options.site_templates`. Without it (the single-document
API) the stage does nothing.

A block is template when its fingerprint appeared on at least
`site_template_min_pages` pages of the host AND on at least
`site_template_min_share` of them. Both are needed: the count alone would
remove a passage that a few pages of a big site quote; the share alone would
remove a sentence that two pages of a three-page host have in common.

Fingerprints ignore case, digits and whitespace, so "© 2023 Example" and
"© 2024  Example", or "12 comments" and "3 comments", are one block.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from hashlib import blake2b
from urllib.parse import urlsplit

from clean.heuristics.article import is_prose
from clean.model import Document
from clean.options import Options
from clean.stage import Stage

STAGE_NAME = "site-template"
RULE = "site-template"

# A block repeated this many times on one page is a list item, not site chrome.
ITEM_REPEATS = 3
# A heading that is mostly link text is a menu entry, not a section label.
LABEL_MAX_LINK_DENSITY = 0.5
DIGITS = re.compile(r"\d+")
SPACE = re.compile(r"\s+")


def normalise_block(text: str) -> str:
    return SPACE.sub(" ", DIGITS.sub("0", text.casefold())).strip()


def fingerprint(text: str) -> int:
    """A 64-bit hash of the block's normalised text."""
    digest = blake2b(normalise_block(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def has_letters(text: str) -> bool:
    """Blocks without a letter ("$39.99", "2024-05-01", "1 2 3") are never template:
    digit normalisation would make every price or date on a site one block."""
    return any(ch.isalpha() for ch in text)


def page_fingerprints(doc: Document) -> set[int]:
    """The distinct block fingerprints of one page that can be template.

    A block the page itself repeats ITEM_REPEATS times or more (after digit
    normalisation: "12 reviews, average 4.5 stars") is an item of a list on
    the page. Its wording is the site's, but each copy carries the page's own
    content (a product's rating, a price), so it is not counted.
    """
    counts = Counter(fingerprint(block.text) for block in doc.blocks if has_letters(block.text))
    return {fp for fp, n in counts.items() if n < ITEM_REPEATS}


def host_of(url: str | None) -> str | None:
    """The host a page belongs to for template purposes ("www." is the same site)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class HostTemplate:
    """The template of one host: fingerprint -> number of pages it appeared on."""

    pages: int
    blocks: Mapping[int, int]

    def __hash__(self) -> int:  # blocks is a mapping; the pair identifies the template well enough
        return hash((self.pages, len(self.blocks)))


class SiteTemplates:
    """Learned templates of every host in a batch. Immutable once built."""

    __slots__ = ("_hosts",)

    def __init__(self, hosts: Mapping[str, HostTemplate]):
        self._hosts = dict(hosts)

    def for_url(self, url: str | None) -> tuple[str, HostTemplate] | None:
        host = host_of(url)
        if host is None or host not in self._hosts:
            return None
        return host, self._hosts[host]

    @property
    def hosts(self) -> Mapping[str, HostTemplate]:
        return self._hosts

    def describe(self) -> dict[str, int]:
        """Hosts and how many template blocks each has (what Options.to_dict shows)."""
        return {host: len(t.blocks) for host, t in sorted(self._hosts.items())}

    def to_json(self) -> dict:
        return {
            host: {"pages": t.pages, "blocks": {f"{fp:016x}": n for fp, n in sorted(t.blocks.items())}}
            for host, t in sorted(self._hosts.items())
        }

    @classmethod
    def from_json(cls, data: Mapping[str, dict]) -> SiteTemplates:
        return cls(
            {
                host: HostTemplate(int(t["pages"]), {int(fp, 16): int(n) for fp, n in t["blocks"].items()})
                for host, t in data.items()
            }
        )

    def __len__(self) -> int:
        return len(self._hosts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SiteTemplates) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(tuple(sorted((h, t.pages, len(t.blocks)) for h, t in self._hosts.items())))

    def __deepcopy__(self, memo: dict) -> SiteTemplates:
        return self  # immutable: Options.to_dict's asdict() need not copy the tables

    def __reduce__(self):
        return (SiteTemplates, (self._hosts,))


def is_template(count: int, pages: int, options: Options) -> bool:
    """The two thresholds, in one place for the learner and the tests."""
    return count >= options.site_template_min_pages and count >= options.site_template_min_share * pages


def templates_from_counts(
    counts: Iterable[tuple[str, int, Mapping[int, int]]], options: Options
) -> SiteTemplates:
    """Keep, per host, the fingerprints that pass both thresholds."""
    hosts: dict[str, HostTemplate] = {}
    for host, pages, blocks in counts:
        kept = {fp: n for fp, n in blocks.items() if is_template(n, pages, options)}
        if kept:
            hosts[host] = HostTemplate(pages, kept)
    return SiteTemplates(hosts)


def _section_labels(doc: Document, matched: set[int]) -> set[int]:
    """Template headings and "Label:" lines followed by text of this page's own.

    A site repeats its section headings ("Features:", "System Requirements",
    "See also") on every page, but what follows them is the page's content;
    a heading that introduces template text ("Follow us") is followed by
    more template blocks.
    """
    labels: set[int] = set()
    kept = [b for b in doc.blocks if b.kept]
    for block, following in zip(kept, kept[1:], strict=False):
        if block.index not in matched or following.index in matched:
            continue
        is_label = block.kind == "heading" or block.text.rstrip().endswith(":")
        if is_label and block.features.get("link_density", 0.0) < LABEL_MAX_LINK_DENSITY:
            labels.add(block.index)
    return labels


def run(doc: Document, options: Options) -> None:
    if options.site_templates is None:
        return
    found = options.site_templates.for_url(doc.url)
    if found is None:
        return
    host, template = found
    matches = [
        (block, pages)
        for block in doc.blocks
        if block.kept
        and has_letters(block.text)
        and (pages := template.blocks.get(fingerprint(block.text))) is not None
    ]
    matched = {block.index for block, _ in matches}
    prose = [b for b in doc.blocks if b.kept and is_prose(b)]
    # When the template covers all of a page's prose, the page is a copy of
    # other pages (a duplicate URL, a print view), not a page in a template:
    # its prose stays and only the short template blocks go.
    keep_prose = bool(prose) and all(b.index in matched for b in prose)
    labels = _section_labels(doc, matched)
    for block, pages in matches:
        if keep_prose and is_prose(block):
            continue
        if block.index in labels:
            doc.notes[block.index] = (
                f"recurs on {pages} of the {template.pages} pages of {host}, but heads this page's own text"
            )
            continue
        reason = f"the same block appeared on {pages} of the {template.pages} pages of {host} in this batch"
        doc.remove(block, STAGE_NAME, RULE, reason)


STAGE = Stage(STAGE_NAME, run, summary="blocks that recur on many pages of the same host (batch mode)")
