"""The page's cut judges the blocks of one repeated DOM shape partly together (clean/learned/page_cut.py)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from clean.frontends.html import parse_document
from clean.learned import model as model_module
from clean.learned import page_cut
from clean.learned import stage as learned_stage
from clean.learned.page_cut import SHAPE_SHARE, shape_groups, with_shape_mean
from clean.options import Options
from clean.pipeline import html_stages, run_stages

WCXB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wcxb" / "dev"
SENTENCE = "The cabin sleeps four and has a wood stove, a porch facing the lake and a path down to the water"
CARDS = [f"{SENTENCE}, listing number {n}." for n in range(6)]
PAGE = (
    "<html><body><main><h1>Cabins by the lake</h1>"
    f"<p>{SENTENCE}. {SENTENCE}. {SENTENCE}.</p>"
    "<ul class='results'>"
    + "".join(f"<li class='card' id='listing-{n}'><p>{c}</p></li>" for n, c in enumerate(CARDS))
    + "</ul>"
    "</main></body></html>"
)


def test_shape_groups_ignore_sibling_indices_and_ids_and_need_five_blocks_with_words():
    paths = [
        "html > body > ul > li#card-1.card > p",
        "html > body > ul > li#card-2.card:2 > p",
        "html > body > ul > li#card-3.card:3 > p",
        "html > body > ul > li#card-4.card:4 > p",
        "html > body > ul > li.card:5 > p",
        "html > body > ul > li#card-6.card:6 > p",
        "html > body > div#text > p",
        "html > body > div#text > p:2",
        "html > body > div#text > p:3",
        "html > body > div#text > p:4",
        None,
    ]
    words = np.array([10.0, 10.0, 0.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 5.0])
    groups = shape_groups(paths, words)
    # The card without words is not judged; 4 <p> are too few.
    assert [g.tolist() for g in groups] == [[0, 1, 3, 4, 5]]
    log_odds = np.array([2.0, 2.0, 5.0, -1.0, 1.0, 1.0, 0.5, -3.0, 1.0, 1.0, 1.0])
    moved = with_shape_mean(log_odds, groups)
    mean = 1.0  # of 2, 2, -1, 1 and 1
    assert moved[[0, 1, 3, 4, 5]] == pytest.approx(
        [2.0 - SHAPE_SHARE, 2.0 - SHAPE_SHARE, -1.0 + SHAPE_SHARE * 2.0, 1.0, 1.0]
    )
    assert moved[[0, 1, 3, 4, 5]].mean() == pytest.approx(mean)
    assert moved[[2, 6, 7, 8, 9, 10]].tolist() == log_odds[[2, 6, 7, 8, 9, 10]].tolist()
    assert with_shape_mean(log_odds, []) is log_odds


def test_the_posts_of_a_thread_with_numbered_ids_are_one_shape():
    # WCXB 0503 (a tune page, a Discourse thread): each post is a div#post_N, so before ids were
    # left out of a shape each post's paragraphs were a shape of their own (1 or 2 blocks).
    if not WCXB.exists():
        pytest.skip("the WCXB pages are not at ../shared/data/wcxb")
    html = gzip.decompress((WCXB / "html" / "0503.html.gz").read_bytes())
    doc = parse_document(html, None, Options())
    words = np.array([b.features.get("words", 0.0) for b in doc.blocks])
    posts = [
        b.index
        for b in doc.blocks
        if "[itemprop=comment]" in (b.path or "") and (b.path or "").endswith("[itemprop=text]:2 > p")
        or "[itemprop=comment]" in (b.path or "") and (b.path or "").endswith("[itemprop=text]:2 > p:2")
    ]
    assert len({(doc.blocks[i].path or "").split("#post_")[1][:2] for i in posts}) == 3  # three posts
    assert sorted(posts) in [sorted(g.tolist()) for g in shape_groups([b.path for b in doc.blocks], words)]


def _cards_with_log_odds(monkeypatch, share: float):
    """The page after every stage, the model scoring every block 2 but the last card, 0."""
    model = model_module.shipped_model()

    class Scored:
        def __getattr__(self, name):
            return getattr(model, name)

        def log_odds(self, matrix):
            values = np.full(len(matrix), 2.0)
            values[[i for i, block in enumerate(doc.blocks) if block.text == CARDS[3]]] = 0.0
            return values

    monkeypatch.setattr(model_module, "shipped_model", lambda name=None: Scored())
    monkeypatch.setattr(page_cut, "SHAPE_SHARE", share)
    doc = parse_document(PAGE.encode(), None, Options())
    return run_stages(doc, html_stages(), Options())


def test_a_card_the_model_doubts_is_kept_with_the_cards_of_its_shape(monkeypatch):
    alone = _cards_with_log_odds(monkeypatch, 0.0)
    assert CARDS[3] not in [b.text for b in alone.blocks if b.kept]
    together = _cards_with_log_odds(monkeypatch, SHAPE_SHARE)
    assert all(c in [b.text for b in together.blocks if b.kept] for c in CARDS)
    # Dropped alone, the card's removal says the cut judged it by its own probability only.
    removal = next(r for r in alone.removals if r.text.strip() == CARDS[3])
    assert removal.rule == learned_stage.REMOVE_RULE and "blocks of the same DOM shape" not in removal.reason


def test_a_removal_judged_with_its_shape_says_so(monkeypatch):
    model = model_module.shipped_model()

    class Scored:
        def __getattr__(self, name):
            return getattr(model, name)

        def log_odds(self, matrix):
            values = np.full(len(matrix), 4.0)
            values[[i for i, block in enumerate(doc.blocks) if block.text in CARDS]] = -2.0
            values[[i for i, block in enumerate(doc.blocks) if block.text == CARDS[0]]] = 1.0
            return values

    monkeypatch.setattr(model_module, "shipped_model", lambda name=None: Scored())
    doc = parse_document(PAGE.encode(), None, Options())
    after = run_stages(doc, html_stages(), Options())
    removal = next(r for r in after.removals if r.text.strip() == CARDS[0])
    assert "one of 6 blocks of the same DOM shape" in removal.reason
    assert "the model's own probability 0.73" in removal.reason
