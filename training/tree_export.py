"""Export a fitted scikit-learn HistGradientBoostingClassifier to the padded tree layout
that clean/learned/trees.py evaluates (shared by train_block_model.py and text_train.py).

Per tree and node: feature, threshold (go left when x <= threshold), left, right,
value; padded to the widest tree, a leaf (and a padding slot) is its own child.
"""

from __future__ import annotations

import numpy as np


def node_values(nodes) -> np.ndarray:
    """Leaf values as fitted; an inner node's value is its leaves' mean weighted by samples."""
    values = np.array(nodes["value"], dtype=float)
    counts = np.array(nodes["count"], dtype=float)
    leaf = nodes["is_leaf"].astype(bool)
    # Children have higher indices than their parent: fill inner nodes bottom-up.
    for i in range(len(nodes) - 1, -1, -1):
        if not leaf[i]:
            a, b = nodes["left"][i], nodes["right"][i]
            total = counts[a] + counts[b]
            values[i] = (values[a] * counts[a] + values[b] * counts[b]) / total if total else 0.0
            counts[i] = total
    return values


def tree_arrays(model, value_digits: int) -> dict:
    """The model's trees as lists (JSON-ready), plus their depth; values rounded to `value_digits`."""
    trees = [predictors[0].nodes for predictors in model._predictors]
    width = max(len(nodes) for nodes in trees)
    arrays: dict = {name: [] for name in ("feature", "threshold", "left", "right", "value")}
    depth = 0
    for nodes in trees:
        n = len(nodes)
        feature, split_at = np.zeros(width, dtype=int), np.zeros(width)
        left, right, value = np.arange(width), np.arange(width), np.zeros(width)
        inner = ~nodes["is_leaf"].astype(bool)
        feature[:n][inner] = nodes["feature_idx"][inner]
        split_at[:n][inner] = nodes["num_threshold"][inner]
        left[:n][inner] = nodes["left"][inner]
        right[:n][inner] = nodes["right"][inner]
        value[:n] = node_values(nodes)
        depth = max(depth, int(nodes["depth"].max()))
        for name, array in zip(arrays, (feature, split_at, left, right, value), strict=True):
            arrays[name].append(array.tolist())
    arrays["threshold"] = [[float(t) for t in row] for row in arrays["threshold"]]
    arrays["value"] = [[round(v, value_digits) for v in row] for row in arrays["value"]]
    arrays["depth"] = depth
    return arrays


def baseline(model) -> float:
    """The ensemble's starting log-odds."""
    return float(np.ravel(model._baseline_prediction)[0])
