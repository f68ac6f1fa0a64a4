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

from clean.frontends.html.path import MAX_NAME_CHARS, SEPARATOR, step
from clean.frontends.mojibake import repaired_block_text
from clean.model import Block, Document

# Elements whose content is never visible text.
NEVER_CONTENT = frozenset({
    "script", "style", "template", "svg", "iframe", "head", "title", "meta", "link",
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
BREAKING = frozenset(PARAGRAPH_KINDS) | CONTAINERS
# Items of these share a group, so they print on adjacent lines.
GROUPING = frozenset({"ul", "ol", "dl", "menu", "table"})
ITEM_TAGS = frozenset({"li", "dt", "dd", "tr"})
CELL_TAGS = frozenset({"td", "th"})
_NAME_WORDS = re.compile(r"[^a-z0-9]+")
SPACE_RUN = re.compile(r"[ \t\n\r\f\v\u00a0\u200b\u2028\u2029]+")
LINE_SPACES = re.compile(r" *\n[ \n]*")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


# A <noscript> is usually an "enable JavaScript" notice, never content; but
# JavaScript apps (forum software such as Discourse) put the whole page there
# for crawlers. Its text counts when it is that long.
NOSCRIPT_MIN_WORDS = 80


def _is_fallback_page(node) -> bool:
    return len(node.text(deep=True, separator=" ").split()) >= NOSCRIPT_MIN_WORDS


# Utility classes that hide an element on every screen (Tailwind, Bootstrap,
# WordPress, ...) or show it to screen readers only. A responsive class beside
# them ("hidden md:block", "d-none d-lg-flex") means it shows on some screens.
# Not "hide" / "invisible": scripts put those on whole pages until they load.
HIDDEN_CLASSES = frozenset({
    "hidden", "d-none", "u-hidden", "sr-only", "visually-hidden",
    "visuallyhidden", "screen-reader-text", "screen-reader-only", "element-invisible", "a11y-hidden",
})  # fmt: skip
SHOWN_SOMEWHERE = re.compile(r"[:@]|^d-(?:sm|md|lg|xl|xxl)-|^(?:visible|show)-")


# A hidden element is deferred content when it holds this share of the page's
# text (and at least this many characters).
DEFERRED_MIN_SHARE = 0.25
DEFERRED_MIN_CHARS = 500


def _hidden_by_class(classes: str) -> bool:
    names = classes.split()
    return not HIDDEN_CLASSES.isdisjoint(names) and not any(SHOWN_SOMEWHERE.search(n) for n in names)


def is_hidden(attributes: dict[str, str | None]) -> bool:
    if "hidden" in attributes:
        return True
    aria_hidden = attributes.get("aria-hidden")
    if aria_hidden and aria_hidden.strip().lower() == "true":
        return True
    classes = attributes.get("class")
    # Every name in HIDDEN_CLASSES contains one of these five: a class list without
    # any of them hides nothing, which substring tests tell without splitting it
    # (most elements have a class list; hardly any hides). Tested here, not in
    # _hidden_by_class: the call alone cost more than the tests (~650 a page).
    if classes and (
        "hidden" in classes
        or "d-none" in classes
        or "sr-only" in classes
        or "screen-reader" in classes
        or "invisible" in classes
    ):
        if _hidden_by_class(classes):
            return True
    style = attributes.get("style")
    return style is not None and HIDDEN_STYLE.search(style) is not None


OVERLAY_ROLES = frozenset({"dialog", "alertdialog"})
OVERLAY_WORDS = frozenset({"modal", "popup", "dialog", "lightbox", "overlay", "drawer", "offcanvas"})


def is_overlay(attributes: dict[str, str | None]) -> bool:
    """A dialog, modal or drawer: hidden by design until asked for, never deferred content."""
    if (attributes.get("role") or "").strip().lower() in OVERLAY_ROLES:
        return True
    if (attributes.get("aria-modal") or "").strip().lower() == "true":
        return True
    names = f"{attributes.get('id') or ''} {attributes.get('class') or ''}".lower()
    return any(w in OVERLAY_WORDS for w in _NAME_WORDS.split(names))


# Tabs and accordions hide every panel but the open one until a reader clicks
# its tab or heading; the panel names that control (aria-labelledby), is a
# tab panel, or is named as an accordion's or a FAQ's panel. The page's text is
# all of them, and the gold has them: on tune pages, 73% of the words of hidden
# tab panels and 72-78% of those of hidden labelled panels are gold, against
# 3-4% of other hidden elements'; hidden FAQ answers and accordion items 30-40%
# (benchmarks/README.md, the front end's recall ceiling).
PANEL_ROLES = frozenset({"tabpanel", "region"})  # or no role at all
PANEL_CLASS_WORDS = frozenset({"accordion", "faq", "answer"})


def is_closed_panel(attributes: dict[str, str | None]) -> bool:
    """A tab panel or an accordion's panel, hidden until its tab or heading is clicked."""
    role = (attributes.get("role") or "").strip().lower()
    if role == "tabpanel":
        return True
    classes = attributes.get("class")
    if classes and not PANEL_CLASS_WORDS.isdisjoint(_NAME_WORDS.split(classes.lower())):
        return True
    # Not a labelled menu or listbox: those are the site's own controls.
    return (role in PANEL_ROLES or not role) and bool(attributes.get("aria-labelledby"))


class _DeferredContent:
    """Hidden elements that hold much of the page's text are shown anyway.

    Pages hide their main content until a script has run (an age gate, a
    loader, "display: none" lifted on load); readers see it, and so must we.
    """

    def __init__(self, root) -> None:
        self.root = root
        self._page_chars: int | None = None

    def shown(self, node) -> bool:
        # text() counts scripts too: an upper bound that rules out most hidden
        # elements (menus, tooltips) before the exact count.
        bound = len(node.text(deep=True))
        if bound < DEFERRED_MIN_CHARS:
            return False
        if self._page_chars is None:
            self._page_chars = _visible_chars(self.root)
        if bound < DEFERRED_MIN_SHARE * self._page_chars:
            return False
        chars = _visible_chars(node)
        return chars >= DEFERRED_MIN_SHARE * self._page_chars and chars >= DEFERRED_MIN_CHARS


def _visible_chars(node) -> int:
    """Characters of text under `node`, not counting scripts and styles (which text() includes)."""
    chars = len(node.text(deep=True, separator=" ", strip=True))
    for code in node.css("script, style, template"):
        chars -= len(code.text(deep=True, separator=" ", strip=True))
    return chars


# Inline elements that follow one another with no text between them
# ("<a>Home</a><a>News</a>", "<span>Merrell</span><span>Moab</span>") are
# mostly separate items that pages lay out apart with CSS (flex, margins,
# display: block); the gold text has a space there. But editors (Word, Google
# Sites) and drop caps also cut one word into runs ("<span>child</span><span>
# ren</span>", "<b>L</b><b>unch</b>"): the second element's text decides, a
# space only before a capital or a digit (uncased scripts, CJK, get none).
# Text against an element ("<span>T</span>he", "19.<sup>95</sup>", React's
# "<!-- -->") stays joined, and so does a <wbr> (a break inside a word).
_JOINING = frozenset({"-text", "-comment", "wbr"})


def _follows_element(node) -> bool:
    before = node.prev
    return before is not None and before.tag not in _JOINING


# An open block-breaking element during the walk (inline elements get none), as
# a tuple (the walk opens one per element; a tuple is the cheapest to build):
# its tag, its path, the group of the innermost list/table it is in, the group
# its blocks join when it sits in a list item or a table row (else -1), and how
# many children of each tag it has had so far (for the :N index).
_Frame = tuple[str, str, int, int, dict[str, int]]


# What leaving an element does, kept on the walk's stack: close a block-breaking
# element's block, end a link, close a <pre> (its block, then its whitespace).
_LEAVE_BLOCK, _LEAVE_LINK, _LEAVE_PRE = 1, 2, 3

# What the walk does on entering an element, by tag: one dict lookup instead of
# a chain of set tests per element (the walk is the front end's hot loop).
_SKIP, _NOSCRIPT, _BR, _BREAK, _PRE, _LINK, _CELL = range(7)
_ACTIONS: dict[str, int] = {
    **{tag: _BREAK for tag in BREAKING},
    **{tag: _CELL for tag in CELL_TAGS},
    "a": _LINK,
    "br": _BR,
    "noscript": _NOSCRIPT,
    "pre": _PRE,  # <pre> also breaks blocks
    **{tag: _SKIP for tag in NEVER_CONTENT},
}


def segment(root, doc: Document) -> None:  # root: a selectolax LexborNode (the <html> element)
    """Append the blocks of the tree under `root` to `doc`, in document order."""
    blocks = doc.blocks
    parts: list[str] = []
    add = parts.append
    link_chars = links = next_group = 0
    frames: list[_Frame] = [("#root", "", -1, -1, {})]
    link_depth = pre_depth = 0
    apart = False  # an inline element followed another: its text may start a new word
    deferred = _DeferredContent(root)
    actions = _ACTIONS.get

    def flush() -> None:
        nonlocal link_chars, links, next_group
        raw = "".join(parts)
        parts.clear()
        block_link_chars, block_links = link_chars, links
        link_chars = links = 0
        if pre_depth:
            text = raw.strip("\n").rstrip()
        elif "\n" in raw:
            text = LINE_SPACES.sub("\n", raw).strip()
        else:
            text = raw.strip()
        if not text:
            return
        if not text.isascii():
            text = repaired_block_text(doc, len(blocks), text)
        owner_tag, path, _, item_group, _ = frames[-1]
        if item_group >= 0:
            group = item_group
        else:
            next_group += 1  # one counter for lists and blocks: never equal to a list's group
            group = next_group
        chars = len(text)
        block_link_chars = min(block_link_chars, chars)
        # Positional arguments, in Block's field order: binding the keywords cost more
        # than the rest of the call (0.65 against 0.39 us a block, ~245 blocks a page).
        blocks.append(
            Block(
                len(blocks),  # index
                text,
                PARAGRAPH_KINDS.get(owner_tag, "text"),  # kind
                group,
                owner_tag,  # tag
                path,
                None,  # lines
                {
                    "chars": float(chars),
                    "link_chars": float(block_link_chars),
                    "link_density": block_link_chars / chars,
                    "links": float(block_links),
                    # The path's step count (its separators + 1) without the count:
                    # every open frame but the root's adds one step (no step holds
                    # the separator: path.safe and _class_step replace its ">").
                    "depth": float(len(frames) - 1 or 1),
                },
            )
        )

    # The walk is iterative (deep pages exceed Python's recursion limit). It goes
    # along a list of siblings by `next`; entering an element's children, it
    # stacks the element's sibling and what leaving the element does, and takes
    # them back at the end of the children. No list of children is built, and a
    # node (most are text, half of them indentation) costs no stack operation.
    stack: list = []
    pop, push = stack.pop, stack.append
    node = root
    while True:
        if node is None:  # the end of a list of siblings: leave their parent
            if not stack:
                break
            leave = pop()
            node = pop()
            if leave == _LEAVE_BLOCK:
                if parts:
                    flush()
                frames.pop()
            elif leave == _LEAVE_LINK:
                link_depth -= 1
            elif leave == _LEAVE_PRE:
                if parts:
                    flush()  # as <pre>: before pre_depth drops
                frames.pop()
                pre_depth -= 1
            continue
        # Most nodes are text: their content first (None for an element, a comment, ...).
        text = node.text_content
        if text is not None:
            if text:
                if not pre_depth:
                    if text.isspace():  # most text nodes: the indentation between tags
                        if parts and parts[-1][-1:] not in (" ", "\n"):
                            add(" ")
                        node = node.next
                        continue
                    # Printable text has no whitespace but the plain space (SPACE_RUN's
                    # other characters are not printable): without a double space,
                    # there is nothing to collapse, and most text nodes are like that.
                    if "  " in text or not text.isprintable():
                        text = SPACE_RUN.sub(" ", text)
                    if text == " " and (not parts or parts[-1][-1:] in (" ", "\n")):
                        node = node.next
                        continue
                if apart:
                    apart = False
                    first = text[0]
                    if (first.isupper() or first.isdigit()) and parts and parts[-1][-1:] not in (" ", "\n"):
                        add(" ")
                add(text)
                if link_depth:
                    link_chars += len(text.strip())
            node = node.next
            continue
        tag = node.tag
        action = actions(tag) if tag is not None else _SKIP
        if action == _SKIP or (action == _NOSCRIPT and not _is_fallback_page(node)):
            node = node.next
            continue
        if action == _BR:
            add("\n")
            node = node.next
            continue
        attributes = node.attributes
        if (
            attributes
            and is_hidden(attributes)
            and (is_overlay(attributes) or not (is_closed_panel(attributes) or deferred.shown(node)))
        ):
            node = node.next
            continue
        leave = 0
        if action == _BREAK or action == _PRE or (action is None and "-" in tag):
            if parts:
                flush()
            if action == _PRE:
                pre_depth += 1
                leave = _LEAVE_PRE
            else:
                leave = _LEAVE_BLOCK
            _, parent_path, parent_list_group, parent_item_group, child_tags = frames[-1]
            nth = child_tags.get(tag, 0) + 1
            child_tags[tag] = nth
            own = step(tag, attributes, nth) if attributes or nth > 1 or len(tag) > MAX_NAME_CHARS else tag
            list_group = parent_list_group
            if tag in GROUPING:
                next_group += 1
                list_group = next_group
            item_group = parent_list_group if tag in ITEM_TAGS else parent_item_group
            path = f"{parent_path}{SEPARATOR}{own}" if parent_path else own
            frames.append((tag, path, list_group, item_group, {}))
        else:
            if parts and not pre_depth and parts[-1][-1:] not in (" ", "\n") and _follows_element(node):
                apart = True  # the next text decides (see _follows_element)
            if action == _LINK:
                link_depth += 1
                links += 1
                leave = _LEAVE_LINK
            elif action == _CELL and parts:
                add(" ")
        # The root's own siblings (comments after </html>) are not its content.
        push(None if node is root else node.next)
        push(leave)
        node = node.first_child  # (`child` is an alias that looks this up again)
    if parts:
        flush()
