"""Per-block reasons for the learned scorer's decisions.

A reason names the probability, the threshold it was compared with, and the
two or three features that pushed the block hardest towards the decision,
each with the block's own value and how far it moved the log-odds, e.g.

    learned scorer: content probability 0.08 (below the page's cut 0.45, expected F1 0.91):
    link density 0.92 (-1.4), inside nav yes (-0.8), words 3 (-0.5)

(with a fixed threshold instead of the page's cut: "(below 0.25)").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from clean.learned.model import TreeModel

TOP_FEATURES = 3
LOG_SUFFIX = " (log)"
# (block index, column name, direction) -> the words behind a word-level column, or "" (lexical.py).
WordDetail = Callable[[int, str, int], str]


def readable_value(name: str, value: float) -> tuple[str, str]:
    """(name, value) as a person reads them: counts instead of logs, yes/no for flags."""
    if name.endswith(LOG_SUFFIX):
        return name[: -len(LOG_SUFFIX)], f"{math.expm1(value):.0f}"
    if name.startswith(("inside ", "kind ", "tag ", "class/id word", "has ", "page declares ")) or name in (
        "ends like a sentence",
        "after the first h1",
    ):
        return name, "yes" if value >= 0.5 else "no"
    if name == "DOM depth":
        return name, f"{value:.0f}"
    return name, f"{value:.2f}"


def top_reasons(
    model: TreeModel,
    row: np.ndarray,
    credit: np.ndarray,
    direction: int,
    top: int = TOP_FEATURES,
    words: Callable[[str, int], str] | None = None,
) -> list[str]:
    """The features whose credit points most in `direction` (+1 content, -1 boilerplate).

    `words(name, direction)`: for a word-level column, the words that pushed it most that way.
    """
    import numpy as np

    strongest = (
        np.argpartition(-direction * credit, top)[:top] if len(credit) > top else np.arange(len(credit))
    )
    order = sorted(strongest.tolist(), key=lambda i: direction * credit[i], reverse=True)
    reasons = []
    for i in order:
        if direction * credit[i] <= 0:
            break
        name, value = readable_value(model.names[i], float(row[i]))
        detail = words(model.names[i], direction) if words else ""
        reasons.append(f"{name} {value} ({credit[i]:+.1f}{'; ' + detail if detail else ''})")
    return reasons


def explain(
    model: TreeModel,
    row: np.ndarray,
    credit: np.ndarray,
    probability: float,
    threshold: float,
    words: Callable[[str, int], str] | None = None,
    expected_f1: float | None = None,
) -> str:
    """One line: the probability against the threshold, and the features behind the verdict.

    `expected_f1`: the threshold is the page's cut (clean/learned/page_cut.py), which
    expects this F1 on the page.
    """
    content = probability >= threshold
    side = "at or above" if content else "below"
    reasons = top_reasons(model, row, credit, 1 if content else -1, words=words)
    because = ": " + ", ".join(reasons) if reasons else ""
    # Three decimals when two would print the probability equal to the threshold.
    shown = f"{probability:.3f}" if f"{probability:.2f}" == f"{threshold:.2f}" else f"{probability:.2f}"
    against = f"{threshold:.2f}"
    if expected_f1 is not None:
        against = f"the page's cut {against}, expected F1 {expected_f1:.2f}"
    return f"learned scorer: content probability {shown} ({side} {against}){because}"


def explain_rows(
    model: TreeModel,
    matrix: np.ndarray,
    rows: list[int],
    probabilities: np.ndarray,
    threshold: float,
    words: WordDetail | None = None,
    expected_f1: float | None = None,
) -> dict[int, str]:
    """Reasons for the given rows of a page's feature matrix (computed for those rows only).

    `words`: names the words behind the word-level columns (clean/learned/lexical.py).
    """
    if not rows:
        return {}
    credit = model.contributions(matrix[rows])
    reasons = {}
    for i, row in enumerate(rows):
        probability = float(probabilities[row])
        detail = (lambda name, direction, row=row: words(row, name, direction)) if words else None
        reasons[row] = explain(model, matrix[row], credit[i], probability, threshold, detail, expected_f1)
    return reasons


class ReasonsLater:
    """explain_rows for some rows of a page, run the first time one of their reasons is read.

    For removals whose reason is deferred (model.DeferredRemoval): only those
    rows of the matrix are kept, not the page's, and all of them are explained
    at once (one walk down the trees), as explain_rows would have then.
    """

    def __init__(
        self,
        model: TreeModel,
        matrix: np.ndarray,
        rows: list[int],
        probabilities: np.ndarray,
        threshold: float,
        words: WordDetail | None = None,
        expected_f1: float | None = None,
    ) -> None:
        self._rows = rows
        self._explain = (model, matrix[rows], probabilities[rows], threshold, words, expected_f1)
        self._reasons: dict[int, str] | None = None

    def reason(self, row: int) -> str:
        reasons = self._reasons
        if reasons is None:
            model, matrix, probabilities, threshold, words, expected_f1 = self._explain
            rows = self._rows
            # Rows are numbered within the kept ones; the words are looked up by block index.
            detail = (lambda i, name, direction: words(rows[i], name, direction)) if words else None
            found = explain_rows(
                model, matrix, list(range(len(rows))), probabilities, threshold, detail, expected_f1
            )
            reasons = self._reasons = {rows[i]: reason for i, reason in found.items()}
        return reasons[row]
