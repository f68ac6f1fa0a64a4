"""Train clean's learned block scorer on WCXB tune pages and export it.

    pip install -e .[train]
    python -m training.train_block_model --jobs 2 --cache /tmp/clean-training --out /tmp/trial.json
    python -m training.train_block_model --jobs 2 --cache /tmp/clean-training --write   # ship it

1. Parse every WCXB dev page with clean's HTML front end and label each block
   by aligning its tokens with the gold text (training/labels.py).
2. Choose the class/id vocabulary on the tune pages only (ids not divisible
   by 5): the words seen above blocks on enough tune pages that say most
   about content vs boilerplate (weighted mutual information).
3. Fit a small gradient-boosted tree ensemble (scikit-learn's
   HistGradientBoostingClassifier) on the tune pages' blocks, each page
   weighing the same (a block weighs its share of its page's tokens), since
   the benchmark averages over pages.
4. Choose the probability threshold on out-of-fold predictions of the tune
   pages (folds by site, --fold-by), maximising the mean page F1 of the blocks kept.
5. Export to clean/learned/data/block_model.json and print block-level and
   page-level figures on the held-out pages (ids divisible by 5), which were
   used for nothing above.

The page-level figures here are the model alone on every block (no rules);
training/evaluate_learned.py measures the whole pipeline with the stage in.

`--lexical` adds word-level columns (clean/learned/lexical.py, fitted by
training/lexical_fit.py): the trees are trained on lexical scores from
models that never saw the page's domain (per tree fold k, fitted without any
page of a domain in fold k), and each fold model file carries its own lexical
model, so evaluate_learned's tune figures stay out of fold. Not shipped
(training/README.md).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from statistics import fmean

import numpy as np

from benchmarks.wcxb import PAGE_TYPES, prf
from benchmarks.wcxb import tokens as benchmark_tokens
from clean.frontends.html.path import parse_step, steps
from clean.learned.features import MAX_VOCABULARY, Vocabulary, feature_names, page_features, page_matrix
from clean.learned.lexical import CLASS_LEVELS, LexicalModel
from clean.learned.model import FORMAT, model_from_dict
from clean.learned.stacking import STACK_NAMES, stack_columns
from training.corpus import FOLD_BY, REPO, LabelledPage, fold_of, labelled_pages, with_source
from training.lexical_fit import MAX_WORDS, MIN_DOMAINS, WordData, fit_lexical, out_of_fold_models
from training.tree_export import baseline as tree_baseline
from training.tree_export import tree_arrays

OUT = REPO / "clean" / "learned" / "data" / "block_model.json"
# A class/id word must appear above blocks on this many tune pages to be a feature.
VOCABULARY_MIN_PAGES = 25
CONTENT = 0.5  # label at or above which a block is content


# ----------------------------------------------------------------- vocabulary


def _path_words(path: str, memo: dict[str, frozenset[str]]) -> frozenset[str]:
    found = memo.get(path)
    if found is None:
        words: set[str] = set()
        for step in steps(path):
            words |= {w for w in parse_step(step).words if not w.isdigit() and len(w) > 1}
        found = memo[path] = frozenset(words)
    return found


def choose_vocabulary(pages: list[LabelledPage], size: int = MAX_VOCABULARY) -> tuple[str, ...]:
    """The class/id words with the most mutual information with the label (page-weighted)."""
    pages_with: Counter[str] = Counter()
    weight_with: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # [boilerplate, content]
    totals = [0.0, 0.0]
    for item in pages:
        weights = page_weights(item.sizes)
        memo: dict[str, frozenset[str]] = {}
        seen: set[str] = set()
        for block, label, weight in zip(item.doc.blocks, item.labels, weights, strict=True):
            if weight <= 0:
                continue
            cls = int(label >= CONTENT)
            totals[cls] += weight
            words = _path_words(block.path or "", memo)
            seen |= words
            for word in words:
                weight_with[word][cls] += weight
        pages_with.update(seen)
    total = sum(totals)
    scored = []
    for word, (boiler, content) in weight_with.items():
        if pages_with[word] < VOCABULARY_MIN_PAGES:
            continue
        scored.append((_mutual_information(boiler, content, totals, total), word))
    scored.sort(reverse=True)
    return tuple(word for _, word in scored[:size])


def _mutual_information(boiler: float, content: float, totals: list[float], total: float) -> float:
    cells = [
        (boiler, totals[0]),
        (content, totals[1]),
        (totals[0] - boiler, totals[0]),
        (totals[1] - content, totals[1]),
    ]
    present = (boiler + content) / total
    info = 0.0
    for i, (joint, class_total) in enumerate(cells):
        p_joint = joint / total
        p_x = present if i < 2 else 1.0 - present
        p_y = class_total / total
        if p_joint > 0 and p_x > 0:
            info += p_joint * math.log(p_joint / (p_x * p_y))
    return info


# ----------------------------------------------------------------- data


def page_weights(sizes: list[int]) -> list[float]:
    """Each page weighs 1 in all; a block its share of the page's tokens."""
    total = sum(sizes)
    return [s / total if total else 0.0 for s in sizes]


