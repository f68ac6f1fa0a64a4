"""clean_html lets go of the per-page tables the stages shared before it returns.

The result keeps the document; its element table and its blocks' word tokens
(~350 container objects a page) would otherwise be walked by the collection
that follows the call. They are caches: asked for again, they are rebuilt the same.
"""

from __future__ import annotations

from pathlib import Path

import clean
from clean.frontends.html.elements import element_table
from clean.vocabulary import block_tokens

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "html" / "news_article.html"


def test_the_returned_document_holds_no_shared_tables():
    document = clean.clean_html(PAGE.read_bytes()).document
    assert document.blocks
    assert document.element_table is None
    assert document.block_tokens is None


def test_the_tables_are_rebuilt_on_demand_as_the_stages_saw_them():
    document = clean.clean_html(PAGE.read_bytes()).document
    table = element_table(document)
    assert [table.paths[e] for e in table.block_element] == [b.path or "" for b in document.blocks]
    assert block_tokens(document) == [tuple(clean.vocabulary.word_tokens(b.text)) for b in document.blocks]
