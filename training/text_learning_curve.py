"""The line model's learning curve: its out-of-fold F1 when it learns from a fraction of the tune sites.

    OMP_NUM_THREADS=1 python -m training.text_learning_curve --corpus /tmp/text9/corpus2.pkl \\
        --fractions 1.0,0.75,0.5,0.25 --seeds 0,1 [--second-pass] \\
        --lexicon-cache /tmp/lex.pkl --out /tmp/curve.json

A measurement (nothing it fits ships): does text mode's line model still gain
from more labelled pages, or has it flattened out? For each of the usual five
site folds (`text_lexicon.domain_folds`) the recipe of `text_train` is refitted
on a FRACTION of the training sites outside the fold, and the fold's pages are
scored; every tune page is scored by the fold model that did not see it, as in
`text_train`'s out-of-fold figure, so only the amount of training data changes.

- Sites, never pages: within each fold the sites are put in an order drawn
  with `--seeds`' seed, and fraction f keeps the first round(f x sites) of
  them in every fold, so the subsets are nested (the 0.25 sites are inside the
  0.5 sites) and each outer fold trains on fraction f of every other fold.
- Everything is fitted on the fraction only: the lexicon (its vocabulary
  too), and the trees on lexical scores out of fold within the fraction
  (page p's from a lexicon that saw neither fold k nor p's fold), as
  `text_train.out_of_fold_decoding` does.
- `--second-pass` adds the shipped second pass the same way (`text_train`'s
  `FirstPasses` / `fit_second` on the fraction: the first-pass log-odds it
  learns from are out of fold by site, nested) and scores the stage's blend
  at the shipped file's share.
- The decoding is FIXED at the shipped file's (temperature, shift, share), so
  the curve shows the model, not a decoding re-chosen for each fraction (the
  best decoding on the grid is printed beside it); pages under
  `Options.line_model_min_lines` lines keep the rules' result, as in the stage.

The figure at fraction 1.0 is `text_train`'s out-of-fold figure under the
shipped decoding (the shipped recipe on this corpus: first pass 0.8408, blend
0.8428). Results go to `--out` after each fraction (a rerun skips what is
there), with a fit of macro F1 against log(training pages) and what it
extrapolates to at 2x and 4x the pages (an extrapolation, nothing more).
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from clean.options import Options
from clean.textmodel.trees import shipped_model
from training.text_corpus import TextPage
from training.text_lexicon import LexiconSettings, WordMatrices, domain_folds, fit_lexicon
from training.text_train import (
    FOLDS,
    _load_lexicons,
    _save_lexicons,
    baseline_f1,
    blended,
    choose_decoding,
    decoded_f1,
    fit,
    scored,
    stacked,
    with_scores,
)


def site_subset(pages: list[TextPage], folds: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Pages of the first round(fraction x sites) sites of each fold, in an order drawn by `seed` (nested)."""
    rng = np.random.default_rng(seed)
    kept: set[str] = set()
    for fold in range(FOLDS):
        sites = sorted({p.domain for p, f in zip(pages, folds, strict=True) if f == fold})
        order = rng.permutation(len(sites))  # drawn for every fold whatever the fraction: nested subsets
        kept.update(sites[i] for i in order[: max(1, round(fraction * len(sites)))])
    return np.array([p.domain in kept for p in pages], dtype=bool)


