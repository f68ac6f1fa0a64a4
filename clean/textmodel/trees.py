"""The shipped line model: a small gradient-boosted tree ensemble in JSON, evaluated with numpy.

The file (written by training/text_train.py) holds the feature names, a
baseline log-odds, the trees as padded arrays (per tree and node: feature,
threshold, children, value; a leaf is its own child; an inner node's value
is the sample-weighted mean of its leaves, which the explanations compare
against), and the decoding settings chosen on out-of-fold tune pages.
All lines of a page go down all trees at once, one numpy step per level.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from clean.textmodel.features import FEATURE_NAMES

if TYPE_CHECKING:
    import numpy as np

FORMAT = "clean-line-trees/1"
MODEL_FILE = "line_model.json"


@dataclass(frozen=True, eq=False)
class LineModel:
    names: tuple[str, ...]
    baseline: float
    feature: np.ndarray  # (trees, nodes) int
    threshold: np.ndarray  # go left when x <= threshold
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # log-odds contribution of each node
    depth: int
    decoding: dict[str, float]

    def _walk(self, matrix: np.ndarray):
        """Yield (feature, node, child) per level, arrays (rows, trees); nodes numbered across trees."""
        import numpy as np

        rows, columns = matrix.shape
        trees, width = self.feature.shape
        offsets = np.arange(trees) * width
        feature, threshold = self.feature.ravel(), self.threshold.ravel()
        left, right = (self.left + offsets[:, None]).ravel(), (self.right + offsets[:, None]).ravel()
        flat = np.ascontiguousarray(matrix, dtype=np.float64).ravel()
        row_start = (np.arange(rows) * columns)[:, None]
        node = np.broadcast_to(offsets[None, :], (rows, trees))
        for _ in range(self.depth):
            split_on = feature.take(node)
            go_left = flat.take(row_start + split_on) <= threshold.take(node)
            child = np.where(go_left, left.take(node), right.take(node))
            yield split_on, node, child
            node = child

    def log_odds(self, matrix: np.ndarray) -> np.ndarray:
        import numpy as np

        if matrix.shape[0] == 0:
            return np.zeros(0)
        node = None
        for _, _, child in self._walk(matrix):
            node = child
        if node is None:  # trees of depth 0
            node = np.broadcast_to(
                np.arange(self.feature.shape[0]) * self.feature.shape[1], matrix.shape[:1] + (1,)
            )
        return self.baseline + self.value.ravel().take(node).sum(axis=1)

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Per row and feature, how far it moved the log-odds along the row's paths (Saabas' method)."""
        import numpy as np

        rows = matrix.shape[0]
        credit = np.zeros((rows, len(self.names)))
        value = self.value.ravel()
        row_index = np.broadcast_to(np.arange(rows)[:, None], (rows, self.feature.shape[0]))
        for feature, node, child in self._walk(matrix):
            # A leaf is its own child: it moves nothing, whatever its feature slot says.
            np.add.at(credit, (row_index, feature), value.take(child) - value.take(node))
        return credit


def _array(values: list, dtype: str) -> np.ndarray:
    import numpy as np

    array = np.asarray(values, dtype=dtype)
    array.setflags(write=False)  # shared between threads: nobody writes to it
    return array


def model_from_dict(data: dict) -> LineModel:
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} model file (format {data.get('format')!r})")
    if tuple(data["features"]) != FEATURE_NAMES:
        raise ValueError(
            "the line model's features differ from this version's (retrain: training/text_train.py)"
        )
    trees = data["trees"]
    return LineModel(
        names=FEATURE_NAMES,
        baseline=float(data["baseline"]),
        feature=_array(trees["feature"], "int32"),
        threshold=_array(trees["threshold"], "float64"),
        left=_array(trees["left"], "int32"),
        right=_array(trees["right"], "int32"),
        value=_array(trees["value"], "float64"),
        depth=int(trees["depth"]),
        decoding={k: float(v) for k, v in data["decoding"].items()},
    )


@cache
def shipped_model() -> LineModel:
    """The model in clean/textmodel/data/, loaded once per process."""
    text = resources.files("clean.textmodel").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return model_from_dict(json.loads(text))