def dataset(pages: list[LabelledPage], vocabulary: Vocabulary, matrices_of=None):
    """(X, y, weights, page number per row) over the blocks that have tokens.

    `matrices_of(number, item)` gives a page's full feature matrix (default: the
    first pass's features).
    """
    matrices, labels, weights, groups = [], [], [], []
    for number, item in enumerate(pages):
        keep = np.array([s > 0 for s in item.sizes], dtype=bool)
        if not keep.any():
            continue
        full = (
            matrices_of(number, item)
            if matrices_of
            else with_source(item, lambda doc: page_matrix(doc, vocabulary))
        )
        matrices.append(full[keep])
        labels.append((np.array(item.labels) >= CONTENT)[keep])
        weights.append(np.array(page_weights(item.sizes))[keep])
        groups.append(np.full(int(keep.sum()), number))
    X = np.concatenate(matrices)
    weights_all = np.concatenate(weights)
    weights_all *= len(weights_all) / weights_all.sum()  # mean 1, for the learner's regularisation
    return X, np.concatenate(labels).astype(int), weights_all, np.concatenate(groups)


# ----------------------------------------------------------------- model


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray, args: argparse.Namespace):
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_iter=args.trees,
        max_depth=args.depth,
        max_leaf_nodes=2**args.depth,
        learning_rate=args.learning_rate,
        min_samples_leaf=args.min_leaf,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=0,
    )
    model.fit(X, y, sample_weight=w)
    return model


def export(
    model,
    vocabulary: Vocabulary,
    threshold: float,
    info: dict,
    first: dict | None = None,
    lexical: LexicalModel | None = None,
) -> dict:
    """The fitted ensemble as padded arrays (see clean/learned/model.py); `first`, the
    exported first pass of a stacked model; `lexical`, the word-level models its last columns read."""
    arrays = tree_arrays(model, value_digits=7)
    baseline = tree_baseline(model)
    names = feature_names(vocabulary, lexical is not None) + (STACK_NAMES if first is not None else ())
    exported = {
        "format": FORMAT,
        "features": list(names),
        "vocabulary": list(vocabulary.words),
        "baseline": baseline,
        "threshold": threshold,
        "trees": arrays,
        "info": info,
    }
    if first is not None:
        exported["first"] = {k: v for k, v in first.items() if k not in ("vocabulary", "lexical")}
    if lexical is not None:
        exported["lexical"] = lexical.to_dict()
    return exported


# ----------------------------------------------------------------- evaluation


def page_scores(pages: list[LabelledPage], probabilities: list[np.ndarray], threshold: float) -> list[tuple]:
    """(page type, P, R, F1) per page when the blocks at or above `threshold` are kept."""
    rows = []
    for item, prob in zip(pages, probabilities, strict=True):
        kept = "\n\n".join(b.text for b, p in zip(item.doc.blocks, prob, strict=True) if p >= threshold)
        p, r, f1 = prf(Counter(benchmark_tokens(kept)), Counter(benchmark_tokens(item.page.gold)))
        rows.append((item.page.page_type, p, r, f1))
    return rows


