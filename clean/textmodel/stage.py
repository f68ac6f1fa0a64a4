"""The line-model stage (text mode): the learned model's second opinion on the rule stages.

It runs after the rule and heuristic stages and reads what they decided as
features (clean/textmodel/features.py). The shipped tree model gives every
line a content log-odds; its second pass reads those log-odds in context
(clean/textmodel/context.py: the line's neighbours, paragraph and page), and
the stage decides on a blend of both passes' log-odds (the second pass's
share is the model's `second_share`); decoding (clean/textmodel/decode.py)
keeps the most probable lines up to the cut that maximises the page's expected F1.

- A kept line under the cut goes: `model-header` above the first line the
  model keeps, `model-footer` below the last, `model-boilerplate` between them.
- A line page-edges or headline-list removed that clears the cut is
  restored (`model-content`); the undone removal stays on
  record (Document.overridden), and the line gets a note saying why
  (Document.notes). Removals by the named rules (cues, consent, crumbs,
  menus, repeats) stand: the model never overrules them.
- When decoding would keep nothing, the stage leaves the page as the rules left it;
  so it does with texts under `Options.line_model_min_lines` lines (the model
  learned from whole page dumps, and short texts are outside what it saw).

Every reason names the line's probability, the page's cut and the features that weighed most;
when the line's own lexical score is one of them, the words that weighed most
in it too (e.g. `[words "shipping" -1.3, "returns" -0.9]`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING

from clean.model import Block, Document
from clean.options import Options
from clean.stage import Stage

if TYPE_CHECKING:
    import numpy as np

    from clean.learned.trees import TreeEnsemble
    from clean.textmodel.decode import Cut
    from clean.textmodel.trees import LineModel

STAGE_NAME = "line-model"
# The rule stages whose removals the model judges again (the others stand): both guess
# from a line's shape and place, not from what it says. A headline list's shape (runs of
# short, title-like lines) is also that of a listing's items, a recipe index or a service's
# feature list; with these open, WCXB tune out of fold 0.8394 -> 0.8405, held-out 0.8297 ->
# 0.8310 (training/README.md). Opening cues, crumbs, menus, repeats or consent gained
# nothing or lost: the model trusts those removals.
REJUDGED_STAGES = frozenset({"page-edges", "headline-list"})
TOP_FEATURES = 3


def _span(doc: Document, stretch: tuple[int, int]) -> str:
    start, end = doc.blocks[stretch[0]].lines, doc.blocks[stretch[1]].lines
    if start is None or end is None:
        return f"blocks {stretch[0] + 1}-{stretch[1] + 1}"
    return f"lines {start[0]}-{end[1]}"


@dataclass(frozen=True)
class Explained:
    """What the reasons read: the ensemble that decided, its rows and credits, and the first pass's."""

    model: LineModel
    ensemble: TreeEnsemble  # the model itself, or its second pass
    texts: list[str]
    matrix: np.ndarray  # the decided rows (all lines)
    credit: np.ndarray  # the changed lines' credits in the log-odds decided on, row by row
    first_credit: np.ndarray | None  # the first pass's credits of the changed lines, when stacked


def _weightiest(explained: Explained, index: int, row: int, direction: int) -> str:
    credit = explained.credit[row]
    order = sorted(range(len(credit)), key=lambda i: direction * credit[i], reverse=True)[:TOP_FEATURES]
    named = [_named(explained, index, row, i) for i in order if direction * credit[i] > 0]
    return ", ".join(named) or "no single feature"


def _named(explained: Explained, index: int, row: int, column: int) -> str:
    """A feature, its value and its credit; the line's own lexical score also names its weightiest words,
    the first pass's log-odds (stacked) the first pass's weightiest features."""
    from clean.textmodel.context import CONTEXT_NAMES
    from clean.textmodel.features import LEXICAL

    name, value = explained.ensemble.names[column], explained.matrix[index, column]
    credit = explained.credit[row, column]
    named = f"{name} {value:.2f} ({credit:+.1f})"
    direction = 1 if credit > 0 else -1
    if name == CONTEXT_NAMES[0] and explained.first_credit is not None:
        first = explained.first_credit[row]
        order = sorted(range(len(first)), key=lambda i: direction * first[i], reverse=True)[:2]
        names = explained.model.names
        inner = [f"{names[i]} {explained.matrix[index, i]:.2f} ({first[i]:+.1f})" for i in order]
        inner = [text for i, text in zip(order, inner, strict=True) if direction * first[i] > 0]
        return f"{named} [first pass: " + ", ".join(inner) + "]" if inner else named
    if name != LEXICAL[0]:
        return named
    words = explained.model.lexicon.weightiest_words(explained.texts[index], direction)
    if not words:
        return named
    return f"{named} [words " + ", ".join(f'"{w}" {weight:+.1f}' for w, weight in words) + "]"


