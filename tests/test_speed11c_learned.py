"""The learned scorer's per-page work done in fewer Python operations gives what the plain ways gave
(session 11, speed11c). Each test holds the plain way as its reference and compares on real pages
(the fixtures and WCXB tune pages):

- features.text_shape: one code per character, counts packed three to an int64 (one to an int64
  when a block is too long for a packed field);
- features.title_overlap: one loop, a long block's start split by the ASCII regex when ASCII;
- features._tag_columns: each tag's column worked out once, across pages;
- Vocabulary.bits_of_steps: the cache read by fromiter into two arrays;
- page_cut.shape_groups: ids stripped once per distinct shape, blocks grouped by numpy;
  with_shape_mean: all groups moved at once; code_blocks: skipped per path when no
  element step starts with "pre";
- trees.HeapTrees: float32 rows compared with float32 thresholds (the largest float32 at or below
  each threshold).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from real_pages import FIXTURES, WCXB, parsed_pages

from clean.frontends.html.elements import ELEMENT_ID as _ELEMENT_ID
from clean.frontends.html.elements import element_table
from clean.learned import features
from clean.learned.features import Vocabulary, _step_bits, text_shape, title_overlap
from clean.learned.model import shipped_model
from clean.learned.page_cut import (
    SHAPE_MIN_BLOCKS,
    SHAPE_SHARE,
    code_blocks,
    shape_groups,
    with_shape_mean,
)
from clean.vocabulary import block_tokens

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pages():
    return parsed_pages((*FIXTURES, "latin1_page"))


def _plain_shape(text: str) -> dict[str, int]:
    """text_shape's counts for one text, by plain Python over its characters."""
    table = features._char_classes()
    classes = [table[min(ord(c), 0xFFFF)] for c in text]
    space = [bool(c & features.SPACE) for c in classes]
    before = [True, *space[:-1]]
    after = [*space[1:], True]
    starts = [not s and b for s, b in zip(space, before, strict=True)]
    return {
        "tokens": sum(starts),
        "punctuation": sum(bool(c & features.PUNCT) for c in classes),
        "digits": sum(bool(c & features.DIGIT) for c in classes),
        "separators": sum(bool(c & features.SEPARATOR_CHAR) for c in classes),
        "commas": sum(bool(c & features.COMMA) for c in classes),
        "capitalised": sum(s and bool(c & features.UPPER) for s, c in zip(starts, classes, strict=True)),
        "sentences": sum(bool(c & features.SENTENCE_END) and a for c, a in zip(classes, after, strict=True)),
        "copyright": sum(bool(c & features.COPYRIGHT) for c in classes),
        "non-space": sum(not s for s in space),
    }


def test_text_shape_counts_equal_plain_python_on_real_pages(pages):
    for doc in pages:
        texts = [b.text for b in doc.blocks]
        shape = text_shape(texts)
        for i, text in enumerate(texts):
            plain = _plain_shape(text)
            assert {name: shape[name][i] for name in plain} == plain, text[:60]
            assert shape["chars"][i] == len(text)


