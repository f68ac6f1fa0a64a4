"""Page metadata from the DOM: title, date, author, description, site, language, canonical URL.

Cheap on purpose: one pass over <meta> and <link> tags, the JSON-LD blocks,
and a couple of selectors. Meta tags written for sharing (Open Graph,
article:*) are preferred because sites fill them carefully; JSON-LD next;
visible markup (<title>, <time>, the first h1) last.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

# Which meta names fill which field, best first.
META_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "dc.title"),
    "date": ("article:published_time", "og:published_time", "datepublished", "date",
             "dc.date", "dc.date.issued", "pubdate", "publishdate", "sailthru.date", "parsely-pub-date"),
    "author": ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"),
    "description": ("og:description", "description", "twitter:description", "dc.description"),
    "site_name": ("og:site_name", "application-name", "twitter:site"),
}  # fmt: skip
JSONLD_FIELDS = {"title": "headline", "date": "datePublished", "description": "description"}
MAX_FIELD_CHARS = 500


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())[:MAX_FIELD_CHARS]


def _meta_values(metas: list) -> dict[str, str]:
    values: dict[str, str] = {}
    for node in metas:
        attributes = node.attributes
        key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
        content = _clean(attributes.get("content"))
        if key and content:
            values.setdefault(key.strip().lower(), content)
    return values


def _jsonld_objects(scripts: list) -> Iterator[dict]:
    for node in scripts:
        try:
            data = json.loads(node.text(deep=True, strip=False) or "null")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))


def _jsonld_author(value, depth: int = 0) -> str:
    if isinstance(value, list):
        if depth > 3:  # authors are a list of names; deeper nesting is junk (and would recurse away)
            return ""
        names = [_jsonld_author(v, depth + 1) for v in value]
        return ", ".join(n for n in names if n)
    if isinstance(value, dict):
        return _clean(str(value.get("name") or ""))
    return _clean(value) if isinstance(value, str) else ""


def jsonld_fields(scripts: list) -> dict[str, str]:
    """Fields from the JSON-LD objects in these <script type="application/ld+json"> elements."""
    found: dict[str, str] = {}
    for item in _jsonld_objects(scripts):
        if "articleBody" in item or "headline" in item or "datePublished" in item:
            for field, key in JSONLD_FIELDS.items():
                value = item.get(key)
                if isinstance(value, str) and value.strip():
                    found.setdefault(field, _clean(value))
            author = _jsonld_author(item.get("author"))
            if author:
                found.setdefault("author", author)
    return found


# The elements page_metadata reads outside <head>'s title, found in one pass over the tree.
_METADATA_ELEMENTS = 'meta, script[type="application/ld+json"], time[datetime]'


def page_metadata(tree) -> dict[str, str]:  # tree: LexborHTMLParser, before any pruning
    metas: list = []
    scripts: list = []
    first_time = None
    for node in tree.css(_METADATA_ELEMENTS):  # in document order
        tag = node.tag
        if tag == "meta":
            metas.append(node)
        elif tag == "script":
            scripts.append(node)
        elif first_time is None:
            first_time = node
    meta = _meta_values(metas)
    jsonld = jsonld_fields(scripts)
    found: dict[str, str] = {}
    for field, names in META_FIELDS.items():
        value = next((meta[n] for n in names if n in meta), "") or jsonld.get(field, "")
        if value:
            found[field] = value
    if "title" not in found and (title := tree.css_first("title")) is not None:
        if text := _clean(title.text()):
            found["title"] = text
    if "date" not in found and first_time is not None:
        if value := _clean(first_time.attributes.get("datetime")):
            found["date"] = value
    if re.match(r"\d{4}-\d{2}-\d{2}", found.get("date", "")):
        found["date"] = found["date"][:10]  # the day, as the text front end records it
    if (canonical := tree.css_first('link[rel="canonical"]')) is not None:
        if href := _clean(canonical.attributes.get("href")):
            found["url"] = href
    if (html := tree.css_first("html")) is not None:
        if lang := _clean(html.attributes.get("lang")):
            found["language"] = lang
    return found
