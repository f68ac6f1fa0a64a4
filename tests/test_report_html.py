"""The HTML report, read back with a real HTML parser: every removal in place, labelled, self-contained.

Browser behaviour (filters, screenshot) is in test_report_html_browser.py.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

import clean
from clean.report.html import render_batch, render_document, write_batch

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = sorted((FIXTURES / "seeds" / "input").glob("*.txt"))
PAGES = sorted((FIXTURES / "html").glob("*.html"))
VOID = {"meta", "br", "input", "img", "link", "hr", "wbr", "source", "area", "base", "col", "embed"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class TreeBuilder(HTMLParser):
    """A small strict tree builder: an unclosed or misnested tag fails the test."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page: str) -> Element:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    assert builder.current is builder.root, f"<{builder.current.tag}> left open"
    return builder.root


def find_all(root: Element, tag: str | None = None, cls: str | None = None) -> list[Element]:
    return [e for e in root.iter() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes())]


def view_of(root: Element) -> Element:
    (view,) = find_all(root, "main", "view")
    return view


def results() -> list[tuple[str, clean.Result]]:
    found = [(p.name, clean.clean_text(p.read_text(encoding="utf-8"))) for p in SEEDS]
    found += [(p.name, clean.clean_html(p.read_bytes())) for p in PAGES]
    return found


@pytest.fixture(scope="module")
def cleaned() -> list[tuple[str, clean.Result]]:
    return results()


def test_there_are_inputs_with_removals(cleaned):
    assert len(cleaned) >= 5 and sum(1 for _, r in cleaned if r.removed) >= 4


def test_every_removal_is_shown_in_place_with_its_rule_and_reason(cleaned):
    for name, result in cleaned:
        view = view_of(parse(render_document(result)))
        pieces = find_all(view, "del", "rm")
        shown = [(p.attrs["data-rule"], p.text()) for p in pieces]
        assert shown == [(r.rule, r.text) for r in result.removed], name
        for piece, removal in zip(pieces, result.removed, strict=True):
            assert removal.rule in piece.attrs["title"] and removal.reason in piece.attrs["title"]
            assert piece.attrs["data-stage"] == removal.stage


def test_the_view_holds_every_block_of_the_input_text_in_order(cleaned):
    for name, result in cleaned:
        view = view_of(parse(render_document(result)))
        rows = find_all(view, "div", "block")
        laid = [b for b in result.document.blocks if b.text]
        assert [int(r.attrs["data-block"]) for r in rows] == [b.index for b in laid], name
        for row, block in zip(rows, laid, strict=True):
            (text,) = [c for c in row.children if isinstance(c, Element) and "text" in c.classes()]
            assert text.text() == block.text
            assert ("removed" in row.classes()) == (not block.kept)


def test_the_reason_is_also_written_beside_each_removed_piece(cleaned):
    for name, result in cleaned:
        view = view_of(parse(render_document(result)))
        notes = [n for n in find_all(view, "span", "note") if "data-rule" in n.attrs]
        assert [(n.attrs["data-rule"], n.text()) for n in notes] == [
            (r.rule, f"{r.rule} {r.reason}") for r in result.removed
        ], name


def test_the_legend_counts_each_rule_and_offers_a_filter_for_it(cleaned):
    for name, result in cleaned:
        root = parse(render_document(result))
        boxes = [e for e in find_all(root, "input") if "data-filter" in e.attrs]
        expected = Counter(r.rule for r in result.removed)
        assert sorted(b.attrs["data-filter"] for b in boxes) == sorted(expected), name
        for box in boxes:
            label = box.parent
            (count,) = find_all(label, "span", "count")
            assert int(count.text()) == expected[box.attrs["data-filter"]]


def test_each_rule_has_its_own_colour_class(cleaned):
    for name, result in cleaned:
        page = render_document(result)
        view = view_of(parse(page))
        colour_of: dict[str, set[str]] = {}
        for piece in find_all(view, "del", "rm"):
            colour_of.setdefault(piece.attrs["data-rule"], set()).update(
                c for c in piece.classes() if re.fullmatch(r"c\d+", c)
            )
        assert all(len(c) == 1 for c in colour_of.values()), name
        classes = [next(iter(c)) for c in colour_of.values()]
        assert len(set(classes)) == len(classes), f"{name}: two rules share a colour"
        for cls in classes:
            assert re.search(rf"\.{cls}\{{--c:hsl\(", page), f"{name}: no colour defined for {cls}"


def test_metadata_and_clean_text_are_on_the_page():
    page_path = FIXTURES / "html" / "news_article.html"
    result = clean.clean_html(page_path.read_bytes(), url="https://courier.example/news/tidal-mill")
    root = parse(render_document(result))
    (meta,) = find_all(root, "dl", "meta")
    terms = [e.text() for e in find_all(meta, "dt")]
    values = [e.text() for e in find_all(meta, "dd")]
    shown = dict(zip(terms, values, strict=True))
    assert shown["source url"] == "https://courier.example/news/tidal-mill"
    for key, value in result.metadata.items():
        if value:
            assert shown[key] == str(value)
    (output,) = find_all(root, "details", "output")
    assert find_all(output, "pre")[0].text() == result.text


