"""The DOM walk: visible text in document order, cut into paragraph-level blocks.

One pass over the tree, no re-parse. Paragraph-level elements (p, h1-h6, li,
dt/dd, blockquote, pre, tr, figcaption, ...) start and end a block; so do
layout containers (div, section, ...), which makes text sitting directly in a
div its own block. Inline elements (a, span, em, ...) add their text to the
block being built; text inside <a> counts towards the block's link density.
Whitespace is collapsed like a browser does; <br> is a line break inside a
block; <pre> keeps its own whitespace.

What is never content (scripts, styles, templates, hidden elements, form
controls) is skipped here and never becomes a block: it is not part of the
page's visible text, so it is not part of the input view either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clean.frontends.html.path import SEPARATOR, step
from clean.model import Block, Document

# Elements whose content is never visible text.
NEVER_CONTENT = frozenset({
    "script", "style", "template", "noscript", "svg", "iframe", "head", "title", "meta", "link",
    "object", "embed", "canvas", "video", "audio", "map", "input", "select", "option", "optgroup",
    "button", "textarea", "datalist", "dialog", "math", "img", "picture", "source", "track", "base",
    "frameset", "frame", "param", "-comment", "!doctype", "area", "wbr",
})  # fmt: skip
# Elements that are a block of their own, and the kind of block they make.
PARAGRAPH_KINDS = {
    "p": "paragraph", "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading",
    "h5": "heading", "h6": "heading", "li": "list-item", "dt": "list-item", "dd": "list-item",
    "blockquote": "quote", "pre": "pre", "tr": "table-row", "figcaption": "caption",
    "caption": "caption", "address": "paragraph", "summary": "heading", "legend": "heading",
}  # fmt: skip
# Containers: they break blocks but do not name them; text directly inside is kind "text".
CONTAINERS = frozenset({
    "html", "body", "div", "section", "article", "main", "header", "footer", "nav", "aside",
    "ul", "ol", "dl", "menu", "table", "thead", "tbody", "tfoot", "form", "fieldset", "figure",
    "details", "center", "hgroup", "search", "noframes", "hr", "frameset",
})  # fmt: skip
# Items of these share a group, so they print on adjacent lines.
GROUPING = frozenset({"ul", "ol", "dl", "menu", "table"})
ITEM_TAGS = frozenset({"li", "dt", "dd", "tr"})
CELL_TAGS = frozenset({"td", "th"})
SPACE_RUN = re.compile(r"[ \t\n\r\f\v\u00a0\u200b\u2028\u2029]+")
LINE_SPACES = re.compile(r" *\n[ \n]*")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def is_hidden(attributes: dict[str, str | None]) -> bool:
    if "hidden" in attributes:
        return True
    if (attributes.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = attributes.get("style")
    return bool(style and HIDDEN_STYLE.search(style))


@dataclass(slots=True)
class _Frame:
    """An open element during the walk."""

    tag: str
    path: str
    # The group its items share (lists, tables), else -1.
    group: int = -1
    # Whether it opens and closes a block (paragraph-level elements, containers).
    breaks: bool = False
    is_link: bool = False
    child_tags: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Builder:
    doc: Document
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    next_group: int = 0
    pre_depth: int = 0
    link_depth: int = 0

    def flush(self, frames: list[_Frame]) -> None:
        """Close the block being built; it belongs to the innermost open block element."""
        if not self.parts:
            return
        raw = "".join(self.parts)
        link_chars = self.link_chars
        self.parts, self.link_chars = [], 0
        if self.pre_depth:
            text = raw.strip("\n").rstrip()
        else:
            text = LINE_SPACES.sub("\n", raw).strip()
        if not text:
            return
        owner = next(f for f in reversed(frames) if f.breaks)
        kind = PARAGRAPH_KINDS.get(owner.tag, "text")
        group = self._group(frames, owner)
        chars = len(text)
        self.doc.blocks.append(
            Block(
                index=len(self.doc.blocks),
                text=text,
                kind=kind,
                group=group,
                tag=owner.tag,
                path=owner.path,
                features={
                    "chars": float(chars),
                    "link_chars": float(min(link_chars, chars)),
                    "link_density": min(1.0, link_chars / chars),
                    "depth": float(owner.path.count(SEPARATOR) + 1),
                },
            )
        )

    def _group(self, frames: list[_Frame], owner: _Frame) -> int:
        # Items of one list / rows of one table share the list's group.
        item = next((f for f in reversed(frames) if f.tag in ITEM_TAGS), None)
        if item is not None:
            for frame in reversed(frames[: frames.index(item)]):
                if frame.group >= 0:
                    return frame.group
        self.next_group += 1  # one counter for lists and blocks: never equal to a list's group
        return self.next_group


def segment(root, doc: Document) -> None:  # root: a selectolax LexborNode (the <html> element)
    builder = _Builder(doc)
    frames: list[_Frame] = [_Frame("#root", "", breaks=True)]
    # The walk is iterative (deep pages exceed Python's recursion limit): each
    # entry is a node to enter, or None meaning "leave the innermost element".
    stack: list = [root]
    while stack:
        node = stack.pop()
        if node is None:
            frame = frames[-1]
            if frame.breaks:
                builder.flush(frames)  # the block being built still belongs to it
            frames.pop()
            if frame.tag == "pre":
                builder.pre_depth -= 1
            if frame.is_link:
                builder.link_depth -= 1
            continue
        tag = node.tag
        if tag == "-text":
            text = node.text_content
            if text:
                if not builder.pre_depth:
                    text = SPACE_RUN.sub(" ", text)
                    if text == " " and (not builder.parts or builder.parts[-1].endswith((" ", "\n"))):
                        continue
                builder.parts.append(text)
                if builder.link_depth:
                    builder.link_chars += len(text.strip())
            continue
        if tag in NEVER_CONTENT or tag is None:
            continue
        if tag == "br":
            builder.parts.append("\n")
            continue
        attributes = node.attributes
        if is_hidden(attributes):
            continue
        parent = frames[-1]
        nth = parent.child_tags.get(tag, 0) + 1
        parent.child_tags[tag] = nth
        breaks = tag in PARAGRAPH_KINDS or tag in CONTAINERS or "-" in tag
        if breaks:
            builder.flush(frames)
        path = step(tag, attributes, nth)
        frame = _Frame(tag, f"{parent.path}{SEPARATOR}{path}" if parent.path else path, breaks=breaks)
        if tag in GROUPING:
            builder.next_group += 1
            frame.group = builder.next_group
        if tag == "a":
            frame.is_link = True
            builder.link_depth += 1
        if tag == "pre":
            builder.pre_depth += 1
        if tag in CELL_TAGS and builder.parts:
            builder.parts.append(" ")
        frames.append(frame)
        stack.append(None)
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend(reversed(children))
    builder.flush(frames)