class FractionFits:
    """text_train's lexicons and passes, fitted on the pages in `subset` only; folds exclude as there.

    `lexicons(excluded)` are fitted on the subset's pages outside the `excluded`
    folds; `first(excluded)` trains on those pages with each page's lexical
    scores from lexicons that also left its own fold out; `first_log_odds(i,
    excluded)` scores page i (any page, in the subset or not) as the stage
    would, with the lexicon and first pass that left `excluded` out.
    """

    def __init__(self, tune, matrices, folds, subset, tag, args, cache: dict) -> None:
        self.tune, self.matrices, self.folds, self.subset = tune, matrices, folds, subset
        self.args, self.cache = args, cache
        self.settings = LexiconSettings(args.min_domains, args.max_words, args.lexicon_c, False, False)
        lines = sum(len(p.texts) for p in tune)
        corpus_key = (len(tune), lines, float(sum(float(p.labels.sum()) for p in tune)))
        # text_train's cache key when the subset is every page, so its cached lexicons are reused
        self.key = corpus_key if subset.all() else (*corpus_key, tag)
        self._models: dict[frozenset[int], object] = {}
        self._log_odds: dict[tuple[int, frozenset[int]], tuple[np.ndarray, TextPage]] = {}

    def lexicons(self, excluded: frozenset[int]) -> list:
        key = (self.key, tuple(sorted(excluded)), self.settings)
        if key not in self.cache:
            chosen = self.subset & ~np.isin(self.folds, list(excluded))
            self.cache[key] = fit_lexicon(self.tune, self.matrices, chosen, self.settings)
            if self.args.lexicon_cache:
                _save_lexicons(self.args.lexicon_cache, self.cache)
        return [self.cache[key]]

    def training(self, excluded: frozenset[int]) -> np.ndarray:
        return np.flatnonzero(self.subset & ~np.isin(self.folds, list(excluded)))

    def first(self, excluded: frozenset[int]):
        if excluded not in self._models:
            pages = []
            for i in self.training(excluded):
                lexicons = self.lexicons(excluded | {int(self.folds[i])})  # left the page's fold out too
                pages.append(with_scores(self.tune[i], scored(lexicons, self.tune[i])))
            self._models[excluded] = fit(pages, self.args)
        return self._models[excluded]

    def first_log_odds(self, i: int, excluded: frozenset[int]) -> tuple[np.ndarray, TextPage]:
        key = (i, excluded)
        if key not in self._log_odds:
            page = with_scores(self.tune[i], scored(self.lexicons(excluded), self.tune[i]))
            value = self.first(excluded).decision_function(page.matrix) if len(page.labels) else np.zeros(0)
            self._log_odds[key] = (value, page)
        return self._log_odds[key]

    def second(self, excluded: frozenset[int]):
        """The second pass, each training page read with first-pass log-odds that left its fold out too."""
        pages = []
        for i in self.training(excluded):
            log_odds, page = self.first_log_odds(int(i), excluded | {int(self.folds[i])})
            pages.append(stacked(page, log_odds))
        return fit(pages, self.args, self.args.second_min_leaf)


def out_of_fold(fits: FractionFits, second_pass: bool) -> tuple[list[np.ndarray], list[np.ndarray] | None]:
    """Every tune page's first-pass (and second-pass) log-odds from the fold models that did not see it."""
    tune, folds = fits.tune, fits.folds
    first: list[np.ndarray] = [np.zeros(0)] * len(tune)
    second: list[np.ndarray] | None = [np.zeros(0)] * len(tune) if second_pass else None
    for fold in range(FOLDS):
        excluded = frozenset({fold})
        model = fits.second(excluded) if second_pass else None
        for i in np.flatnonzero(folds == fold):
            log_odds, page = fits.first_log_odds(int(i), excluded)
            first[i] = log_odds
            if model is not None and len(log_odds):
                second[i] = model.decision_function(stacked(page, log_odds).matrix)
        print(f"  fold {fold + 1}/{FOLDS} scored ({time.strftime('%H:%M:%S')})", flush=True)
    return first, second


def figures(tune: list[TextPage], log_odds: list[np.ndarray], decoding: dict[str, float]) -> dict:
    """Macro F1 over the tune pages and per page type, the stage's way (short pages: the rules' result)."""
    min_lines = Options().line_model_min_lines
    scores = [
        baseline_f1(p) if len(p.labels) < min_lines else decoded_f1(p, lo, decoding)
        for p, lo in zip(tune, log_odds, strict=True)
    ]
    by_type = defaultdict(list)
    for p, s in zip(tune, scores, strict=True):
        by_type[p.page_type].append(s)
    best, best_f1 = choose_decoding(tune, log_odds)
    return {
        "macro F1": float(np.mean(scores)),
        "by type": {t: float(np.mean(v)) for t, v in sorted(by_type.items())},
        "best decoding on the grid": best,
        "macro F1 at it": best_f1,
    }


def trend(rows: list[dict], part: str) -> dict | None:
    """Least squares of macro F1 on log(training pages), a point per fraction (means over its seeds).

    Returns the slope per doubling of the pages and the line's values at 1x, 2x and 4x the
    pages of fraction 1.0: an extrapolation of the curve's trend, not a measurement.
    """
    points = defaultdict(list)
    for row in rows:
        if part in row:
            points[row["fraction"]].append((row["training pages (mean per fold)"], row[part]["macro F1"]))
    if len(points) < 2:
        return None
    x = np.log([np.mean([pages for pages, _ in points[f]]) for f in sorted(points)])
    y = np.array([np.mean([f1 for _, f1 in points[f]]) for f in sorted(points)])
    slope, intercept = np.polyfit(x, y, 1)
    full = float(np.exp(x.max()))
    by_seed = {}  # each seed's own line (fraction 1.0 is every seed's): how far the slope moves with the draw
    for seed in sorted({row["seed"] for row in rows if row["fraction"] != 1.0 and part in row}):
        own = [r for r in rows if part in r and (r["seed"] == seed or r["fraction"] == 1.0)]
        if len(own) >= 2:
            pages = np.log([r["training pages (mean per fold)"] for r in own])
            by_seed[seed] = float(np.polyfit(pages, [r[part]["macro F1"] for r in own], 1)[0] * np.log(2))
    return {
        "slope per doubling": float(slope * np.log(2)),
        "slope per doubling, each seed's own": by_seed,
        "fit at 1x": float(intercept + slope * np.log(full)),
        "extrapolated at 2x": float(intercept + slope * np.log(2 * full)),
        "extrapolated at 4x": float(intercept + slope * np.log(4 * full)),
        "pages at 1x (mean per fold)": full,
    }


