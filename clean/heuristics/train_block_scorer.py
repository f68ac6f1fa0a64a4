"""Train the block scorer on the WCXB tune pages (page ids not divisible by 5).

    python -m clean.heuristics.train_block_scorer [--data ../shared/data/wcxb] [--jobs 2]

For every tune page the pipeline runs up to the main-content stage; each kept
block becomes a feature row (block_features.py) labelled with the share of its
words found, in order, in the page's gold text (word trigrams; whole-phrase
match for blocks under three words). Rows are weighted by the block's words
over the page's, so every page counts alike, as in the benchmark's macro
average. Two logistic regressions are fitted (numpy, L2, full-batch
gradient descent); the threshold is the one with the best macro F1 on the
tune pages. The held-out pages (ids divisible by 5) are never read.

Writes clean/heuristics/data/block_scorer.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
from multiprocessing import Pool
from pathlib import Path

WORD = re.compile(r"\w+")
OUT = Path(__file__).resolve().parent / "data" / "block_scorer.json"
L2 = 1e-4
NEWTON_STEPS = 30


def _label(tokens: list[str], gold_trigrams: set[tuple[str, str, str]], gold_joined: str) -> float:
    if not tokens:
        return 0.0
    if len(tokens) < 3:
        return float(f" {' '.join(tokens)} " in gold_joined)
    trigrams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
    return sum(1 for t in trigrams if t in gold_trigrams) / len(trigrams)


def page_rows(page) -> tuple[str, list[list[float]], list[float], list[float], list[str], float] | None:
    """(page id, first-pass rows, labels, word counts, block paths, gold word count)."""
    from clean.frontends.html import HTML_STAGES, parse_document
    from clean.heuristics import main_content
    from clean.options import Options

    options = Options()
    doc = parse_document(page.read_bytes(), page.url, options)
    for stage in HTML_STAGES:
        if stage.name == main_content.STAGE_NAME:
            break
        stage.run(doc, options)
    view = main_content.PageView.of(doc)
    if not view.blocks:
        return None
    gold = WORD.findall(page.gold.lower())
    gold_trigrams = set(zip(gold, gold[1:], gold[2:], strict=False))
    gold_joined = f" {' '.join(gold)} "
    labels, words = [], []
    for block in view.blocks:
        tokens = WORD.findall(block.text.lower())
        labels.append(_label(tokens, gold_trigrams, gold_joined))
        words.append(float(len(tokens)))
    paths = [b.path or "" for b in view.blocks]
    rows = view.feature_rows(len(doc.blocks), doc.metadata.get("title", ""))
    return page.id, rows, labels, words, paths, float(len(gold))


def fit(x, y, w, l2: float = L2):
    """Weighted logistic regression on standardised features, by Newton's method.

    Returns (mean, scale, weights)."""
    import numpy as np

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    mean[0], scale[0] = 0.0, 1.0  # the bias column stays 1
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    w = w / w.sum()
    penalty = l2 * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    weights = np.zeros(x.shape[1])
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ weights, -30, 30)))
        gradient = z.T @ (w * (p - y)) + penalty @ weights
        hessian = (z * (w * p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-6:
            break
    return mean, scale, weights


def predict(model, x):
    import numpy as np

    mean, scale, weights = model
    return 1.0 / (1.0 + np.exp(-np.clip(((x - mean) / scale) @ weights, -30, 30)))


def macro_f1(pages, scores, threshold: float) -> float:
    total = 0.0
    for start, end, labels, words, gold_words in pages:
        kept = scores[start:end] >= threshold
        predicted = float((words * kept).sum())
        overlap = float((words * labels * kept).sum())
        if gold_words == 0:
            total += 1.0 if predicted == 0 else 0.0
            continue
        if predicted == 0 or overlap == 0:
            continue
        p, r = overlap / predicted, overlap / gold_words
        total += 2 * p * r / (p + r)
    return total / len(pages)


def main(argv: list[str] | None = None) -> None:
    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for benchmarks/
    from benchmarks import wcxb
    from clean.heuristics.block_features import CONTEXT_FEATURES, FEATURES, context_features
    from clean.heuristics.block_scorer import LinearModel

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=wcxb.DEFAULT_DATA)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--soft", action="store_true", help="train on the label fractions, not >= 0.5")
    parser.add_argument("--rows", type=Path, help="reuse (or write) the extracted rows here (pickle)")
    args = parser.parse_args(argv)

    if args.rows and args.rows.exists():
        results = pickle.loads(args.rows.read_bytes())
    else:
        pages = wcxb.load_pages(args.data, part="tune")
        assert not any(p.heldout for p in pages)
        with Pool(args.jobs) as pool:
            results = [r for r in pool.imap(page_rows, pages, chunksize=8) if r is not None]
        if args.rows:
            args.rows.write_bytes(pickle.dumps(results))

    rows, labels, weights, spans, structure = [], [], [], [], []
    for _, page_x, page_y, page_words, page_paths, gold_words in results:
        start = len(rows)
        rows.extend(page_x)
        labels.extend(page_y)
        total_words = sum(page_words) or 1.0
        weights.extend(w / total_words for w in page_words)
        spans.append((start, len(rows), np.array(page_y), np.array(page_words), gold_words))
        structure.append((page_paths, page_words))
    x = np.array(rows)
    # Soft labels: a block half in the gold counts half (logistic loss takes them as they are).
    y = np.array(labels) if args.soft else (np.array(labels) >= 0.5).astype(float)
    w = np.array(weights)

    first = fit(x, y, w)
    first_scores = predict(first, x)
    context = []
    for (start, end, *_), (page_paths, page_words) in zip(spans, structure, strict=True):
        context.extend(context_features(page_paths, page_words, list(first_scores[start:end])))
    x2 = np.hstack([x, np.array(context)])
    second = fit(x2, y, w)
    scores = predict(second, x2)

    best = max((macro_f1(spans, scores, t), t) for t in np.arange(0.2, 0.8, 0.02))
    first_only = max(macro_f1(spans, first_scores, t) for t in np.arange(0.2, 0.8, 0.02))
    provenance = (
        f"trained on {len(spans)} WCXB dev tune pages ({len(rows)} blocks); block-level macro F1 "
        f"{best[0]:.3f} (first pass alone {first_only:.3f}) at threshold {best[1]:.2f}"
    )
    print(provenance)

    def as_model(names, fitted) -> dict:
        mean, scale, weights_ = fitted
        return LinearModel(
            tuple(names), *(tuple(round(float(v), 5) for v in a) for a in (mean, scale, weights_))
        ).to_dict()

    payload = {
        "first": as_model(FEATURES, first),
        "second": as_model(FEATURES + CONTEXT_FEATURES, second),
        "threshold": round(float(best[1]), 3),
        "provenance": provenance,
    }
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    for name, weight in sorted(
        zip(FEATURES + CONTEXT_FEATURES, second[2], strict=True), key=lambda p: -abs(p[1])
    ):
        print(f"  {name:28s} {weight:+.2f}")


if __name__ == "__main__":
    main()