def summary_line(name: str, rows: list[tuple]) -> str:
    by_type = " ".join(
        f"{t[:4]} {fmean(r[3] for r in rows if r[0] == t):.3f}"
        for t in PAGE_TYPES
        if any(r[0] == t for r in rows)
    )
    p, r, f = (fmean(row[i] for row in rows) for i in (1, 2, 3))
    return f"{name:<34} P {p:.3f} R {r:.3f} F1 {f:.3f} | {by_type}"


def block_metrics(y: np.ndarray, w: np.ndarray, prob: np.ndarray, threshold: float) -> str:
    from sklearn.metrics import roc_auc_score

    predicted = prob >= threshold
    accuracy = float(np.sum(w * (predicted == y)) / np.sum(w))
    tp = float(np.sum(w * (predicted & (y == 1))))
    precision = tp / max(float(np.sum(w * predicted)), 1e-9)
    recall = tp / max(float(np.sum(w * (y == 1))), 1e-9)
    auc = roc_auc_score(y, prob, sample_weight=w)
    return f"weighted accuracy {accuracy:.3f}, precision {precision:.3f}, recall {recall:.3f}, AUC {auc:.3f}"


def per_page(probabilities: np.ndarray, groups: np.ndarray, pages: list[LabelledPage]) -> list[np.ndarray]:
    """Spread row probabilities back over every block (blocks without tokens get 0)."""
    out = []
    for number, item in enumerate(pages):
        full = np.zeros(len(item.doc.blocks))
        keep = np.array([s > 0 for s in item.sizes], dtype=bool)
        full[keep] = probabilities[groups == number]
        out.append(full)
    return out


