"""The second pass's context columns: what the first pass thought of a line's surroundings.

A line the first pass finds doubtful reads differently in the middle of a
run of confident article lines than among menu entries. The first pass sees
its neighbours' shapes and words, not its verdict on them; these columns give
the second ensemble (clean/textmodel/trees.py, `second`) that verdict: the
first-pass log-odds of the line and of the three lines on either side, means
and maxima over wider windows, the line's rank on the page, how far (in
lines and in words) the nearest confident line is, the paragraph it sits in
(html_text puts a blank line between the page's blocks, so a run of lines
between blank lines is one block of the page) and the share of the page's
expected content above and below it.

Training (training/text_train.py) feeds out-of-fold first-pass log-odds, so
the second pass learns from them as it will meet them on new sites.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clean.textmodel.features import BEYOND, paragraph_stats, window_max, window_mean

if TYPE_CHECKING:
    import numpy as np

# Lines on each side whose first-pass log-odds are columns of their own.
NEIGHBOURS = 3
# Window half-widths of the means and maxima.
WINDOWS = (5, 10)
# A line the first pass gives at least this probability is "confident content".
CONFIDENT = 0.8
# The distance given when the page has no confident line at all.
FAR = 1e4


def _names() -> tuple[str, ...]:
    offsets = [o for o in range(-NEIGHBOURS, NEIGHBOURS + 1) if o]
    windows = [
        name for w in WINDOWS for name in (f"first-pass log-odds within {w} lines (mean)",
                                           f"first-pass log-odds within {w} lines (max)")
    ]  # fmt: skip
    return (
        "first-pass log-odds",
        *(f"line {o:+d}: first-pass log-odds" for o in offsets),
        *windows,
        "first-pass rank on the page (share)",
        "lines to the nearest confident line (log)",
        "words to the nearest confident line (log)",
        "paragraph's first-pass log-odds (mean)",
        "paragraph's first-pass log-odds (max)",
        "paragraph lines (log)",
        "paragraph words (log)",
        "line's place in its paragraph (share)",
        "expected content words above (share)",
        "expected content words below (share)",
        "page's first-pass log-odds (mean)",
        "page's expected content share",
    )


CONTEXT_NAMES: tuple[str, ...] = _names()


def context_columns(log_odds: np.ndarray, tokens: np.ndarray, line_numbers: np.ndarray) -> np.ndarray:
    """One row per line, columns as CONTEXT_NAMES.

    `tokens` are the words each line adds when kept, `line_numbers` each
    line's number in the input text (a gap between two lines is a blank line).
    """
    import numpy as np

    n = len(log_odds)
    if n == 0:
        return np.zeros((0, len(CONTEXT_NAMES)))
    log_odds = np.asarray(log_odds, dtype=float)
    tokens = np.asarray(tokens, dtype=float)
    widest = max(NEIGHBOURS, *WINDOWS)
    padded = np.concatenate([np.full(widest, BEYOND), log_odds, np.full(widest, BEYOND)])
    neighbours = [padded[widest + o : widest + o + n] for o in range(-NEIGHBOURS, NEIGHBOURS + 1) if o]
    windows = []
    for width in WINDOWS:
        windows.append(window_mean(log_odds, width))
        windows.append(window_max(padded, widest, width, n))
    # Rank 0 = the page's most probable line, 1 = its least (ties share a rank by order).
    order = np.argsort(-log_odds, kind="stable")
    rank = np.empty(n)
    rank[order] = np.arange(n) / max(n - 1, 1)
    p = 1.0 / (1.0 + np.exp(-log_odds))
    lines_away, words_away = _distance_to_confident(p >= CONFIDENT, tokens)
    paragraph = paragraph_stats(log_odds, tokens, np.asarray(line_numbers))
    expected = p * tokens
    total = max(float(expected.sum()), 1.0)
    above = np.cumsum(expected) - expected
    return np.column_stack([
        log_odds, *neighbours, *windows, rank, np.log1p(lines_away), np.log1p(words_away), *paragraph,
        above / total, (total - above - expected) / total, np.full(n, log_odds.mean()),
        np.full(n, float(expected.sum()) / max(float(tokens.sum()), 1.0)),
    ])  # fmt: skip


def _distance_to_confident(confident: np.ndarray, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lines and words between each line and the nearest confident line (0 for a confident line)."""
    import numpy as np

    n = len(confident)
    at = np.flatnonzero(confident)
    if not len(at):
        return np.full(n, FAR), np.full(n, FAR)
    index = np.arange(n)
    right = np.searchsorted(at, index)  # first confident line at or after each line
    after = at[np.minimum(right, len(at) - 1)]
    before = at[np.maximum(right - 1, 0)]
    after = np.where(after >= index, after, n + FAR)
    before = np.where(before <= index, before, -FAR)
    lines = np.minimum(after - index, index - before)
    # Words strictly between the line and the nearest confident line on each side.
    running = np.concatenate([[0.0], np.cumsum(tokens)])
    after_words = np.where(after < n, running[np.minimum(after, n - 1).astype(int)] - running[index + 1], FAR)
    before_words = np.where(before >= 0, running[index] - running[np.maximum(before, 0).astype(int) + 1], FAR)
    words = np.where(confident, 0.0, np.minimum(np.maximum(after_words, 0), np.maximum(before_words, 0)))
    return lines.astype(float), words
