"""From per-line log-odds to the lines kept: the best stretch, then sure removals inside it.

1. Each line gains (log-odds - bias), scaled up for longer lines
   (1 + length_weight * log(1 + words)): a paragraph's verdict weighs more
   than a label's.
2. The article is the stretch with the highest total gain (maximum-sum
   segment): it starts and ends with lines the model calls content and
   bridges the doubtful lines between them.
3. Inside the stretch a line goes only when its log-odds fall below
   `inside_min` (the model is sure it is boilerplate); everything outside goes.

Training (training/text_train.py) chooses bias, length_weight and inside_min
on out-of-fold tune pages with this very function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def best_stretch(gain: np.ndarray) -> tuple[int, int] | None:
    """(first, last) of the maximum-sum segment, inclusive; None when no line gains anything."""
    best, total, start = 0.0, 0.0, 0
    found = None
    for index, value in enumerate(gain.tolist()):
        if total <= 0:
            total, start = value, index
        else:
            total += value
        if total > best:
            best, found = total, (start, index)
    return found


def line_gain(log_odds: np.ndarray, words: np.ndarray, decoding: dict[str, float]) -> np.ndarray:
    import numpy as np

    return (log_odds - decoding["bias"]) * (1.0 + decoding["length_weight"] * np.log1p(words))


def decode(
    log_odds: np.ndarray, words: np.ndarray, decoding: dict[str, float]
) -> tuple[tuple[int, int] | None, np.ndarray]:
    """(stretch, keep): the article's stretch and, per line, whether the model keeps it."""
    import numpy as np

    keep = np.zeros(len(log_odds), dtype=bool)
    stretch = best_stretch(line_gain(log_odds, words, decoding))
    if stretch is not None:
        first, last = stretch
        keep[first : last + 1] = log_odds[first : last + 1] >= decoding["inside_min"]
    return stretch, keep
