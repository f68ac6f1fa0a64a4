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
from clean.textmodel.decode import best_stretch, decode
from clean.textmodel.features import FEATURE_NAMES, page_matrix
from clean.textmodel.trees import MODEL_FILE, model_from_dict, shipped_model

WCXB = Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb" / "dev"
# A few tune pages (ids not divisible by 5) of different types, read as text.
PAGES = ("0001", "0002", "0003", "0004")


def test_shipped_model_is_small_and_matches_the_features():
    data = resources.files("clean.textmodel").joinpath("data", MODEL_FILE).read_bytes()
    assert len(data) < 2 * 1024 * 1024
    model = shipped_model()
    assert model.names == FEATURE_NAMES
    assert set(model.decoding) == {"bias", "length_weight", "inside_min"}


def test_a_model_file_with_other_features_is_refused():
    data = json.loads(resources.files("clean.textmodel").joinpath("data", MODEL_FILE).read_text())
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="features differ"):
        model_from_dict(data)


def test_best_stretch_bridges_a_dip_but_not_a_long_run_of_chrome():
    gain = np.array([-1.0, 3.0, -1.0, 4.0, -1.0, -1.0, -1.0, -1.0, 2.0])
    assert best_stretch(gain) == (1, 3)
    assert best_stretch(np.array([-1.0, -2.0])) is None


def test_decode_keeps_only_the_stretch_and_drops_sure_boilerplate_inside_it():
    log_odds = np.array([-5.0, 4.0, -3.0, 4.0, -5.0])
    decoding = {"bias": 0.0, "length_weight": 0.0, "inside_min": -2.0}
    stretch, keep = decode(log_odds, np.ones(5), decoding)
    assert stretch == (1, 3)
    assert keep.tolist() == [False, True, False, True, False]


def test_features_are_one_row_per_line():
    doc = segment_text("Menu\nHome\nThe council met on Tuesday to decide on the new budget for schools.\n")
    matrix = page_matrix(doc, Options())
    assert matrix.shape == (3, len(FEATURE_NAMES))
    assert np.isfinite(matrix).all()


def page_text(page_id: str) -> str:
    html_text = pytest.importorskip("html_text")
    html = gzip.decompress((WCXB / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
    return html_text.extract_text(html, guess_layout=True)


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
@pytest.mark.parametrize("page_id", PAGES)
def test_stage_records_every_decision_with_its_weightiest_features(page_id):
    result = clean.clean_text(page_text(page_id))
    assert result.text.strip()  # never empty
    by_model = [r for r in result.removed if r.stage == "line-model"]
    for removal in by_model:
        assert removal.rule in {"model-header", "model-footer", "model-boilerplate"}
        assert removal.reason.startswith("line model: ")
        assert any(name in removal.reason for name in FEATURE_NAMES)


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_stage_can_be_switched_off_and_only_rejudges_page_edges():
    texts = [page_text(page_id) for page_id in PAGES]
    changed = 0
    for text in texts:
        on, off = clean.clean_text(text), clean.clean_text(text, disable=["line-model"])
        assert not any(r.stage == "line-model" for r in off.removed)
        # The named rules' removals stand: the model only restores what page-edges removed.
        named_rules = {(r.block, r.rule) for r in off.removed if r.stage != "page-edges"}
        assert named_rules <= {(r.block, r.rule) for r in on.removed}
        changed += on.text != off.text
    assert changed  # the model decides something on real pages


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_a_restored_line_keeps_the_undone_removal_and_a_note():
    from clean.pipeline import TEXT_STAGES, run_stages

    restored = 0
    for page_id in PAGES:
        doc = run_stages(segment_text(page_text(page_id)), TEXT_STAGES, Options())
        for override in doc.overridden:
            assert override.stage == "line-model" and override.rule == "model-content"
            assert override.removal.stage == "page-edges"  # the named rules' removals stand
            assert doc.blocks[override.removal.block].kept
            assert doc.notes[override.removal.block] == override.reason
            restored += 1
    assert restored