def _reason(verdict: str, probability: float, log_odds: float, cut: Cut, weightiest: str) -> str:
    odds = f"content probability {probability:.2f} (log-odds {log_odds:+.1f})"
    page = f"the page's cut {cut.threshold:.2f} (expected F1 {cut.expected_f1:.2f})"
    return f"line model: {verdict}; {odds}, {page}; {weightiest}"


def _reason_later(
    verdict: str, probability: float, log_odds: float, cut: Cut, explained: Explained, index: int, row: int
) -> str:
    """A restored line's reason, when it is read."""
    return _reason(verdict, probability, log_odds, cut, _weightiest(explained, index, row, +1))


def _rejudgeable(block: Block) -> bool:
    return block.removal is None or block.removal.stage in REJUDGED_STAGES


def run(doc: Document, options: Options) -> None:
    import numpy as np

    from clean.textmodel.context import context_columns
    from clean.textmodel.decode import decode
    from clean.textmodel.features import kept_tokens, line_shape, page_matrix
    from clean.textmodel.trees import blend_passes, shipped_model

    if len(doc.blocks) < options.line_model_min_lines:
        return
    model = shipped_model()
    shapes = [line_shape(b.text) for b in doc.blocks]
    matrix = page_matrix(doc, options, model.lexicon, shapes)
    log_odds = model.log_odds(matrix)
    # The tokens each line adds to the output when kept (as the benchmark counts them).
    pairs = zip(doc.blocks, shapes, strict=True)
    tokens = np.array([kept_tokens(b, shape) if b.kept else shape.tokens for b, shape in pairs], dtype=float)
    decided_by, decided_on = model, matrix
    if model.second is not None:
        line_numbers = np.array([b.lines[0] if b.lines else b.index for b in doc.blocks])
        decided_by = model.second
        decided_on = np.hstack([matrix, context_columns(log_odds, tokens, line_numbers)])
        log_odds = blend_passes(log_odds, decided_by.log_odds(decided_on), model.second_share)
    open_to_model = np.array([_rejudgeable(b) for b in doc.blocks])
    cut = decode(log_odds, tokens, open_to_model, model.decoding)
    keep = cut.keep
    if not keep.any():
        return  # a page the model finds no article in keeps the rules' result
    changes = [
        b.index for b in doc.blocks if open_to_model[b.index] and keep[b.index] != b.kept and not b.trims
    ]
    if not changes:
        return
    texts = [b.text for b in doc.blocks]
    credit = decided_by.contributions(decided_on[changes])
    first_credit = None
    if model.second is not None:
        first_credit = model.contributions(matrix[changes])
        # The blend's credits: each pass's, by its share (the first pass's on its own features).
        credit *= model.second_share
        credit[:, : matrix.shape[1]] += (1.0 - model.second_share) * first_credit
    explained = Explained(model, decided_by, texts, decided_on, credit, first_credit)
    kept_at = np.flatnonzero(keep)
    stretch = (int(kept_at[0]), int(kept_at[-1]))
    span = _span(doc, stretch)
    for row, index in enumerate(changes):
        block, value, probability = doc.blocks[index], float(log_odds[index]), float(cut.probability[index])
        if keep[index]:
            if options.enabled("model-content"):
                # Written when first read (model.DeferredOverride, model.Notes): most callers never do.
                verdict = f"content of the article ({span})"
                later = partial(_reason_later, verdict, probability, value, cut, explained, index, row)
                reason = cache(later)  # the override's and the note's: one string, written once
                if doc.restore(block, STAGE_NAME, "model-content", reason):
                    doc.note(index, reason)  # the report says why the line stayed
            continue
        why = _weightiest(explained, index, row, -1)
        if index < stretch[0]:
            rule, verdict = "model-header", f"above the article ({span})"
        elif index > stretch[1]:
            rule, verdict = "model-footer", f"below the article ({span})"
        else:
            rule, verdict = "model-boilerplate", f"boilerplate inside the article ({span})"
        if options.enabled(rule):
            doc.remove(block, STAGE_NAME, rule, _reason(verdict, probability, value, cut, why))


STAGE = Stage(
    STAGE_NAME,
    run,
    kinds=("text",),
    summary="learned line model: keeps the lines up to the page's expected-F1 cut (text)",
)
