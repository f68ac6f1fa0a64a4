"""The second pass's context columns (clean/textmodel/context.py) on a real page and on small cases."""

from __future__ import annotations

import re

import numpy as np
import pytest

from clean.frontends.text import segment_text
from clean.textmodel.context import BEYOND, CONTEXT_NAMES, context_columns

ARTICLE = """Home | News | Sport | Contact

Council approves the new school budget

The council met on Tuesday to decide on the new budget for the town's schools.
Teachers had asked for more money for books and for repairs to the old buildings.
After a long debate, the members agreed to raise spending by four percent.

Share this article
Facebook
Twitter

Related: Library opening hours change in December
"""


def column(matrix: np.ndarray, name: str) -> np.ndarray:
    return matrix[:, CONTEXT_NAMES.index(name)]


def test_columns_read_neighbours_windows_and_page_ends():
    log_odds = np.array([-3.0, 2.0, -1.0, 0.5, 3.0, -4.0, -2.0])
    tokens = np.array([3, 10, 2, 5, 20, 1, 4], dtype=float)
    matrix = context_columns(log_odds, tokens, np.arange(1, 8))
    assert matrix.shape == (7, len(CONTEXT_NAMES))
    before = column(matrix, "line -1: first-pass log-odds")
    assert before.tolist() == [BEYOND, -3.0, 2.0, -1.0, 0.5, 3.0, -4.0]
    assert column(matrix, "line +3: first-pass log-odds")[-3:].tolist() == [BEYOND] * 3
    # The window leaves the line itself out: line 4 (3.0) sees a max of 2.0 within 5 lines.
    assert column(matrix, "first-pass log-odds within 5 lines (max)")[4] == 2.0
    assert column(matrix, "first-pass log-odds within 5 lines (mean)")[0] == pytest.approx(0.1)
    assert column(matrix, "first-pass rank on the page (share)")[[4, 5]].tolist() == [0.0, 1.0]


def test_distance_to_the_nearest_confident_line_counts_lines_and_words_between():
    log_odds = np.array([-3.0, -3.0, 3.0, -3.0, -3.0, -3.0])  # only line 2 is confident (p > 0.8)
    tokens = np.array([7, 1, 50, 4, 6, 8], dtype=float)
    matrix = context_columns(log_odds, tokens, np.arange(6))
    lines = np.expm1(column(matrix, "lines to the nearest confident line (log)"))
    words = np.expm1(column(matrix, "words to the nearest confident line (log)"))
    assert np.round(lines).tolist() == [2, 1, 0, 1, 2, 3]
    assert np.round(words).tolist() == [1, 0, 0, 0, 4, 10]
    nothing_confident = context_columns(np.full(3, -2.0), np.ones(3), np.arange(3))
    assert (column(nothing_confident, "lines to the nearest confident line (log)") > 9).all()


def test_paragraphs_are_the_runs_between_blank_lines():
    doc = segment_text(ARTICLE)
    numbers = np.array([b.lines[0] for b in doc.blocks])
    log_odds = np.array([-2.0, 1.0, 2.0, 3.0, 1.0, -2.0, -3.0, -3.0, -1.0])
    matrix = context_columns(log_odds, np.ones(len(doc.blocks)), numbers)
    mean = column(matrix, "paragraph's first-pass log-odds (mean)")
    # Three article lines form one paragraph; the share bar's three lines another.
    assert mean[2:5].tolist() == [2.0] * 3
    assert mean[5:8] == pytest.approx([-8 / 3] * 3)
    assert np.round(np.expm1(column(matrix, "paragraph lines (log)"))).tolist() == [1, 1, 3, 3, 3, 3, 3, 3, 1]
    assert column(matrix, "line's place in its paragraph (share)")[2:5].tolist() == [0.0, 0.5, 1.0]


def paragraph_stub(leaf: float):
    """A second pass of one split: a line alone between blank lines scores -leaf, others +leaf."""
    from clean.learned.trees import TreeEnsemble
    from clean.textmodel.features import FEATURE_NAMES

    names = FEATURE_NAMES + CONTEXT_NAMES
    lines = names.index("paragraph lines (log)")
    alone = np.log1p(1.5)
    return TreeEnsemble(
        names=names, baseline=0.0, feature=np.array([[lines, 0, 0]]), threshold=np.array([[alone, 0, 0]]),
        left=np.array([[1, 1, 2]]), right=np.array([[2, 1, 2]]), value=np.array([[0.0, -leaf, leaf]]),
        depth=1,
    )  # fmt: skip


def test_a_stacked_model_decides_by_the_context_and_says_so(monkeypatch):
    """A two-pass model file (as `text_train --stack` writes) drives the stage through its second pass."""
    import dataclasses

    import clean
    from clean.textmodel import trees

    stacked = dataclasses.replace(trees.shipped_model(), second=paragraph_stub(6.0), second_share=1.0)
    monkeypatch.setattr(trees, "shipped_model", lambda: stacked)
    result = clean.clean_text(ARTICLE, line_model_min_lines=0)
    by_model = [r for r in result.removed if r.stage == "line-model"]
    # The headline stands alone between blank lines: the only line the rules kept that the model drops.
    headline = ("Council approves the new school budget", "model-header")
    assert [(r.text, r.rule) for r in by_model] == [headline]
    assert "paragraph lines (log) 0.69" in by_model[0].reason
    assert result.text.startswith("The council met on Tuesday") and result.text.endswith("four percent.")


def test_the_stage_decides_on_both_passes_blended_by_the_second_pass_share(monkeypatch):
    """The log-odds decided on are share x the second pass's + (1 - share) x the first pass's."""
    import dataclasses
    import json

    import clean
    from clean.textmodel import trees

    shipped = trees.shipped_model()
    monkeypatch.setattr(trees, "shipped_model", lambda: dataclasses.replace(shipped, second=None))
    first_alone = clean.clean_text(ARTICLE, line_model_min_lines=0)
    # Share 0: the second pass, however sure, decides nothing.
    ignored = dataclasses.replace(shipped, second=paragraph_stub(60.0), second_share=0.0)
    monkeypatch.setattr(trees, "shipped_model", lambda: ignored)
    assert clean.clean_text(ARTICLE, line_model_min_lines=0).text == first_alone.text
    assert "Council approves the new school budget" in first_alone.text
    # Share 0.5 of +-60 outweighs any first pass: the lone headline goes, and its reason's
    # credits are the blend's (the second pass's split, halved: -30).
    halved = dataclasses.replace(shipped, second=paragraph_stub(60.0), second_share=0.5)
    monkeypatch.setattr(trees, "shipped_model", lambda: halved)
    result = clean.clean_text(ARTICLE, line_model_min_lines=0)
    by_model = [r for r in result.removed if r.stage == "line-model"]
    assert [r.text for r in by_model] == ["Council approves the new school budget"]
    credit = re.search(r"paragraph lines \(log\) 0\.69 \(([-+\d.]+)\)", by_model[0].reason)
    assert credit and -31.0 < float(credit.group(1)) < -29.0
    # The share is read from the model file's second pass (1.0 when absent, as in older files).
    data = json.loads(trees.resources.files("clean.textmodel").joinpath("data", trees.MODEL_FILE).read_text())
    if "second" in data:
        data["second"]["share"] = 0.25
        assert trees.model_from_dict(data).second_share == 0.25
        del data["second"]["share"]
        assert trees.model_from_dict(data).second_share == 1.0
