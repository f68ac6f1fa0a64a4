"""Second-pass features: each block judged by what the first pass thinks of its surroundings.

The first tree ensemble scores every block on its own features and a small
window of neighbours. Teasers after an article, an author bio, comments and
grids of cards look like prose on their own; what gives them away is where
they sit: after the stretch the first pass believes in, in a container whose
other blocks it scores low, in a DOM shape repeated across the page. The
second ensemble reads the first pass's probabilities summarised over the
block's neighbours, ancestors, DOM-shape siblings and the page:

- the block's own first-pass probability, its neighbours' (±1, ±2), the mean
  over ±3 and ±10 blocks;
- the word-weighted mean over the blocks of its 1-, 2-, 3- and 5-up ancestor,
  and over the blocks with the same DOM shape (cards, comments, list items);
- how much of the page's first-pass content lies before and after it, the
  page's content share, and its signed distance to the best run (the stretch
  of consecutive blocks with the largest sum of (probability - 0.5) x words).

All are numpy operations over the page's arrays: a few hundred microseconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clean.learned.features import PageLayout, distance_to, shifted_rows

if TYPE_CHECKING:
    import numpy as np

PREFIX = "first pass: "
NEIGHBOURS = {-2: "2nd previous block", -1: "previous block", 1: "next block", 2: "2nd next block"}
WINDOWS = (3, 10)
ANCESTOR_LEVELS = (1, 2, 3, 5)
STACK_NAMES = tuple(
    PREFIX + name
    for name in (
        "probability",
        *NEIGHBOURS.values(),
        *(f"mean of \u00b1{w} blocks" for w in WINDOWS),
        *(f"mean over its {n}-up ancestor" for n in ANCESTOR_LEVELS),
        "mean over blocks of the same DOM shape",
        "content words before it (share)",
        "content words after it (share)",
        "page's content share",
        "blocks from the best run (share of page)",
    )
)


def best_run(gain: np.ndarray) -> np.ndarray:
    """1.0 for the blocks of the contiguous stretch with the largest sum of `gain`."""
    import numpy as np

    n = len(gain)
    inside = np.zeros(n)
    if not n or gain.max() <= 0:
        return inside
    prefix = np.concatenate(([0.0], np.cumsum(gain)))
    lowest = np.minimum.accumulate(prefix)
    end = int(np.argmax(prefix - lowest))  # the run ends before block `end`
    start = int(np.argmin(prefix[: end + 1]))
    inside[start:end] = 1.0
    return inside


def stack_columns(probability: np.ndarray, layout: PageLayout | None) -> np.ndarray:
    """The second-pass columns (STACK_NAMES order) of a page, float32."""
    import numpy as np

    n = len(probability)
    if layout is None or not n:
        return np.zeros((n, len(STACK_NAMES)), dtype=np.float32)
    p = probability.astype(np.float64)
    columns = [p]
    for offset in NEIGHBOURS:
        columns.append(shifted_rows(p, offset))
    cumulative = np.concatenate(([0.0], np.cumsum(p)))
    positions = np.arange(n)
    for width in WINDOWS:
        low = np.clip(positions - width, 0, n)
        high = np.clip(positions + width + 1, 0, n)
        columns.append((cumulative[high] - cumulative[low]) / (high - low))

    # Word-weighted means over containers: a one-word block still counts a little.
    weight = layout.words + 1.0
    elements = layout.elements
    count = len(elements.paths)
    held = np.zeros((count, 2))
    held[:, 0] = np.bincount(elements.block_element, weights=p * weight, minlength=count)
    held[:, 1] = np.bincount(elements.block_element, weights=weight, minlength=count)
    for ids_at_depth in reversed(elements.levels[1:]):  # children before parents
        np.add.at(held, elements.parent[ids_at_depth], held[ids_at_depth])
    ancestor, level = elements.block_element, 0
    for wanted in ANCESTOR_LEVELS:
        while level < wanted:
            ancestor, level = elements.parent[ancestor], level + 1
        columns.append(held[ancestor, 0] / held[ancestor, 1])
    _, shape_of = np.unique(np.asarray(layout.shape_keys, dtype=object).astype(str), return_inverse=True)
    shape_sum = np.bincount(shape_of, weights=p * weight)
    shape_weight = np.bincount(shape_of, weights=weight)
    columns.append(shape_sum[shape_of] / shape_weight[shape_of])

    content = p * layout.words
    total = max(float(content.sum()), 1e-9)
    before = np.cumsum(content) - content
    columns.append(before / total)
    columns.append((total - before - content) / total)
    columns.append(np.full(n, float(content.sum()) / max(float(layout.words.sum()), 1.0)))
    columns.append(distance_to(best_run((p - 0.5) * weight)))
    return np.stack(columns, axis=1).astype(np.float32)
