"""The line-model stage (text mode): the learned model's second opinion on the rule stages.

It runs after the rule and heuristic stages and reads what they decided as
features (clean/textmodel/features.py). The shipped tree model gives every
line a content log-odds; decoding (clean/textmodel/decode.py) picks the
article's stretch and the lines inside it the model is sure are boilerplate.

- A kept line outside the stretch goes as `model-header` / `model-footer`;
  a kept line inside it that the model is sure about goes as `model-boilerplate`.
- A line page-edges removed that falls inside the stretch and clears the
  inside threshold is restored (`model-content`); the undone removal stays on
  record (Document.overridden), and the line gets a note saying why
  (Document.notes). Removals by the named rules (cues, crumbs, headline
  lists, menus, repeats) stand: the model never overrules them.
- When decoding would keep nothing, the stage leaves the page as the rules left it;
  so it does with texts under `Options.line_model_min_lines` lines (the model
  learned from whole page dumps, and short texts are outside what it saw).

Every reason names the line's log-odds and the features that weighed most.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from clean.heuristics.line_score import line_text
from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage

if TYPE_CHECKING:
    import numpy as np

    from clean.textmodel.trees import LineModel

STAGE_NAME = "line-model"
# The rule stage whose removals the model judges again (the others stand).
REJUDGED_STAGE = "page-edges"
TOP_FEATURES = 3


def _span(doc: Document, stretch: tuple[int, int]) -> str:
    start, end = doc.blocks[stretch[0]].lines, doc.blocks[stretch[1]].lines
    if start is None or end is None:
        return f"blocks {stretch[0] + 1}-{stretch[1] + 1}"
    return f"lines {start[0]}-{end[1]}"


def _weightiest(model: LineModel, row: np.ndarray, credit: np.ndarray, direction: int) -> str:
    order = sorted(range(len(credit)), key=lambda i: direction * credit[i], reverse=True)[:TOP_FEATURES]
    named = [f"{model.names[i]} {row[i]:.2f} ({credit[i]:+.1f})" for i in order if direction * credit[i] > 0]
    return ", ".join(named) or "no single feature"


def _reason(verdict: str, log_odds: float, weightiest: str) -> str:
    probability = 1.0 / (1.0 + math.exp(-log_odds))
    odds = f"content probability {probability:.2f} (log-odds {log_odds:+.1f})"
    return f"line model: {verdict}; {odds}; {weightiest}"


def _rejudgeable(block: Block) -> bool:
    return block.removal is None or block.removal.stage == REJUDGED_STAGE


def run(doc: Document, options: Options) -> None:
    import numpy as np

    from clean.textmodel.decode import decode
    from clean.textmodel.features import page_matrix
    from clean.textmodel.trees import shipped_model

    if len(doc.blocks) < options.line_model_min_lines:
        return
    model = shipped_model()
    matrix = page_matrix(doc, options)
    log_odds = model.log_odds(matrix)
    words = np.array([line_text(b.text).words for b in doc.blocks], dtype=float)
    stretch, keep = decode(log_odds, words, model.decoding)
    open_to_model = np.array([_rejudgeable(b) for b in doc.blocks])
    keep &= open_to_model
    if stretch is None or not keep.any():
        return  # a page the model finds no article in keeps the rules' result
    changes = [
        b.index for b in doc.blocks if open_to_model[b.index] and keep[b.index] != b.kept and not b.trims
    ]
    if not changes:
        return
    credit = model.contributions(matrix[changes])
    span = _span(doc, stretch)
    for row, index in enumerate(changes):
        block, value = doc.blocks[index], float(log_odds[index])
        if keep[index]:
            if options.enabled("model-content"):
                why = _weightiest(model, matrix[index], credit[row], +1)
                reason = _reason(f"content inside the article ({span})", value, why)
                if doc.restore(block, STAGE_NAME, "model-content", reason):
                    doc.notes[index] = reason  # the report says why the line stayed
            continue
        why = _weightiest(model, matrix[index], credit[row], -1)
        if index < stretch[0]:
            rule, verdict = "model-header", f"above the article ({span})"
        elif index > stretch[1]:
            rule, verdict = "model-footer", f"below the article ({span})"
        else:
            rule, verdict = "model-boilerplate", f"boilerplate inside the article ({span})"
        if options.enabled(rule):
            doc.remove(block, STAGE_NAME, rule, _reason(verdict, value, why))


STAGE = Stage(
    STAGE_NAME,
    run,
    kinds=("text",),
    summary="learned line model: the article's stretch and sure boilerplate (text)",
)