def test_text_shape_counts_a_block_too_long_for_packed_fields_in_full():
    # A packed field holds counts below 2**21: a longer block has each count in an int64 of its own.
    paragraph = (ROOT / "fixtures" / "html" / "news_article.expected.txt").read_text("utf-8")
    long = (paragraph + " ") * (2**21 // len(paragraph) + 1)
    assert len(long) >= 2**21
    texts = ["Home | Shop", long, "\u00a9 2024 ACME."]
    shape = text_shape(texts)
    tokens = long.split()
    assert shape["tokens"][1] == len(tokens) > 2**18
    assert shape["capitalised"][1] == sum(1 for t in tokens if t[0].isupper())
    assert shape["commas"][1] == long.count(",")
    assert shape["non-space"][1] == sum(not c.isspace() for c in long)
    assert [shape["separators"][0], shape["copyright"][2], shape["sentences"][2]] == [1, 1, 1]


def _plain_overlap(texts, tokens, title):
    """title_overlap by a call per block and the unicode regex on every long block's start."""
    shares = []
    for text, block_words in zip(texts, tokens, strict=True):
        words = block_words if len(text) <= features.SHAPE_CHARS else re.findall(r"\w+", text[:160].lower())
        shares.append(sum(w in title for w in words) / len(words) if words else 0.0)
    return shares


def test_title_overlap_equals_a_regex_per_block(pages):
    for doc in pages:
        title = set(features.WORD.findall(doc.metadata.get("title", "").lower())) or {"the", "and"}
        texts = [b.text for b in doc.blocks]
        expected = _plain_overlap(texts, block_tokens(doc), title)
        assert title_overlap(texts, block_tokens(doc), title).tolist() == expected
    # Long non-ASCII and ASCII starts (the last word cut at the 160th character), one without words.
    texts = ["Caf\u00e9 cr\u00e8me " * 20, "Coffee and cream_2 " * 20, "\u2014 " * 100]
    tokens = [(), (), ()]  # not read for long blocks
    shares = title_overlap(texts, tokens, {"caf\u00e9", "cream_2", "and"}).tolist()
    assert shares == _plain_overlap(texts, tokens, {"caf\u00e9", "cream_2", "and"})
    assert shares[0] == 0.5 and 0.6 < shares[1] < 0.7 and shares[2] == 0.0


def test_step_bits_arrays_equal_step_bits(pages):
    vocabulary = Vocabulary(shipped_model().vocabulary.words)
    for doc in pages:
        steps = element_table(doc).unindexed
        flags, words = vocabulary.bits_of_steps(steps)
        expected = [_step_bits(step, vocabulary) for step in steps]
        assert list(zip(flags.tolist(), words.tolist(), strict=True)) == expected


def _plain_shape_groups(paths, words, shapes):
    """The groups as a dict of lists per block with a regex per shape (session 9's way)."""
    groups: dict[str, list[int]] = {}
    for index, path in enumerate(paths):
        if path and words[index] > 0:
            groups.setdefault(_ELEMENT_ID.sub("", shapes[index]), []).append(index)
    return [g for g in groups.values() if len(g) >= SHAPE_MIN_BLOCKS]


def test_shape_groups_numbered_and_moved_as_the_plain_way(pages):
    model = shipped_model()
    grouped = 0
    for doc in pages:
        matrix, layout = model.features_and_layout(doc)
        paths = [b.path for b in doc.blocks]
        table = element_table(doc)
        expected = _plain_shape_groups(paths, layout.words, [table.shapes[e] for e in table.block_element])
        groups = shape_groups(paths, layout.words, [table.shapes[e] for e in table.block_element])
        assert [g.tolist() for g in groups] == expected
        grouped += bool(groups)
        log_odds = model.log_odds(matrix)
        moved = log_odds.copy()
        for group in groups:  # the loop with_shape_mean replaced, bit for bit
            own = log_odds[group]
            moved[group] = own + SHAPE_SHARE * (own.mean() - own)
        assert np.array_equal(with_shape_mean(log_odds, groups), moved)
    assert grouped >= 3  # the comparison saw repeated shapes


def test_code_blocks_with_the_element_steps_equal_code_blocks_by_paths(pages):
    with_code = 0
    for doc in pages:
        kinds, paths = [b.kind for b in doc.blocks], [b.path for b in doc.blocks]
        by_paths = code_blocks(kinds, paths)
        assert np.array_equal(code_blocks(kinds, paths, element_table(doc).unindexed), by_paths)
        with_code += bool(by_paths.any())
    if WCXB.exists():
        assert with_code >= 1  # documentation with listings


def test_float32_thresholds_decide_as_the_float64_ones():
    model = shipped_model()
    heap = model.heap
    for wide, narrow in zip(heap.threshold, heap.threshold32, strict=True):
        assert narrow.dtype == np.float32
        assert (narrow.astype(np.float64) <= wide).all()
        # Every float32 at or just around a threshold is on the same side either way (a threshold
        # rounded to the nearest float32 would put some above it on the left).
        up, down = np.nextafter(narrow, np.float32(np.inf)), np.nextafter(narrow, np.float32(-np.inf))
        for x in (narrow, up, down):
            assert np.array_equal(x <= narrow, x.astype(np.float64) <= wide)
    # Rows made of the thresholds' neighbours go down the trees as in the float64 walk.
    values = np.concatenate([t for t in heap.threshold32 if len(t)])
    rows = np.stack([np.resize(np.roll(values, shift), len(model.names)) for shift in range(64)])
    rows = np.concatenate([rows, np.nextafter(rows, np.float32(np.inf))]).astype(np.float32)
    assert np.array_equal(heap.leaf_values(rows), heap.leaf_values(rows.astype(np.float64)))


def test_tag_columns_read_back_per_tag_equal_tag_column(pages, monkeypatch):
    tags = [b.tag or "" for doc in pages for b in doc.blocks] + ["my-widget", "blink", ""]
    assert features._tag_columns(tags) == [features._tag_column(tag) for tag in tags]
    # Bounded: past the size a fresh table (the old one is replaced, never emptied under a reader).
    monkeypatch.setattr(features, "_TAG_COLUMN_CACHE_SIZE", 2)
    before = features._tag_column_of
    assert features._tag_columns(["p", "li", "h2"]) == [features._tag_column(t) for t in ("p", "li", "h2")]
    assert features._tag_column_of is not before and len(before) > 2
