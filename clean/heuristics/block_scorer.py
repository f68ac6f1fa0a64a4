"""A small learned scorer: how likely a block is the page's content.

Two logistic regressions over named features (block_features.py): the first
reads each block on its own, the second adds what the first thought of the
block's neighbours and its parent element (the context-sensitive revision
jusText made familiar). The weights are data (data/block_scorer.json),
trained on the WCXB tune pages by `python -m clean.heuristics.train_block_scorer`.

Linear models keep the decision explainable: a block's score is a sum of
feature contributions, and the reason of a removal names the largest ones.
"""

from __future__ import annotations

import json
import math
import operator
from dataclasses import dataclass
from functools import cache
from importlib import resources

MODEL_FILE = "data/block_scorer.json"


@dataclass(frozen=True, slots=True)
class LinearModel:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    # The same model folded for speed: score = sum(slope * x) - offset.
    slopes: tuple[float, ...] = ()
    offset: float = 0.0

    @classmethod
    def from_dict(cls, data: dict) -> LinearModel:
        weights, mean, scale = tuple(data["weights"]), tuple(data["mean"]), tuple(data["scale"])
        slopes = tuple(w / s for w, s in zip(weights, scale, strict=True))
        offset = sum(k * m for k, m in zip(slopes, mean, strict=True))
        return cls(tuple(data["names"]), mean, scale, weights, slopes, offset)

    def to_dict(self) -> dict:
        return {"names": self.names, "mean": self.mean, "scale": self.scale, "weights": self.weights}

    def contributions(self, row: list[float]) -> list[float]:
        return [w * (x - m) / s for w, x, m, s in zip(self.weights, row, self.mean, self.scale, strict=True)]

    def score(self, row: list[float]) -> float:
        # The same sum as contributions(), folded: sum(w/s * x) - sum(w/s * m).
        total = sum(map(operator.mul, self.slopes, row)) - self.offset
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def explain(self, row: list[float], count: int = 3, *, against: bool = True) -> str:
        """The `count` features that pushed the score down (or up) the most, with their values."""
        pairs = sorted(zip(self.contributions(row), self.names, row, strict=True), reverse=not against)
        parts = [f"{name}={value:.2f} ({c:+.1f})" for c, name, value in pairs[:count] if (c < 0) == against]
        return ", ".join(parts) or "no single feature"


@dataclass(frozen=True, slots=True)
class BlockScorer:
    first: LinearModel
    second: LinearModel
    threshold: float
    # What it was trained on and how it did, for the record.
    provenance: str


@cache
def block_scorer() -> BlockScorer:
    data = json.loads(resources.files("clean.heuristics").joinpath(MODEL_FILE).read_text("utf-8"))
    return BlockScorer(
        first=LinearModel.from_dict(data["first"]),
        second=LinearModel.from_dict(data["second"]),
        threshold=float(data["threshold"]),
        provenance=str(data.get("provenance", "")),
    )