def choose_threshold(pages, probabilities) -> tuple[float, float]:
    best = (0.5, -1.0)
    for threshold in np.arange(0.2, 0.81, 0.05):
        f1 = fmean(row[3] for row in page_scores(pages, probabilities, float(threshold)))
        if f1 > best[1]:
            best = (round(float(threshold), 2), f1)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--cache", type=Path, help="keep the parsed, labelled pages here between runs")
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--depth", type=int, default=5)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--min-leaf", type=int, default=100)
    parser.add_argument("--folds", type=int, default=3, help="folds for choosing the threshold (0: use 0.5)")
    parser.add_argument(
        "--fold-by",
        choices=FOLD_BY,
        default="site",
        help="how tune pages are split into folds: by site (a hash of the host; default) or by page id",
    )
    # The shipped file only when asked: a trial run (fold models for a study) once
    # overwrote it by default and left a retrained model in a working tree.
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--write", action="store_const", dest="out", const=OUT, help=f"write to {OUT}")
    target.add_argument("--out", type=Path, help="write the model here instead (a trial, to compare)")
    parser.add_argument("--fold-models", type=Path, help="also write the fold models here (fold{k}.json)")
    parser.add_argument("--limit", type=int, help="first N pages of each part (smoke runs)")
    parser.add_argument(
        "--stack",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="a second ensemble over the first pass's probabilities in context (clean/learned/"
        "stacking.py); off by default: on WCXB it helps the model alone, not the pipeline",
    )
    parser.add_argument(
        "--lexical",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="word-level columns: logistic regressions over block words and class/id words "
        "(clean/learned/lexical.py); the trees learn from out-of-fold scores. Off by default: on WCXB "
        "they help the model alone and tune out of fold, not held-out (training/README.md)",
    )
    parser.add_argument("--lexical-c-text", type=float, default=0.3, help="inverse regularisation: text")
    parser.add_argument("--lexical-c-classes", type=float, default=0.003, help="the same, class/id words")
    parser.add_argument("--lexical-levels", type=int, default=CLASS_LEVELS, help="element + ancestors read")
    parser.add_argument("--lexical-min-domains", type=int, default=MIN_DOMAINS)
    parser.add_argument("--lexical-max-words", type=int, default=MAX_WORDS)
    args = parser.parse_args(argv)
    started = time.perf_counter()

    tune = labelled_pages("tune", args.jobs, args.cache, args.limit)
    heldout = labelled_pages("heldout", args.jobs, args.cache, args.limit)
    vocabulary = Vocabulary(choose_vocabulary(tune))
    print(f"vocabulary ({len(vocabulary.words)}): {' '.join(vocabulary.words)}", file=sys.stderr)
    fold_of_page = np.array([fold_of(item.page, max(args.folds, 1), args.fold_by) for item in tune])
    lexical, lexical_folds = None, [None] * max(args.folds, 1)
    if args.lexical:
        # The trees must see lexical scores as they are on new sites: each tune page's come
        # from a lexical model fitted without any page of a domain in that page's fold.
        word_data = WordData(tune, args.lexical_levels)
        options = {
            "c_text": args.lexical_c_text,
            "c_classes": args.lexical_c_classes,
            "min_domains": args.lexical_min_domains,
            "max_words": args.lexical_max_words,
        }
        folds = max(args.folds, 1)
        if folds > 1:
            lexical_folds = out_of_fold_models(word_data, fold_of_page, folds, **options)
        lexical = fit_lexical(word_data, list(range(len(tune))), **options)
        if folds == 1:
            lexical_folds = [lexical]  # no folds: in-sample scores (smoke runs only)
        print(
            f"lexical: {len(lexical.text.weights)} text words, {len(lexical.classes.weights)} class/id words "
            f"({time.perf_counter() - started:.0f}s)",
            file=sys.stderr,
        )

    def tune_features(number: int, item: LabelledPage):
        lexical_model = lexical_folds[fold_of_page[number]]
        return with_source(item, lambda doc: page_features(doc, vocabulary, lexical_model))

    features = [tune_features(number, item) for number, item in enumerate(tune)]
    X, y, w, groups = dataset(tune, vocabulary, lambda number, item: features[number][0])
    print(f"tune: {len(tune)} pages, {len(y)} blocks, {X.shape[1]} features", file=sys.stderr)

    def out_of_fold(X, y, w, full_matrices):
        """Per fold: the model fitted on the other folds, and every page's probabilities
        (all blocks, not only those with tokens) from the model that did not see it."""
        models, probabilities = [], [None] * len(tune)
        for fold in range(args.folds):
            test = fold_of_page[groups] == fold
            model = fit(X[~test], y[~test], w[~test], args)
            models.append(model)
            for number in np.flatnonzero(fold_of_page == fold):
                matrix = full_matrices(number)
                probabilities[number] = model.predict_proba(matrix)[:, 1] if len(matrix) else np.zeros(0)
        return models, probabilities

    first_data, first_folds = None, [None] * max(args.folds, 1)
    if args.stack:
        # Stacking: the second pass learns from first-pass probabilities the first
        # pass gave pages it never saw, as it will see them on new pages.
        if args.folds < 2:
            raise SystemExit("--stack needs --folds >= 2")
        fold_models, first_oof = out_of_fold(X, y, w, lambda number: features[number][0])
        for fold, model in enumerate(fold_models):
            info = {"fold": fold, "folds": args.folds, "fold_by": args.fold_by}
            first_folds[fold] = export(model, vocabulary, 0.5, info, lexical=lexical_folds[fold])
        first_data = export(fit(X, y, w, args), vocabulary, 0.5, {"pass": "first"}, lexical=lexical)
        print(f"first pass fitted ({time.perf_counter() - started:.0f}s)", file=sys.stderr)
        stacked = [
            np.concatenate([matrix, stack_columns(first_oof[n], layout)], axis=1)
            for n, (matrix, layout) in enumerate(features)
        ]
        X, y, w, groups = dataset(tune, vocabulary, lambda number, item: stacked[number])
        full_matrices = stacked.__getitem__
    else:
        full_matrices = lambda number: features[number][0]  # noqa: E731

    threshold, oof_f1 = 0.5, None
    if args.folds > 1:
        fold_models, oof_pages = out_of_fold(X, y, w, full_matrices)
        if args.fold_models:
            # For training/evaluate_learned.py: each tune page scored by a model that never saw it.
            args.fold_models.mkdir(parents=True, exist_ok=True)
            for fold, model in enumerate(fold_models):
                info = {"fold": fold, "folds": args.folds, "fold_by": args.fold_by}
                fold_data = export(
                    model, vocabulary, 0.5, info, first=first_folds[fold], lexical=lexical_folds[fold]
                )
                (args.fold_models / f"fold{fold}.json").write_text(json.dumps(fold_data), encoding="utf-8")
        threshold, oof_f1 = choose_threshold(tune, oof_pages)
        print(f"threshold {threshold} (out-of-fold tune page F1 {oof_f1:.3f})", file=sys.stderr)

    model = fit(X, y, w, args)
    held_model = model_from_dict(export(model, vocabulary, threshold, {}, first=first_data, lexical=lexical))
    X_held, y_held, w_held, groups_held = dataset(
        heldout, vocabulary, lambda number, item: with_source(item, held_model.features)
    )
    info = {
        "trained_on": f"WCXB dev tune pages (id % 5 != 0): {len(tune)} pages, {len(y)} blocks",
        "learner": f"HistGradientBoostingClassifier(max_iter={args.trees}, max_depth={args.depth}, "
        f"learning_rate={args.learning_rate}, min_samples_leaf={args.min_leaf})",
        "threshold_chosen_on": "out-of-fold tune pages" if args.folds > 1 else "fixed",
        "out_of_fold_tune_f1": round(oof_f1, 4) if oof_f1 is not None else None,
    }
    if lexical is not None:
        info["lexical"] = (
            f"logistic regressions, C text {args.lexical_c_text}, C class/id {args.lexical_c_classes}, "
            f"{args.lexical_levels} levels, words on >= {args.lexical_min_domains} tune domains; the trees "
            f"trained on out-of-fold scores (folds' lexical models fitted without the fold's domains)"
        )
    data = export(model, vocabulary, threshold, info, first=first_data, lexical=lexical)
    shipped = model_from_dict(data)
    # The exported arrays must give what scikit-learn gives.
    check = X_held[:2000]
    difference = np.max(np.abs(shipped.probabilities(check) - model.predict_proba(check)[:, 1]))
    if difference > 1e-5:
        raise SystemExit(f"exported model disagrees with scikit-learn by {difference:.2e}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)", file=sys.stderr)

    prob_tune = shipped.probabilities(X)
    prob_held = shipped.probabilities(X_held)
    print(f"\nblock level (token-weighted, threshold {threshold}):")
    print("  tune (training data)", block_metrics(y, w, prob_tune, threshold))
    print("  held-out            ", block_metrics(y_held, w_held, prob_held, threshold))
    print("\npage level, model alone on every block (macro over pages):")
    for name, pages, prob, grp in (
        ("tune", tune, prob_tune, groups),
        ("held-out", heldout, prob_held, groups_held),
    ):
        oracle = [np.array(item.labels) for item in pages]
        print(summary_line(f"  {name}: labels >= {CONTENT} (ceiling)", page_scores(pages, oracle, CONTENT)))
        print(summary_line(f"  {name}: model", page_scores(pages, per_page(prob, grp, pages), threshold)))
    importance = _split_gain_features(data)
    print("\nmost used features (splits): " + ", ".join(f"{n} ({c})" for n, c in importance[:15]))
    print(f"\ndone in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return 0


def _split_gain_features(data: dict) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for features, lefts in zip(data["trees"]["feature"], data["trees"]["left"], strict=True):
        for node, (feature, left) in enumerate(zip(features, lefts, strict=True)):
            if left != node:
                counts[data["features"][feature]] += 1
    return counts.most_common()


if __name__ == "__main__":
    raise SystemExit(main())
