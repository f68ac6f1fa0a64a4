"""The shipped block model: a small gradient-boosted tree ensemble, evaluated with numpy.

The model file (JSON, written by training/train_block_model.py) holds the
feature names, the class/id vocabulary, a baseline log-odds and the trees as
padded arrays: per tree and node the feature, the threshold, the children and
the value (log-odds; an inner node's value is the mean of its leaves weighted
by training samples, which is what the explanations compare against).

The trees are evaluated by clean/learned/trees.py (shared with text mode's
line model). Loading is cached (the arrays are never written to).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from clean.learned.features import PageLayout, Vocabulary, feature_names, page_features
from clean.learned.lexical import LexicalModel
from clean.learned.lexical import model_from_dict as lexical_from_dict
from clean.learned.trees import TreeEnsemble, ensemble_fields
from clean.model import Document

if TYPE_CHECKING:
    import numpy as np

FORMAT = "clean-learned-trees/1"
DEFAULT_MODEL = "block_model.json"


@dataclass(frozen=True, eq=False, kw_only=True)
class TreeModel(TreeEnsemble):
    """The block model: the trees (clean/learned/trees.py) and what its features need."""

    vocabulary: Vocabulary
    # Content when the probability is at least this: the best for the model
    # alone on every block, and the best for the pipeline stage (after the
    # rules and heuristics), both chosen on out-of-fold tune pages.
    threshold_probability: float
    stage_threshold: float
    # The per-page cut's recalibration (clean/learned/page_cut.py): {"temperature", "shift"},
    # chosen on out-of-fold tune pages; None: the stage uses stage_threshold on every page.
    decoding: dict[str, float] | None = None
    info: dict
    # Stacked: the first ensemble's probabilities, summarised over each block's
    # surroundings (clean/learned/stacking.py), are extra columns for this one.
    first: TreeModel | None = None
    # Word-level models (clean/learned/lexical.py) whose scores are the last columns; None: no words.
    lexical: LexicalModel | None = None

    def features(self, doc: Document) -> np.ndarray:
        """The rows this model reads: block features, then (stacked) the first pass's context."""
        return self.features_and_layout(doc)[0]

    def features_and_layout(self, doc: Document) -> tuple[np.ndarray, PageLayout | None]:
        """features(), and the page layout the block features were computed from (page_features)."""
        import numpy as np

        from clean.learned.stacking import stack_columns

        matrix, layout = page_features(doc, self.vocabulary, self.lexical)
        if self.first is None:
            return matrix, layout
        first_pass = self.first.probabilities(matrix)
        return np.concatenate([matrix, stack_columns(first_pass, layout)], axis=1), layout


def model_from_dict(data: dict) -> TreeModel:
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} model file (format {data.get('format')!r})")
    from clean.learned.stacking import STACK_NAMES

    vocabulary = Vocabulary(tuple(data["vocabulary"]))
    lexical = lexical_from_dict(data["lexical"]) if data.get("lexical") else None
    first = None
    names = feature_names(vocabulary, lexical is not None)
    if "first" in data:
        first = model_from_dict(
            {**data["first"], "vocabulary": data["vocabulary"], "lexical": data.get("lexical")}
        )
        names += STACK_NAMES
    if tuple(data["features"]) != names:
        raise ValueError("the model's features differ from this version's (retrain the model)")
    return TreeModel(
        vocabulary=vocabulary,
        names=names,
        **ensemble_fields(data),
        threshold_probability=float(data.get("threshold", 0.5)),
        stage_threshold=float(data.get("stage_threshold", data.get("threshold", 0.5))),
        decoding={k: float(v) for k, v in data["decoding"].items()} if data.get("decoding") else None,
        info=data.get("info", {}),
        first=first,
        lexical=lexical,
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
