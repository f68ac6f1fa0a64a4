"""The shipped line model: a small gradient-boosted tree ensemble in JSON, evaluated with numpy.

The file (written by training/text_train.py) holds the feature names, a
baseline log-odds, the trees as padded arrays (per tree and node: feature,
threshold, children, value; a leaf is its own child; an inner node's value
is the sample-weighted mean of its leaves, which the explanations compare
against), the decoding settings chosen on out-of-fold tune pages, the
lexicon whose word weights feed the lexical features (clean/textmodel/lexicon.py),
and, stacked, the second pass and its share of the log-odds the stage decides on.
The trees are evaluated by clean/learned/trees.py, shared with the HTML block model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from clean.learned.trees import TreeEnsemble, ensemble_fields
from clean.textmodel.context import CONTEXT_NAMES
from clean.textmodel.features import FEATURE_NAMES
from clean.textmodel.lexicon import Lexicon, lexicon_from_dict

FORMAT = "clean-line-trees/1"
MODEL_FILE = "line_model.json"


@dataclass(frozen=True, eq=False, kw_only=True)
class LineModel(TreeEnsemble):
    """The line model: the trees (clean/learned/trees.py) and its decoding settings."""

    decoding: dict[str, float]
    lexicon: Lexicon
    # Stacked: a second ensemble that reads the features and, after them, the
    # first pass's log-odds in context (clean/textmodel/context.py); None: one pass.
    second: TreeEnsemble | None = None
    # The second pass's share of the log-odds decided on, the rest the first pass's:
    # the blend of the two passes errs less than either (chosen in training).
    second_share: float = 1.0


def blend_passes(first, second, share: float):
    """The log-odds the stage decides on: the second pass's `share` of them, the rest the
    first pass's (arrays of log-odds per line; training/text_train.py chooses the share with it)."""
    return share * second + (1.0 - share) * first


def model_from_dict(data: dict) -> LineModel:
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} model file (format {data.get('format')!r})")
    if tuple(data["features"]) != FEATURE_NAMES:
        raise ValueError(
            "the line model's features differ from this version's (retrain: training/text_train.py)"
        )
    second, share = None, 1.0
    if "second" in data:
        if tuple(data["second"]["features"]) != FEATURE_NAMES + CONTEXT_NAMES:
            raise ValueError("the second pass's features differ from this version's (retrain)")
        second = TreeEnsemble(names=FEATURE_NAMES + CONTEXT_NAMES, **ensemble_fields(data["second"]))
        share = float(data["second"].get("share", 1.0))
    return LineModel(
        names=FEATURE_NAMES,
        **ensemble_fields(data),
        decoding={k: float(v) for k, v in data["decoding"].items()},
        lexicon=lexicon_from_dict(data["lexicon"]),
        second=second,
        second_share=share,
    )


@cache
def shipped_model() -> LineModel:
    """The model in clean/textmodel/data/, loaded once per process."""
    text = resources.files("clean.textmodel").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return model_from_dict(json.loads(text))
