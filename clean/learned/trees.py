"""A gradient-boosted tree ensemble evaluated with numpy: shared by both learned models.

The HTML block model (clean/learned/model.py) and the text line model
(clean/textmodel/trees.py) ship their trees in the same padded layout, written
by their training scripts: per tree and node the feature, the threshold, the
children and the value (log-odds; an inner node's value is the mean of its
leaves weighted by training samples, which is what the explanations compare
against; a leaf is its own child).

All rows of a page go down all trees at once: one numpy step per tree level,
so a page of a thousand blocks or lines costs a fraction of a millisecond
beyond its features. For the log-odds the trees are laid out again at load
time as complete binary trees, level by level (HeapTrees): a node's children
are then found by arithmetic instead of two more look-ups per level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, eq=False)
class TreeEnsemble:
    names: tuple[str, ...]
    baseline: float
    # Per tree and node (padded to the largest tree); a leaf's children are itself.
    feature: np.ndarray  # int, 0 at leaves
    threshold: np.ndarray  # go left when x <= threshold
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # log-odds contribution of the node
    depth: int
    # The same trees as complete binary trees, for log_odds (None: too deep to pad).
    heap: HeapTrees | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        heap = HeapTrees.of(self) if self.depth <= HeapTrees.MAX_DEPTH else None
        object.__setattr__(self, "heap", heap)

    @property
    def trees(self) -> int:
        return int(self.feature.shape[0])

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
        if self.heap is not None:
            return self.baseline + self.heap.leaf_values(matrix).sum(axis=1)
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

        rows, width = matrix.shape[0], len(self.names)
        value = self.value.ravel()
        row_start = (np.arange(rows) * width)[:, None]
        cells, moves = [], []
        for feature, node, child in self._walk(matrix):
            # A leaf is its own child: it moves nothing, whatever its feature slot says.
            cells.append((row_start + feature).ravel())
            moves.append((value.take(child) - value.take(node)).ravel())
        if not cells:
            return np.zeros((rows, width))
        # One bincount adds the moves in the order np.add.at did level by level
        # (levels, then rows, then trees), so every sum is the same to the last bit.
        credit = np.bincount(np.concatenate(cells), np.concatenate(moves), minlength=rows * width)
        return credit.reshape(rows, width)


@dataclass(frozen=True, eq=False)
class HeapTrees:
    """The ensemble's trees padded to complete binary trees of its depth, stored level by level.

    At level l, tree t's nodes are entries t * 2**l ... t * 2**l + 2**l - 1 of
    that level's arrays, so the node a row reaches next is 2 * node + 1 when it
    goes right and 2 * node when it goes left: one multiply-add instead of the
    two child look-ups and the select of the padded layout (log_odds of a page
    costs about half as much). A leaf above the last level is padded with a
    split whose two sides both lead to it, so every row still ends on the
    leaf's value: the same values in the same order, so the same sums to the
    last bit.
    """

    MAX_DEPTH = 12  # 2**12 leaves per tree: deeper trees keep the padded layout alone

    feature: tuple[np.ndarray, ...]  # per level: (trees * 2**level,) split feature
    threshold: tuple[np.ndarray, ...]  # per level: go left when x <= threshold
    value: np.ndarray  # (trees * 2**depth,) the value of the node each path ends on
    # The thresholds for float32 rows (the block features): per level, the largest float32 at
    # or below each threshold. A float32 x is at or below a threshold exactly when it is at or
    # below that float32, so the walk compares float32 with float32 (no cast of the rows'
    # values, half the bytes gathered): log_odds 0.58 -> 0.55 ms a page, every 5th WCXB page.
    threshold32: tuple[np.ndarray, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        float32 = tuple(_frozen(_float32_at_or_below(t)) for t in self.threshold)
        object.__setattr__(self, "threshold32", float32)

    @classmethod
    def of(cls, trees: TreeEnsemble) -> HeapTrees:
        import numpy as np

        count, depth = trees.trees, trees.depth
        features = [np.zeros((count, 2**level), dtype=np.intp) for level in range(depth)]
        thresholds = [np.zeros((count, 2**level)) for level in range(depth)]
        values = np.zeros((count, 2**depth))
        for tree in range(count):
            left, right = trees.left[tree], trees.right[tree]
            nodes = [0]  # the original nodes of this level, in heap order
            for level in range(depth):
                below = []
                for position, node in enumerate(nodes):
                    if left[node] == node:  # a leaf: both sides lead back to it
                        below += [node, node]
                        continue
                    features[level][tree, position] = trees.feature[tree, node]
                    thresholds[level][tree, position] = trees.threshold[tree, node]
                    below += [int(left[node]), int(right[node])]
                nodes = below
            values[tree] = trees.value[tree, nodes]
        return cls(
            tuple(_frozen(f.ravel()) for f in features),
            tuple(_frozen(t.ravel()) for t in thresholds),
            _frozen(values.ravel()),
        )

    def leaf_values(self, matrix: np.ndarray) -> np.ndarray:
        """The value each row ends on, per tree: shape (rows, trees)."""
        import numpy as np

        rows, columns = matrix.shape
        trees = len(self.feature[0]) if self.feature else len(self.value)
        flat = np.ascontiguousarray(matrix).ravel()
        # Float32 rows against the float32 thresholds decide as the padded walk does (a float32
        # value compared as float64 with the threshold itself).
        thresholds = self.threshold32 if flat.dtype == np.float32 else self.threshold
        row_start = (np.arange(rows, dtype=np.intp) * columns)[:, None]
        node = np.broadcast_to(np.arange(trees, dtype=np.intp)[None, :], (rows, trees))
        for feature, threshold in zip(self.feature, thresholds, strict=True):
            go_left = flat.take(row_start + feature.take(node)) <= threshold.take(node)
            node = 2 * node + 1
            node -= go_left  # NaN goes right, as in the padded walk
        return self.value.take(node)


def _float32_at_or_below(thresholds: np.ndarray) -> np.ndarray:
    """Per float64 threshold, the largest float32 at or below it."""
    import numpy as np

    with np.errstate(over="ignore"):  # beyond float32's range: the infinity, then its largest value
        rounded = thresholds.astype(np.float32)
    above = rounded.astype(np.float64) > thresholds
    rounded[above] = np.nextafter(rounded[above], np.float32(-np.inf))
    return rounded


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)  # shared between threads: nobody may write to it
    return array


def _array(values: list, dtype: str) -> np.ndarray:
    import numpy as np

    array = np.asarray(values, dtype=dtype)
    array.setflags(write=False)  # shared between threads: nobody may write to it
    return array


def ensemble_fields(data: dict) -> dict[str, Any]:
    """The TreeEnsemble fields but `names`, read from a model file's dict."""
    trees = data["trees"]
    return {
        "baseline": float(data["baseline"]),
        "feature": _array(trees["feature"], "int32"),
        "threshold": _array(trees["threshold"], "float64"),
        "left": _array(trees["left"], "int32"),
        "right": _array(trees["right"], "int32"),
        "value": _array(trees["value"], "float64"),
        "depth": int(trees["depth"]),
    }
