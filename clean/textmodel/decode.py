"""From per-line log-odds to the lines kept: the cut that maximises the page's expected F1.

The benchmark scores a page by the F1 of its kept tokens against the gold's,
and how sure the model must be before a line is worth keeping depends on the
page. Adding a line raises the expected F1 when its probability exceeds
about half the F1 already expected: on a page the model is sure of (an
article, expected F1 0.95) a line needs about 0.48, on a page it is unsure
of (a product page with a few doubtful blurbs) a line at 0.3 is worth
keeping, since missing the article would cost more than the extra words.
So the cut is chosen per page:

1. Each line's content probability p = sigmoid(temperature x log-odds + shift)
   (the two settings recalibrate the trees' odds for this use).
2. The page's expected gold is G = sum of p x tokens over all its lines.
3. Lines open to the model are ranked by p; keeping the top k gives an
   expected F1 of 2 x sum(p x tokens) / (sum(tokens) + G) over those k, and
   the k with the highest value is kept (a plug-in estimate of the F1-optimal
   set, which keeps the most probable lines first).

Training (training/text_train.py) chooses temperature and shift on
out-of-fold tune pages with this very function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Cut:
    """The decoded page: which lines stay, and the probability of the last line kept."""

    keep: np.ndarray  # bool per line
    probability: np.ndarray  # recalibrated content probability per line
    threshold: float  # the probability of the least probable line kept
    expected_f1: float


def content_probability(log_odds: np.ndarray, decoding: dict[str, float]) -> np.ndarray:
    import numpy as np

    return 1.0 / (1.0 + np.exp(-(decoding["temperature"] * log_odds + decoding["shift"])))


def decode(
    log_odds: np.ndarray, tokens: np.ndarray, open_to_model: np.ndarray, decoding: dict[str, float]
) -> Cut:
    """The lines kept: among those open to the model, the most probable ones up to the best cut."""
    import numpy as np

    p = content_probability(log_odds, decoding)
    keep = np.zeros(len(p), dtype=bool)
    expected_gold = float((p * tokens).sum())
    # Stable, so equal probabilities keep page order and the cut is reproducible.
    order = np.argsort(-p, kind="stable")
    order = order[open_to_model[order]]
    if not len(order) or expected_gold <= 0:
        return Cut(keep, p, 1.0, 0.0)
    expected = 2.0 * np.cumsum((p * tokens)[order]) / (np.cumsum(tokens[order]) + expected_gold)
    last = int(np.argmax(expected))
    keep[order[: last + 1]] = True
    return Cut(keep, p, float(p[order[last]]), float(expected[last]))
