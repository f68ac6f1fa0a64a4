"""text_train --seed: a refit of the same recipe with the trees' bins placed from another sample."""

from __future__ import annotations

import argparse
from collections import Counter

import numpy as np
import pytest

# Training code: scikit-learn and SciPy come with the [train] extra, not with [test]
# (the README's test command installs [test] only).
pytest.importorskip("sklearn", reason="scikit-learn is training-only (pip install -e '.[train]')")
pytest.importorskip("scipy", reason="SciPy is training-only (pip install -e '.[train]')")

from training.text_corpus import TextPage  # noqa: E402
from training.text_train import fit  # noqa: E402


def _page(rows: int, seed: int) -> TextPage:
    rng = np.random.default_rng(seed)
    matrix = rng.normal(size=(rows, 4)).astype(np.float32)
    labels = (matrix[:, 0] > 0).astype(np.float32)
    return TextPage(
        id=str(seed), page_type="article", heldout=False, gold=Counter(), matrix=matrix, labels=labels,
        kept_tokens=[["word"] * 3] * rows, rule_stage=[None] * rows, texts=["a line"] * rows,
        domain=f"{seed}.org",
    )  # fmt: skip


def _args(seed: int) -> argparse.Namespace:
    return argparse.Namespace(trees=5, depth=2, learning_rate=0.1, min_leaf=5, seed=seed)


def test_fit_places_the_trees_bins_by_the_seed_it_is_given():
    pages = [_page(60, s) for s in range(3)]
    assert fit(pages, _args(0)).random_state == 0
    assert fit(pages, _args(3)).random_state == 3
    # The seed only matters where scikit-learn samples lines for the bins (over 200,000):
    # on this small set the same trees come out.
    x = np.vstack([p.matrix for p in pages])
    assert np.allclose(fit(pages, _args(0)).decision_function(x), fit(pages, _args(3)).decision_function(x))
