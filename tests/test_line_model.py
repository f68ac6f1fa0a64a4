"""The text-mode line model (clean/textmodel/): shipped file, decoding, and the stage's records."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import clean
from clean.frontends.text import segment_text
from clean.options import Options
from clean.textmodel.decode import decode
from clean.textmodel.features import FEATURE_NAMES, page_matrix
from clean.textmodel.stage import REJUDGED_STAGES
from clean.textmodel.trees import MODEL_FILE, model_from_dict, shipped_model

WCXB = Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb" / "dev"
# A few tune pages (ids not divisible by 5) of different types, read as text.
PAGES = ("0001", "0002", "0003", "0004")
# Tune pages where the model restores lines page-edges removed.
RESTORING = ("0036", "0041")
# A tune page (a recipe index) whose items the headline-list rule takes for unrelated headlines.
HEADLINE_ITEMS = "2974"


def test_shipped_model_is_small_and_matches_the_features():
    data = resources.files("clean.textmodel").joinpath("data", MODEL_FILE).read_bytes()
    assert len(data) < 2 * 1024 * 1024
    model = shipped_model()
    assert model.names == FEATURE_NAMES
    assert set(model.decoding) == {"temperature", "shift"}


def test_a_model_file_with_other_features_is_refused():
    data = json.loads(resources.files("clean.textmodel").joinpath("data", MODEL_FILE).read_text())
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="features differ"):
        model_from_dict(data)


DECODING = {"temperature": 1.0, "shift": 0.0}


def logit(probability: float) -> float:
    return float(np.log(probability / (1.0 - probability)))


def test_the_cut_depends_on_how_sure_the_model_is_of_the_page():
    doubtful = logit(0.3)
    # A page the model is sure of: a line at 0.3 would cost more precision than it brings.
    sure = np.array([4.0] * 8 + [doubtful] + [-4.0] * 2)
    cut = decode(sure, np.full(11, 20.0), np.ones(11, dtype=bool), DECODING)
    assert cut.keep.tolist() == [True] * 8 + [False] * 3
    assert cut.expected_f1 > 0.9
    # A page it is unsure of: missing the article would cost more, so the same line stays.
    unsure = np.array([logit(0.45)] * 3 + [doubtful] + [-4.0] * 10)
    cut = decode(unsure, np.full(14, 20.0), np.ones(14, dtype=bool), DECODING)
    assert cut.keep.tolist() == [True] * 4 + [False] * 10
    assert cut.threshold == pytest.approx(0.3) and cut.expected_f1 < 0.6


def test_decode_keeps_only_lines_open_to_the_model():
    log_odds = np.array([3.0, 5.0, 2.0, -3.0])
    open_to_model = np.array([True, False, True, True])
    keep = decode(log_odds, np.full(4, 10.0), open_to_model, DECODING).keep
    assert keep.tolist() == [True, False, True, False]
    nothing_open = decode(log_odds, np.full(4, 10.0), np.zeros(4, dtype=bool), DECODING)
    assert not nothing_open.keep.any()


def test_features_are_one_row_per_line():
    doc = segment_text("Menu\nHome\nThe council met on Tuesday to decide on the new budget for schools.\n")
    matrix = page_matrix(doc, Options())
    assert matrix.shape == (3, len(FEATURE_NAMES))
    assert np.isfinite(matrix).all()


def test_paragraph_columns_read_the_words_of_the_lines_between_blank_lines():
    from clean.textmodel.features import PARAGRAPH, paragraph_columns

    # Lines 1-2 are one paragraph, 4-6 another (line 3 is blank), 8 a third.
    scores = np.array([-2.0, -1.0, 1.0, 2.0, 3.0, -3.0])
    tokens = np.array([2.0, 3.0, 10.0, 20.0, 30.0, 4.0])
    columns = paragraph_columns(scores, tokens, np.array([1, 2, 4, 5, 6, 8]))
    assert columns.shape == (6, len(PARAGRAPH))
    named = dict(zip(PARAGRAPH, columns.T, strict=True))
    assert named["paragraph's words' log-odds (mean)"].tolist() == [-1.5, -1.5, 2.0, 2.0, 2.0, -3.0]
    assert named["paragraph's words' log-odds (max)"].tolist() == [-1.0, -1.0, 3.0, 3.0, 3.0, -3.0]
    assert np.expm1(named["paragraph lines (log)"]).round().tolist() == [2, 2, 3, 3, 3, 1]
    assert np.expm1(named["paragraph words (log)"]).round().tolist() == [5, 5, 60, 60, 60, 4]
    assert named["line's place in its paragraph (share)"].tolist() == [0.0, 1.0, 0.0, 0.5, 1.0, 0.0]
    # Over the 10 lines on either side, the line itself left out.
    assert named["words' log-odds of lines +-10 (max)"].tolist() == [3.0, 3.0, 3.0, 3.0, 2.0, 3.0]
    assert named["words' log-odds of lines +-10 (mean)"][0] == pytest.approx(2.0 / 5)
    assert paragraph_columns(np.zeros(0), np.zeros(0), np.zeros(0)).shape == (0, len(PARAGRAPH))


def page_text(page_id: str) -> str:
    html_text = pytest.importorskip("html_text")
    html = gzip.decompress((WCXB / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
    return html_text.extract_text(html, guess_layout=True)


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
@pytest.mark.parametrize("page_id", PAGES)
def test_stage_records_every_decision_with_its_weightiest_features(page_id):
    result = clean.clean_text(page_text(page_id))
    assert result.text.strip()  # never empty
    model = shipped_model()
    decided_by = model if model.second is None else model.second
    by_model = [r for r in result.removed if r.stage == "line-model"]
    for removal in by_model:
        assert removal.rule in {"model-header", "model-footer", "model-boilerplate"}
        assert removal.reason.startswith("line model: ")
        assert "content probability" in removal.reason and "the page's cut" in removal.reason
        # The ensemble that decided names its features: the first pass's, or the second's (stacked).
        assert any(name in removal.reason for name in decided_by.names)


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_stage_can_be_switched_off_and_only_rejudges_page_edges_and_headline_lists():
    texts = [page_text(page_id) for page_id in PAGES]
    changed = 0
    for text in texts:
        on, off = clean.clean_text(text), clean.clean_text(text, disable=["line-model"])
        assert not any(r.stage == "line-model" for r in off.removed)
        # The named rules' removals stand: the model only restores what page-edges and headline-list removed.
        named_rules = {(r.block, r.rule) for r in off.removed if r.stage not in REJUDGED_STAGES}
        assert named_rules <= {(r.block, r.rule) for r in on.removed}
        changed += on.text != off.text
    assert changed  # the model decides something on real pages


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_a_restored_line_keeps_the_undone_removal_and_a_note():
    from clean.pipeline import TEXT_STAGES, run_stages

    restored = 0
    for page_id in RESTORING:
        doc = run_stages(segment_text(page_text(page_id)), TEXT_STAGES, Options())
        for override in doc.overridden:
            assert override.stage == "line-model" and override.rule == "model-content"
            assert override.removal.stage in REJUDGED_STAGES  # the named rules' removals stand
            assert doc.blocks[override.removal.block].kept
            assert doc.notes[override.removal.block] == override.reason
            assert "the page's cut" in override.reason
            restored += 1
    assert restored


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_the_model_restores_a_listings_items_the_headline_rule_took_for_headlines():
    text = page_text(HEADLINE_ITEMS)
    off = clean.clean_text(text, disable=["line-model"])
    doc = clean.clean_text(text).document
    undone = [o for o in doc.overridden if o.removal.stage == "headline-list"]
    assert undone  # the recipes listed on the page are its content
    taken = {r.block for r in off.removed if r.rule == "headline-list"}
    for override in undone:
        assert override.removal.block in taken
        assert doc.blocks[override.removal.block].kept
        assert override.rule == "model-content" and "content probability" in override.reason
