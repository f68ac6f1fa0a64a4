"""check_markup reads the page's tags from its UTF-8 bytes with numpy (limits._TagScan).

The readings must be the regexes' to the tag: the same start-tag count (max_dom_nodes),
the same block start tags (the cheap bound) and the same nesting estimate
(max_dom_depth), or a page the parser cannot afford gets through, or a page that
passed before is refused. The regexes stay the reference, and the reading for text
with no UTF-8 form.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean import limits
from clean.errors import TooDeepError, TooLargeError
from clean.options import Options

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "html").glob("*.html"))

# Tags in every spelling the regexes tell apart: case, what follows the name (ASCII
# and Unicode whitespace, "/", ">", a letter, a digit, the page's end), comments,
# scripts and styles with their closers (and closers the regexes accept: "</scriptx").
PIECES = [
    "<div>", "</div>", "<DIV class=a>", "</Div >", "<div/>", "<div\u00a0", "<div\u2028>", "<div\x00",
    "<div\x1c", "<section>", "</section\u0085", "<ul>", "</ul>", "<h1>", "</H1>", "<h12>", "<h7>",
    "<p>", "<li>", "<span>", "</span>", "<a>", "<blockquote\n", "<blockquotes>", "<Figcaption\r",
    "<figcaption>", "</figcaption>", "<table\t", "</table>", "<\u00e9div>", "<", "/", ">", "x", "\u00e9",
    "<script>", "<SCRIPT\t", "<script\u3000>", "<scripts>", "</script>", "</ScRiPt", "</scriptx",
    "<style>", "<style/>", "</style>", "</STYLE", "<!--", "-->", "<!-->", "<!---->", "--", "\U0001f600",
]  # fmt: skip


def regex_readings(html: str) -> tuple[int, int, int]:
    return (
        len(limits._START_TAG.findall(html)),
        len(limits._BLOCK_START_TAG.findall(html)),
        limits.block_nesting(html),
    )


def scan_readings(html: str) -> tuple[int, int, int]:
    scan = limits._tag_scan(html, None)
    assert scan is not None
    return scan.start_tags(), scan.block_starts(), scan.nesting()


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=80).map("".join))
def test_the_scan_reads_fuzzed_markup_as_the_regexes_do(html):
    assert scan_readings(html) == regex_readings(html)


def test_the_scan_reads_real_pages_as_the_regexes_do():
    for path in PAGES:
        html = path.read_text("utf-8", "replace")
        assert scan_readings(html) == regex_readings(html), path.name
        # Nested deep in a page of markup, scripts and comments.
        body = html.find(">", html.lower().find("<body")) + 1
        deep = html[:body] + "<div><!-- <div> --><script>'</div>'</script>" * 700 + html[body:]
        assert scan_readings(deep) == regex_readings(deep), path.name
        assert regex_readings(deep)[2] > 700


def test_a_deep_page_is_refused_whichever_reading_reads_it():
    html = "<p>filler</p>" * 2_000 + "<section>" * 600 + "x"
    for page in (html, html + "\ud800"):  # a lone surrogate: no UTF-8 form, the regexes read it
        assert (limits._tag_scan(page, None) is None) == page.endswith("\ud800")
        with pytest.raises(TooDeepError, match="600 deep"):
            limits.check_markup(page, Options())
        limits.check_markup(page, Options(max_dom_depth=600))
    with pytest.raises(TooLargeError, match="2,600 elements"):
        limits.check_markup(html, Options(max_dom_nodes=2_000, max_dom_depth=0))
