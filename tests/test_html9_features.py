"""Block features added in session 9 (2026-12-02, html9): where a block sits relative to the
page's title (its first h1), and ARIA landmark roles read as the regions their tags name."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from clean.frontends.html import parse_document
from clean.learned.features import OWN_NAMES, Vocabulary, page_matrix
from clean.options import Options

ROOT = Path(__file__).resolve().parents[1]
WCXB = ROOT.parent / "shared" / "data" / "wcxb" / "dev"


def _column(matrix: np.ndarray, name: str) -> np.ndarray:
    return matrix[:, OWN_NAMES.index(name)]


def test_blocks_are_placed_relative_to_the_first_h1():
    doc = parse_document((ROOT / "fixtures" / "html" / "news_article.html").read_bytes(), None, Options())
    matrix = page_matrix(doc, Vocabulary(()))
    h1 = next(b.index for b in doc.blocks if b.tag == "h1")
    assert 0 < h1 < len(doc.blocks) - 1
    blocks = _column(matrix, "blocks from the first h1 (share of page)")
    words = _column(matrix, "words from the first h1 (share of page)")
    assert blocks[h1] == 0 and words[h1] == 0
    assert (blocks[:h1] < 0).all() and (blocks[h1 + 1 :] > 0).all()
    # Words: the words of the blocks from the h1 (itself included) up to the block, as a share.
    counts = np.array([b.features["words"] for b in doc.blocks])
    last = len(doc.blocks) - 1
    assert words[last] == pytest.approx(counts[h1:last].sum() / counts.sum(), rel=1e-5)
    assert (np.diff(words) >= 0).all()


def test_a_page_without_an_h1_reads_zero():
    html = b"<html><body><h2>Notes</h2><p>One paragraph of text here.</p><p>Another one.</p></body></html>"
    matrix = page_matrix(parse_document(html, None, Options()), Vocabulary(()))
    assert not _column(matrix, "blocks from the first h1 (share of page)").any()
    assert not _column(matrix, "words from the first h1 (share of page)").any()


def test_a_div_with_the_complementary_role_is_an_aside():
    # WCXB 0021 (a tune page): the inner navigation sits in an element with role="complementary"
    # and no <aside> around it.
    if not WCXB.exists():
        pytest.skip("the WCXB pages are not at ../shared/data/wcxb")
    html = gzip.decompress((WCXB / "html" / "0021.html.gz").read_bytes())
    doc = parse_document(html, None, Options())
    matrix = page_matrix(doc, Vocabulary(()))
    aside = _column(matrix, "inside aside")
    in_sidebar = np.array(
        ["[role=complementary]" in (b.path or "") and " > aside" not in (b.path or "") for b in doc.blocks]
    )
    assert in_sidebar.any()
    assert (aside[in_sidebar] == 1).all()