def test_options_that_differ_from_the_defaults_are_listed():
    seed = SEEDS[1].read_text(encoding="utf-8")
    root = parse(render_document(clean.clean_text(seed, disable=["headline-list"], headline_min_run=5)))
    shown = dict(zip(*[[e.text() for e in find_all(root, t)] for t in ("dt", "dd")], strict=True))
    assert "headline_min_run=5" in shown["options"] and "headline-list" in shown["options"]
    default = parse(render_document(clean.clean_text(seed)))
    assert "options" not in [e.text() for e in find_all(default, "dt")]


def test_the_page_is_self_contained(cleaned):
    for name, result in cleaned:
        page = render_document(result)
        root = parse(page)
        assert not find_all(root, "link"), name
        assert all("src" not in e.attrs for e in root.iter()), name
        assert len(find_all(root, "style")) == 1 and len(find_all(root, "script")) == 1
        assert "@import" not in page and "url(" not in page
        # The only outward links are the document's own URLs in the metadata.
        hrefs = [e.attrs["href"] for e in find_all(root, "a") if "href" in e.attrs]
        own = {result.document.url, result.metadata.get("url")}
        assert all(h in own for h in hrefs if "://" in h), name


def test_text_from_the_page_is_escaped():
    hostile = (
        "A long enough opening paragraph about <script>alert('x')</script> and the "
        'harbour "mill" & its wheel, which the town council finally voted to restore.\n\n'
        "Also read: <img src=x onerror=alert(1)> the next story\n\n"
        "The second paragraph of the story goes on about the mill and the harbour and the town."
    )
    result = clean.clean_text(hostile)
    assert any("<img" in r.text for r in result.removed), "the cue rule should remove the 'Also read' line"
    page = render_document(result, title="<b>title</b>")
    root = parse(page)
    assert len(find_all(root, "script")) == 1 and not find_all(root, "img")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    (heading,) = find_all(root, "h1")
    assert heading.text() == "<b>title</b>" and not find_all(heading, "b")


def test_a_document_without_removals_says_so():
    result = clean.clean_text("One plain paragraph that stays, because nothing in it is boilerplate at all.")
    root = parse(render_document(result))
    assert not find_all(root, "del") and not find_all(root, "input")
    assert "Nothing was removed." in root.text()


def test_batch_index_links_every_document_and_counts_the_rules(cleaned):
    entries = [(name, result, f"fixtures/{name}") for name, result in cleaned]
    pages = render_batch(entries, errors=[("missing.html", "InputError: cannot read")])
    index = parse(pages["index.html"])
    (table,) = find_all(index, "table", "docs")
    links = [a.attrs["href"] for a in find_all(table, "a")]
    assert len(links) == len(entries) and set(links) == set(pages) - {"index.html"}
    for (_, result, label), link in zip(entries, links, strict=True):
        doc = parse(pages[link])
        assert find_all(doc, "h1")[0].text() == label
        assert len(find_all(view_of(doc), "del", "rm")) == len(result.removed)
        assert any(a.attrs.get("href") == "../index.html" for a in find_all(doc, "a"))
    rows = find_all(table, "tr")[1:]
    for row, (_, result, _) in zip(rows, entries, strict=True):
        cells = [c for c in row.children if isinstance(c, Element)]
        assert int(cells[2].attrs["data-value"]) == len(result.input_text())
        assert int(cells[3].attrs["data-value"]) == len(result.text)
        assert int(cells[5].text()) == len(result.removed)
    bars = [g for g in find_all(index, "g", "bar")]
    expected = Counter(r.rule for _, result, _ in entries for r in result.removed)
    assert {g.attrs["data-rule"]: int(g.attrs["data-count"]) for g in bars} == dict(expected)
    (errors,) = [e for e in find_all(index, "ul") if e.attrs.get("id") == "errors"]
    assert "missing.html" in errors.text() and "cannot read" in errors.text()


def test_batch_pages_share_one_colour_per_rule(cleaned):
    pages = render_batch([(name, result, name) for name, result in cleaned])
    colour: dict[str, str] = {}
    for page in pages.values():
        for piece in find_all(parse(page), "del", "rm"):
            (cls,) = [c for c in piece.classes() if re.fullmatch(r"c\d+", c)]
            assert colour.setdefault(piece.attrs["data-rule"], cls) == cls


def test_batch_file_names_are_unique_and_safe(tmp_path):
    result = clean.clean_text(SEEDS[0].read_text(encoding="utf-8"))
    names = ["a/b.html", "a b.html", "../../etc/passwd", "", "a/b.html"]
    index = write_batch(tmp_path / "report", [(n, result, n) for n in names])
    written = sorted(
        p.relative_to(tmp_path / "report").as_posix() for p in (tmp_path / "report").rglob("*.html")
    )
    assert index == tmp_path / "report" / "index.html"
    assert len(written) == len(names) + 1
    assert all(p == "index.html" or re.fullmatch(r"docs/\d{4}-[A-Za-z0-9._-]+\.html", p) for p in written)


def test_a_repaired_block_shows_the_text_the_input_had():
    result = clean.clean_text("Power cuts\n\nBecause we\x92re so used to electricity, an hour feels long.")
    (repair,) = result.repaired
    blocks = [b for b in find_all(view_of(parse(render_document(result))), "div", "block")]
    (noted,) = [b for b in blocks if find_all(b, "span", "repair-note")]
    assert noted.attrs["data-block"] == str(repair.block)
    (text,) = find_all(noted, "div", "text")
    assert text.text() == repair.after  # the stages read the repaired text
    assert repair.before in find_all(noted, "span", "repair-note")[0].text()