def table(rows: list[dict]) -> str:
    """The rows as a markdown table: fraction, seed, pages, macro F1 and per type, each pass."""
    types = sorted({t for row in rows for t in row["first pass"]["by type"]})
    lines = [
        "| fraction | seed | training pages (sites) per fold model | pass | tune oof F1 | "
        + " | ".join(types)
        + " |",
        "| --- " * (5 + len(types)) + "|",
    ]
    for row in sorted(rows, key=lambda r: (-r["fraction"], r["seed"])):
        for part in ("first pass", "blend"):
            if part in row:
                f = row[part]
                lines.append(
                    f"| {row['fraction']} | {row['seed']} | {row['training pages (mean per fold)']:.0f} "
                    f"({row['training sites (mean per fold)']:.0f}) | {part} | {f['macro F1']:.4f} | "
                    + " | ".join(f"{f['by type'][t]:.3f}" for t in types)
                    + " |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="/tmp/text-corpus.pkl")
    parser.add_argument("--fractions", default="1.0,0.75,0.5,0.25", help="shares of the training sites")
    parser.add_argument("--seeds", default="0", help="seeds of the site subsets (1.0: one fit)")
    parser.add_argument("--second-pass", action="store_true", help="the shipped blend of both passes too")
    parser.add_argument("--out", type=Path, required=True, help="results (JSON), rewritten after each fit")
    parser.add_argument("--lexicon-cache", type=Path, help="keep the fitted lexicons here (as text_train)")
    # the shipped recipe (text_train's defaults); the trees' seed stays 0
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--depth", type=int, default=5)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--min-leaf", type=int, default=50)
    parser.add_argument("--second-min-leaf", type=int)
    parser.add_argument("--min-domains", type=int, default=3)
    parser.add_argument("--max-words", type=int, default=20000)
    parser.add_argument("--lexicon-c", type=float, default=0.03)
    args = parser.parse_args(argv)
    args.seed = 0

    results = json.loads(args.out.read_text()) if args.out.exists() else {"rows": []}
    done = {(r["seed"], r["fraction"]) for r in results["rows"]}
    # every site is the same subset whatever the seed: fraction 1.0 is fitted once (as seed 0)
    todo = [
        (0 if fraction == 1.0 else seed, fraction)
        for seed in [int(s) for s in args.seeds.split(",")]
        for fraction in [float(f) for f in args.fractions.split(",")]
    ]
    todo = [key for i, key in enumerate(todo) if key not in done and key not in todo[:i]]
    if todo:
        fit_rows(todo, results, args)
    results["trend"] = {part: trend(results["rows"], part) for part in ("first pass", "blend")}
    args.out.write_text(json.dumps(results, indent=1))
    print(table(results["rows"]))
    print(json.dumps(results["trend"], indent=1))


def fit_rows(todo: list[tuple[int, float]], results: dict, args: argparse.Namespace) -> None:
    """Fit and score every (seed, fraction) in `todo`, adding a row to `results` (and --out) after each."""
    with open(args.corpus, "rb") as f:
        tune = [p for p in pickle.load(f) if not p.heldout]
    folds = domain_folds(tune, FOLDS)
    matrices = WordMatrices.of(tune)
    shipped = shipped_model()
    decoding, share = dict(shipped.decoding), shipped.second_share
    cache = _load_lexicons(args.lexicon_cache) if args.lexicon_cache else {}
    results |= {"decoding": decoding, "share": share, "min lines": Options().line_model_min_lines}
    for seed, fraction in todo:
        subset = site_subset(tune, folds, fraction, seed)
        training = [int((subset & (folds != k)).sum()) for k in range(FOLDS)]
        sites = [len({tune[i].domain for i in np.flatnonzero(subset & (folds != k))}) for k in range(FOLDS)]
        print(f"seed {seed}, fraction {fraction}: training pages per fold {training}", flush=True)
        started = time.time()
        fits = FractionFits(tune, matrices, folds, subset, (fraction, seed), args, cache)
        first, second = out_of_fold(fits, args.second_pass)
        row = {
            "seed": seed,
            "fraction": fraction,
            "training pages per fold": training,
            "training pages (mean per fold)": float(np.mean(training)),
            "training sites (mean per fold)": float(np.mean(sites)),
            "first pass": figures(tune, first, decoding),
            "minutes": round((time.time() - started) / 60, 1),
        }
        if second is not None:
            row["blend"] = figures(tune, blended(first, second, share), decoding)
        print(json.dumps(row), flush=True)
        results["rows"].append(row)
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
