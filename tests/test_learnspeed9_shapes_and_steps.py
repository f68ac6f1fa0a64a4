"""The learned scorer's per-page shortcuts give what the slower ways gave (session 9, learnspeed9).

- page_cut.shape_groups reads each block's shape from the page's element table
  (ElementTable.shapes) instead of stripping the ":N" indices from its path with
  a regex: the same groups on real pages.
- The step bits are cached per vocabulary, keyed by the step alone
  (Vocabulary.bits_of_steps): the same bits as _step_bits, string keys (which the
  garbage collector does not track), and a bounded cache.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from clean.frontends.html import parse_document
from clean.frontends.html.elements import element_table
from clean.learned import features
from clean.learned.features import Vocabulary, _step_bits
from clean.learned.model import shipped_model
from clean.learned.page_cut import shape_groups
from clean.options import Options

ROOT = Path(__file__).resolve().parent.parent
WCXB = ROOT.parent / "shared" / "data" / "wcxb" / "dev"
# Tune pages (ids not divisible by 5) with repeated DOM shapes: a thread, listings, docs.
PAGES = ("0001", "0002", "0003", "0004", "0006", "0667")


def _page(source: str):
    if source.endswith(".html"):
        return parse_document((ROOT / "fixtures" / "html" / source).read_text("utf-8"), None, Options())
    if not WCXB.exists():
        pytest.skip("the WCXB pages are not at ../shared/data/wcxb")
    html = gzip.decompress((WCXB / "html" / f"{source}.html.gz").read_bytes())
    return parse_document(html, None, Options())


def test_shape_groups_from_the_element_table_equal_the_regex_ones():
    with_groups = 0
    for source in ("blog_comments.html", "in_article_list.html", *PAGES):
        doc = _page(source)
        paths = [b.path for b in doc.blocks]
        words = np.array([b.features.get("words", 0.0) for b in doc.blocks])
        table = element_table(doc)
        from_table = shape_groups(paths, words, [table.shapes[e] for e in table.block_element])
        from_paths = shape_groups(paths, words)
        assert [g.tolist() for g in from_table] == [g.tolist() for g in from_paths], source
        with_groups += bool(from_paths)
    assert with_groups >= 3  # the comparison saw repeated shapes


def test_step_bits_cached_per_vocabulary_by_the_step_alone(monkeypatch):
    vocabulary = Vocabulary(shipped_model().vocabulary.words)  # a fresh, empty cache
    steps = []
    for source in ("blog_comments.html", *PAGES):
        steps += element_table(_page(source)).unindexed
    flags, words = vocabulary.bits_of_steps(steps)
    found = list(zip(flags.tolist(), words.tolist(), strict=True))
    assert found == [_step_bits(step, vocabulary) for step in steps]
    assert words.any() and flags.any()
    assert set(vocabulary.step_bits[0]) == set(vocabulary.step_bits[1]) == set(steps)
    assert all(type(key) is str for key in vocabulary.step_bits[0])
    # Bounded: past STEP_CACHE_SIZE entries the cache starts afresh.
    monkeypatch.setattr(features, "STEP_CACHE_SIZE", 10)
    flags, words = vocabulary.bits_of_steps(steps[:3])
    assert list(zip(flags.tolist(), words.tolist(), strict=True)) == found[:3]
    assert len(vocabulary.step_bits[0]) == len(set(steps[:3]))
