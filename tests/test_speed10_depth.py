"""A block's "depth" feature is its path's step count, read from the walk's open frames.

segment's flush takes the depth from how many elements are open (every open
frame but the root's adds one step to the path) instead of counting the
path's separators. The two agree only while no step can hold the separator
" > ": ids, classes, roles and itemprops with ">" and spaces, custom
elements, <pre>, tables and text straight under <body> must all keep them equal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clean.frontends.html import parse_document
from clean.frontends.html.path import SEPARATOR
from clean.options import Options

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "html").glob("*.html"))

AWKWARD = """<!doctype html><html><head><title>t</title></head><body>text in body
<div id="a > b" class="x > y  z>w [q]" role="main > x" itemprop="a > b">
  <section class=">"><my-widget data-x="1"><p>Para one with <a href="#">a link</a>.</p></my-widget>
  <pre class="code >">line 1
  line 2</pre>
  <table><tr><td>cell > one</td><td>cell two</td></tr></table>
  <ul><li>one</li><li>two<ul><li>nested <b>bold</b></li></ul></li></ul>
  </section>tail text
</div><div><div><div><div><div><div><h2 id="&gt; deep">Deep heading</h2></div></div></div></div></div></div>
</body></html>"""


def _check(html: str | bytes) -> int:
    doc = parse_document(html, None, Options())
    for block in doc.blocks:
        assert block.features["depth"] == float(block.path.count(SEPARATOR) + 1), block.path
    return len(doc.blocks)


def test_depth_is_the_step_count_on_awkward_markup():
    assert _check(AWKWARD) >= 8


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_depth_is_the_step_count_on_the_fixture_pages(page):
    assert _check(page.read_bytes()) > 0
