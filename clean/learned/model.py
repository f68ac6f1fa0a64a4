"""The shipped block model: a small gradient-boosted tree ensemble, evaluated with numpy.

The model file (JSON, written by training/train_block_model.py) holds the
feature names, the class/id vocabulary, a baseline log-odds and the trees as
padded arrays: per tree and node the feature, the threshold, the children and
the value (log-odds; an inner node's value is the mean of its leaves weighted
by training samples, which is what the explanations compare against).

All blocks of a page go down all trees at once: one numpy step per tree
level, so a page of a thousand blocks costs a fraction of a millisecond
beyond its features. Loading is cached (the arrays are never written to).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from clean.learned.features import Vocabulary, feature_names, page_features
from clean.model import Document

if TYPE_CHECKING:
    import numpy as np

FORMAT = "clean-learned-trees/1"
DEFAULT_MODEL = "block_model.json"


@dataclass(frozen=True, eq=False)
class TreeModel:
    vocabulary: Vocabulary
    names: tuple[str, ...]
    baseline: float
    # Per tree and node (padded to the largest tree); a leaf's children are itself.
    feature: np.ndarray  # int, 0 at leaves
    threshold: np.ndarray  # go left when x <= threshold
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # log-odds contribution of the node
    depth: int
    # Content when the probability is at least this: the best for the model
    # alone on every block, and the best for the pipeline stage (after the
    # rules and heuristics), both chosen on out-of-fold tune pages.
    threshold_probability: float
    stage_threshold: float
    info: dict
    # Stacked: the first ensemble's probabilities, summarised over each block's
    # surroundings (clean/learned/stacking.py), are extra columns for this one.
    first: TreeModel | None = None

    @property
    def trees(self) -> int:
        return int(self.feature.shape[0])

    def features(self, doc: Document) -> np.ndarray:
        """The rows this model reads: block features, then (stacked) the first pass's context."""
        import numpy as np

        from clean.learned.stacking import stack_columns

        matrix, layout = page_features(doc, self.vocabulary)
        if self.first is None:
            return matrix
        first_pass = self.first.probabilities(matrix)
        return np.concatenate([matrix, stack_columns(first_pass, layout)], axis=1)

    def _walk(self, matrix: np.ndarray):
        """Yield (feature, node, child) per tree level: arrays of shape (rows, trees).

        Nodes are numbered across all trees (tree * width + node), so every
        step is a one-dimensional take, the fastest gather numpy has.
        """
        import numpy as np

        rows, columns = matrix.shape
        width = self.feature.shape[1]
        offsets = (np.arange(self.trees) * width)[None, :]
        feature, threshold = self.feature.ravel(), self.threshold.ravel()
        left, right = (self.left + offsets.T).ravel(), (self.right + offsets.T).ravel()
        flat = np.ascontiguousarray(matrix, dtype=np.float64).ravel()
        row_start = (np.arange(rows) * columns)[:, None]
        node = np.broadcast_to(offsets, (rows, self.trees))
        for _ in range(self.depth):
            split_on = feature.take(node)
            go_left = flat.take(row_start + split_on) <= threshold.take(node)
            child = np.where(go_left, left.take(node), right.take(node))
            yield split_on, node, child
            node = child

    def leaves(self, matrix: np.ndarray) -> np.ndarray:
        """The node each row ends in, per tree, numbered across trees: shape (rows, trees)."""
        import numpy as np

        node = np.broadcast_to(
            (np.arange(self.trees) * self.feature.shape[1])[None, :], (matrix.shape[0], self.trees)
        )
        for _, _, child in self._walk(matrix):
            node = child
        return node

    def log_odds(self, matrix: np.ndarray) -> np.ndarray:
        import numpy as np

        if matrix.shape[0] == 0:
            return np.zeros(0)
        return self.baseline + self.value.ravel().take(self.leaves(matrix)).sum(axis=1)

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        import numpy as np

        return 1.0 / (1.0 + np.exp(-self.log_odds(matrix)))

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Per row and feature, how much it moved the log-odds (rows, features).

        Each split on a row's path moves the prediction from the node's value
        to the child's; the move is credited to the split's feature (Saabas'
        method). Per row the contributions add up to log-odds - baseline - the
        trees' root values.
        """
        import numpy as np

        rows = matrix.shape[0]
        credit = np.zeros((rows, len(self.names)))
        value = self.value.ravel()
        row_index = np.broadcast_to(np.arange(rows)[:, None], (rows, self.trees))
        for feature, node, child in self._walk(matrix):
            # A leaf is its own child: it moves nothing, whatever its feature slot says.
            np.add.at(credit, (row_index, feature), value.take(child) - value.take(node))
        return credit


def _array(values: list, dtype: str) -> np.ndarray:
    import numpy as np

    array = np.asarray(values, dtype=dtype)
    array.setflags(write=False)  # shared between threads: nobody may write to it
    return array


def model_from_dict(data: dict) -> TreeModel:
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} model file (format {data.get('format')!r})")
    from clean.learned.stacking import STACK_NAMES

    vocabulary = Vocabulary(tuple(data["vocabulary"]))
    first = None
    names = feature_names(vocabulary)
    if "first" in data:
        first = model_from_dict({**data["first"], "vocabulary": data["vocabulary"]})
        names += STACK_NAMES
    if tuple(data["features"]) != names:
        raise ValueError("the model's features differ from this version's (retrain the model)")
    trees = data["trees"]
    return TreeModel(
        vocabulary=vocabulary,
        names=names,
        baseline=float(data["baseline"]),
        feature=_array(trees["feature"], "int32"),
        threshold=_array(trees["threshold"], "float64"),
        left=_array(trees["left"], "int32"),
        right=_array(trees["right"], "int32"),
        value=_array(trees["value"], "float64"),
        depth=int(trees["depth"]),
        threshold_probability=float(data.get("threshold", 0.5)),
        stage_threshold=float(data.get("stage_threshold", data.get("threshold", 0.5))),
        info=data.get("info", {}),
        first=first,
    )


def load_model_file(path: str | Path) -> TreeModel:
    return model_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


@cache
def shipped_model(name: str = DEFAULT_MODEL) -> TreeModel:
    """The model in clean/learned/data/, loaded once per process."""
    text = resources.files("clean.learned").joinpath("data", name).read_text(encoding="utf-8")
    return model_from_dict(json.loads(text))


def score_document(doc: Document, model: TreeModel | None = None) -> np.ndarray:
    """Probability that each block of `doc` is content, in block order."""
    model = model or shipped_model()
    return model.probabilities(model.features(doc))
