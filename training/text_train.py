"""Train the text-mode line model (clean/textmodel/) on WCXB tune pages and choose its decoding.

    python -m training.text_corpus --jobs 2 --out /tmp/text-corpus.pkl
    OMP_NUM_THREADS=2 python -m training.text_train --corpus /tmp/text-corpus.pkl [--write]

1. Out-of-fold log-odds for every tune page (5 folds, grouped by site): a
   HistGradientBoosting ensemble of shallow trees, each page weighing the
   same (a line weighs by its tokens within its page, as the benchmark counts).
   The lexical columns (training/text_lexicon.py) are out of fold too: the
   trees of fold k train on scores from lexicons fitted without the page's
   own fold and without fold k, and score fold k with a lexicon fitted
   without it.
2. The decoding (clean/textmodel/decode.py: temperature and shift of the
   probabilities the expected-F1 cut reads) is chosen by macro F1 of the
   decoded pages on those out-of-fold log-odds, scored like benchmarks/wcxb.py,
   pages under Options.line_model_min_lines lines keeping the rules' result
   as in the stage.
3. The final trees are fitted on all tune pages with out-of-fold lexical
   scores, the shipped lexicon on all tune pages; held-out pages are only
   scored, with the chosen decoding, to check. `--no-lexical` ships an empty
   lexicon (the lexical columns are then constant and unused: the model as it
   was before them, for comparison).
`--write` saves the model to clean/textmodel/data/line_model.json; `--out PATH`
saves it elsewhere (a trial to compare before shipping). Both figures are also
printed by min-lines threshold: pages under N lines keep the rules' result, as
the stage does under Options.line_model_min_lines.
`--stack` adds a second pass (clean/textmodel/context.py): a second ensemble
of the same size reads the features plus the first pass's log-odds in
context. Every first-pass log-odds it learns from is out of fold by site,
nested: the second pass that leaves fold k out learns page p's context from a
first pass that saw neither fold k nor p's fold (`FirstPasses`, 10 fits by
pairs of folds besides the 5 usual ones); the shipped second pass learns from
the usual 5-fold out-of-fold first pass, held-out pages are scored by the
shipped first pass. Both passes' out-of-fold figures are printed. The stage
decides on a blend of the two passes' log-odds: the second pass's share
(SECOND_SHARES) is chosen with the decoding on the out-of-fold tune pages;
averaging the passes steadies the decisions (training/README.md, session 8).
`--dump PATH` saves the out-of-fold and held-out log-odds (for decoding trials).
`--lexicon-cache PATH` keeps every fitted lexicon in a pickle (keyed by the
corpus's size and labels, the excluded folds and the settings) and reuses
them: a run that changes only the trees or their columns skips the 26 fits.
`--seed N` refits with the trees' bins placed from another sample of lines
(scikit-learn bins on 200,000 of them): the same recipe again, to see how
far a refit moves the figures (training/README.md, session 10).
`--keep-decoding` skips steps 1-2 and keeps the shipped file's decoding (and
its out-of-fold figure, marked as such): a quick refit, one ensemble instead
of six, when the rule stages changed a little since the decoding was chosen.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import pickle
from collections import Counter
from pathlib import Path
from types import MappingProxyType

import numpy as np

from clean.options import Options
from clean.textmodel.context import CONTEXT_NAMES, context_columns
from clean.textmodel.decode import decode
from clean.textmodel.features import FEATURE_NAMES, lexical_columns, paragraph_columns
from clean.textmodel.lexicon import EMPTY, Lexicon, lexicon_to_dict
from clean.textmodel.stage import REJUDGED_STAGES
from clean.textmodel.trees import FORMAT, MODEL_FILE, blend_passes, model_from_dict
from clean.vocabulary import word_tokens
from training.text_corpus import TextPage
from training.text_lexicon import (
    LexiconSettings,
    WordMatrices,
    domain_folds,
    fit_lexicon,
    page_scores,
)
from training.tree_export import baseline, tree_arrays

FOLDS = 5
MIN_LINES_CHOICES = (0, 10, 20, 25, 30, 40, 60)


def fit(pages: list[TextPage], args: argparse.Namespace, min_leaf: int | None = None):
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.vstack([p.matrix for p in pages])
    y = np.concatenate([p.labels >= 0.5 for p in pages])
    weights = []
    for p in pages:
        sizes = np.array([len(t) for t in p.kept_tokens], dtype=float) + 1.0
        weights.append(sizes / sizes.sum())
    model = HistGradientBoostingClassifier(
        max_iter=args.trees, max_depth=args.depth, max_leaf_nodes=2**args.depth,
        learning_rate=args.learning_rate, min_samples_leaf=min_leaf or args.min_leaf, l2_regularization=1.0,
        early_stopping=False, random_state=args.seed,
    )  # fmt: skip
    model.fit(x, y, sample_weight=np.concatenate(weights))
    return model


def f1(pred: Counter, gold: Counter) -> float:
    if not gold:
        return 1.0 if not pred else 0.0
    if not pred:
        return 0.0
    common = sum((pred & gold).values())
    if not common:
        return 0.0
    p, r = common / sum(pred.values()), common / sum(gold.values())
    return 2 * p * r / (p + r)


def fixed_removals(page: TextPage) -> np.ndarray:
    """Lines a rule stage removed, except those the stage judges again (REJUDGED_STAGES)."""
    return np.array([s is not None and s not in REJUDGED_STAGES for s in page.rule_stage], dtype=bool)


def page_f1(page: TextPage, keep: np.ndarray) -> float:
    pred = Counter()
    for tokens, kept in zip(page.kept_tokens, keep, strict=True):
        if kept:
            pred.update(tokens)
    return f1(pred, page.gold)


def decoded_f1(page: TextPage, log_odds: np.ndarray, decoding: dict[str, float]) -> float:
    tokens = np.array([len(t) for t in page.kept_tokens], dtype=float)
    keep = decode(log_odds, tokens, ~fixed_removals(page), decoding).keep
    if not keep.any():  # the stage never empties a page: then the rules' result stands
        keep = np.array([s is None for s in page.rule_stage], dtype=bool)
    return page_f1(page, keep)


def baseline_f1(page: TextPage) -> float:
    return page_f1(page, np.array([s is None for s in page.rule_stage], dtype=bool))


TEMPERATURES = (0.6, 0.7, 0.85, 1.0, 1.15, 1.3)
SHIFTS = (-0.75, -0.5, -0.25, 0.0)
# The second pass's shares of the log-odds decided on (the rest is the first pass's).
SECOND_SHARES = (1.0, 0.9, 0.75, 0.6, 0.5)


def choose_decoding(pages: list[TextPage], log_odds: list[np.ndarray]) -> tuple[dict[str, float], float]:
    """The temperature and shift of the best macro F1 (pages under the stage's min lines: rules only)."""
    min_lines = Options().line_model_min_lines
    short = [len(p.labels) < min_lines for p in pages]
    fixed = sum(baseline_f1(p) for p, s in zip(pages, short, strict=True) if s)
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for temperature, shift in itertools.product(TEMPERATURES, SHIFTS):
        decoding = {"temperature": temperature, "shift": shift}
        pairs = zip(pages, log_odds, short, strict=True)
        score = (fixed + sum(decoded_f1(p, lo, decoding) for p, lo, s in pairs if not s)) / len(pages)
        if score > best[0]:
            best = (score, decoding)
    return best[1], best[0]


def blended(first: list[np.ndarray], second: list[np.ndarray], share: float) -> list[np.ndarray]:
    """Per page, the log-odds the stage decides on (clean/textmodel/trees.py blend_passes)."""
    return [blend_passes(a, b, share) for a, b in zip(first, second, strict=True)]


def export(model, second, share: float, decoding: dict[str, float], lexicon: Lexicon, info: dict) -> dict:
    exported = {
        "format": FORMAT,
        "features": list(FEATURE_NAMES),
        "baseline": baseline(model),
        "trees": tree_arrays(model, value_digits=6),
        "decoding": decoding,
        "lexicon": lexicon_to_dict(lexicon),
        "info": info,
    }
    if second is not None:
        exported["second"] = {
            "features": list(FEATURE_NAMES + CONTEXT_NAMES),
            "baseline": baseline(second),
            "trees": tree_arrays(second, value_digits=6),
            "share": share,
        }
    return exported


class Lexical:
    """The lexical scores the trees see, all out of fold, and the lexicons behind them.

    Every lexicon is fitted on the tune pages outside a set of folds and kept
    (`without`), so the nested fits of stacking reuse them: at most 26 fits.
    """

    def __init__(self, tune: list[TextPage], args: argparse.Namespace) -> None:
        self.tune, self.on = tune, not args.no_lexical
        self.settings = LexiconSettings(
            args.min_domains, args.max_words, args.lexicon_c, args.pages_weigh, args.bigrams
        )
        self.folds = domain_folds(tune, FOLDS)
        self.bigrams = args.bigrams
        self._matrices: WordMatrices | None = None
        self.everyone = np.ones(len(tune), dtype=bool)
        self.edge_share = args.edge_lexicon
        self._fitted: dict[frozenset[int], list[Lexicon]] = {}
        self.cache = args.lexicon_cache
        self._cached = _load_lexicons(self.cache) if self.cache else {}

    @property
    def matrices(self) -> WordMatrices:
        if self._matrices is None:
            self._matrices = WordMatrices.of(self.tune, self.bigrams)
        return self._matrices

    def without(self, excluded: frozenset[int]) -> list[Lexicon]:
        """The lexicons fitted on the tune pages of every fold but `excluded`."""
        if not self.on:
            return [EMPTY]
        if excluded not in self._fitted:
            chosen = ~np.isin(self.folds, list(excluded))
            fits = []
            for settings in self.all_settings:
                key = (self._corpus_key, tuple(sorted(excluded)), settings)
                if key not in self._cached:
                    self._cached[key] = fit_lexicon(self.tune, self.matrices, chosen, settings)
                    if self.cache:
                        _save_lexicons(self.cache, self._cached)
                fits.append(self._cached[key])
            self._fitted[excluded] = fits
        return self._fitted[excluded]

    @property
    def _corpus_key(self) -> tuple:
        """What a cached lexicon was fitted on: the tune pages and their labels."""
        lines = sum(len(p.texts) for p in self.tune)
        return (len(self.tune), lines, float(sum(float(p.labels.sum()) for p in self.tune)))

    def fit(self, chosen: np.ndarray) -> list[Lexicon]:
        excluded = frozenset(np.unique(self.folds[~chosen]).tolist())
        return self.without(excluded)

    @property
    def all_settings(self) -> list[LexiconSettings]:
        """The lexicon, and with --edge-lexicon a second one fitted on the pages' edges only."""
        edge = [dataclasses.replace(self.settings, edges=self.edge_share)] if self.edge_share else []
        return [self.settings, *edge]

    def out_of_fold(self, within: np.ndarray) -> list[np.ndarray | None]:
        """Scores (lines x lexicons) of the pages in `within`, by lexicons fitted on the other folds in it."""
        excluded = frozenset(np.unique(self.folds[~within]).tolist())
        return [
            scored(self.without(excluded | {int(self.folds[i])}), page) if w else None
            for i, (page, w) in enumerate(zip(self.tune, within, strict=True))
        ]


def _load_lexicons(path: Path) -> dict:
    """Lexicons fitted by earlier runs (--lexicon-cache): they depend on the corpus and settings only."""
    if not path.exists():
        return {}
    with open(path, "rb") as f:
        stored = pickle.load(f)
    return {
        key: Lexicon(bias, MappingProxyType(weights), bigrams)
        for key, (bias, weights, bigrams) in stored.items()
    }


def _save_lexicons(path: Path, lexicons: dict) -> None:
    stored = {key: (lex.bias, dict(lex.weights), lex.bigrams) for key, lex in lexicons.items()}
    with open(path, "wb") as f:
        pickle.dump(stored, f, protocol=pickle.HIGHEST_PROTOCOL)


def scored(lexicons: list[Lexicon], page: TextPage) -> np.ndarray:
    return np.column_stack([page_scores(lexicon, page) for lexicon in lexicons])


def with_scores(page: TextPage, scores: np.ndarray) -> TextPage:
    """The page with the lexical columns after its shape columns (as features.page_matrix).

    A second column of scores (--edge-lexicon, a measurement) goes in as it is, after them.
    """
    lexical = lexical_columns(scores[:, 0]).astype(np.float32)
    numbers = page.line_numbers if page.line_numbers is not None else np.arange(len(page.texts))
    tokens = np.array([len(word_tokens(text)) for text in page.texts], dtype=float)
    paragraphs = paragraph_columns(scores[:, 0], tokens, numbers).astype(np.float32)
    matrix = np.hstack([page.matrix, lexical, paragraphs, scores[:, 1:]])
    return dataclasses.replace(page, matrix=matrix.astype(np.float32))


class FirstPasses:
    """First-pass ensembles fitted on the tune pages outside a set of folds (kept), and their log-odds.

    Stacking needs, for the second pass that leaves fold k out, first-pass
    log-odds of every other page from a model that saw neither fold k nor the
    page's own fold: one fit per pair of folds (10), besides the 5 usual ones.
    """

    def __init__(self, tune: list[TextPage], lexical: Lexical, args: argparse.Namespace) -> None:
        self.tune, self.lexical, self.args = tune, lexical, args
        self._models: dict[frozenset[int], object] = {}
        self._log_odds: dict[tuple[int, frozenset[int]], tuple[np.ndarray, TextPage]] = {}
        self.decoding: dict[str, float] = {}  # the first pass's own, chosen out of fold (for comparison)

    def model(self, excluded: frozenset[int]):
        if excluded not in self._models:
            within = ~np.isin(self.lexical.folds, list(excluded))
            inner = self.lexical.out_of_fold(within)
            pages = [with_scores(self.tune[i], inner[i]) for i in np.flatnonzero(within)]
            self._models[excluded] = fit(pages, self.args)
            print(f"first pass without folds {sorted(excluded)} fitted", flush=True)
        return self._models[excluded]

    def log_odds(self, i: int, excluded: frozenset[int]) -> tuple[np.ndarray, TextPage]:
        """Page i (whose fold is in `excluded`) scored by the model and lexicon that left `excluded` out."""
        key = (i, excluded)
        if key not in self._log_odds:
            page = with_scores(self.tune[i], scored(self.lexical.without(excluded), self.tune[i]))
            value = self.model(excluded).decision_function(page.matrix) if len(page.labels) else np.zeros(0)
            self._log_odds[key] = (value, page)
        return self._log_odds[key]


def stacked(page: TextPage, first_log_odds: np.ndarray) -> TextPage:
    """The page with the second pass's context columns after its first-pass columns."""
    tokens = np.array([len(t) for t in page.kept_tokens], dtype=float)
    numbers = page.line_numbers if page.line_numbers is not None else np.arange(len(tokens))
    columns = context_columns(first_log_odds, tokens, numbers)
    return dataclasses.replace(page, matrix=np.hstack([page.matrix, columns]).astype(np.float32))


def fit_second(first: FirstPasses, excluded: frozenset[int], args: argparse.Namespace):
    """The second pass fitted on the pages outside `excluded`, each on first-pass log-odds out of its fold."""
    folds = first.lexical.folds
    pages = []
    for i in np.flatnonzero(~np.isin(folds, list(excluded))):
        log_odds, page = first.log_odds(int(i), excluded | {int(folds[i])})
        pages.append(stacked(page, log_odds))
    model = fit(pages, args, args.second_min_leaf)
    print(f"second pass without folds {sorted(excluded)} fitted", flush=True)
    return model


def stacked_decoding(
    tune: list[TextPage], first: FirstPasses, args: argparse.Namespace
) -> tuple[dict[str, float], float, float, list[np.ndarray], list[np.ndarray]]:
    """Both passes' out-of-fold log-odds of every tune page; the second's share, decoding chosen on them."""
    folds = first.lexical.folds
    oof_first: list[np.ndarray] = [np.zeros(0)] * len(tune)
    oof_second: list[np.ndarray] = [np.zeros(0)] * len(tune)
    for fold in range(FOLDS):
        excluded = frozenset({fold})
        second = fit_second(first, excluded, args)
        for i in np.flatnonzero(folds == fold):
            log_odds, page = first.log_odds(int(i), excluded)
            oof_first[i] = log_odds
            if len(log_odds):
                oof_second[i] = second.decision_function(stacked(page, log_odds).matrix)
    first_decoding, first_f1 = choose_decoding(tune, oof_first)
    first.decoding = first_decoding
    print(f"tune (out-of-fold): first pass alone {first_f1:.4f} with {first_decoding}")
    print(f"tune (out-of-fold) first pass by min lines: {min_lines_report(tune, oof_first, first_decoding)}")
    best = (-1.0, 1.0, {})
    for share in SECOND_SHARES:
        decoding, tune_f1 = choose_decoding(tune, blended(oof_first, oof_second, share))
        print(f"tune (out-of-fold): second pass's share {share}: {tune_f1:.4f} with {decoding}", flush=True)
        if tune_f1 > best[0]:
            best = (tune_f1, share, decoding)
    tune_f1, share, decoding = best
    base_tune = float(np.mean([baseline_f1(p) for p in tune]))
    print(f"tune (out-of-fold): rules {base_tune:.4f} -> stacked {tune_f1:.4f}, share {share}, {decoding}")
    report = min_lines_report(tune, blended(oof_first, oof_second, share), decoding)
    print(f"tune (out-of-fold) by min lines: {report}")
    return decoding, share, tune_f1, oof_first, oof_second


def out_of_fold_decoding(
    tune: list[TextPage], lexical: Lexical, args: argparse.Namespace
) -> tuple[dict[str, float], float, list[np.ndarray]]:
    """Steps 1-2: out-of-fold log-odds of every tune page, and the decoding chosen on them."""
    oof: list[np.ndarray] = [np.zeros(0)] * len(tune)
    folds = lexical.folds
    for fold in range(FOLDS):
        training = folds != fold
        inner = lexical.out_of_fold(training)
        model = fit([with_scores(tune[i], inner[i]) for i in np.flatnonzero(training)], args)
        held_back = lexical.fit(training)
        for i in np.flatnonzero(~training):
            page = with_scores(tune[i], scored(held_back, tune[i]))
            oof[i] = model.decision_function(page.matrix) if len(page.labels) else np.zeros(0)
        print(f"fold {fold + 1}/{FOLDS} fitted", flush=True)
    decoding, tune_f1 = choose_decoding(tune, oof)
    base_tune = float(np.mean([baseline_f1(p) for p in tune]))
    print(f"tune (out-of-fold): rules {base_tune:.4f} -> model {tune_f1:.4f} with {decoding}")
    print(f"tune (out-of-fold) by min lines: {min_lines_report(tune, oof, decoding)}")
    return decoding, tune_f1, oof


def min_lines_report(pages: list[TextPage], log_odds: list[np.ndarray], decoding: dict[str, float]) -> str:
    """Macro F1 if pages under N lines keep the rules' result (Options.line_model_min_lines)."""
    model = np.array([decoded_f1(p, lo, decoding) for p, lo in zip(pages, log_odds, strict=True)])
    rules = np.array([baseline_f1(p) for p in pages])
    lines = np.array([len(p.labels) for p in pages])
    return ", ".join(f"{n}: {np.where(lines < n, rules, model).mean():.4f}" for n in MIN_LINES_CHOICES)


def report_heldout(
    heldout: list[TextPage], log_odds: list[np.ndarray], decoding: dict[str, float], label: str = "model"
) -> None:
    held = [decoded_f1(p, lo, decoding) for p, lo in zip(heldout, log_odds, strict=True)]
    print(f"held-out: rules {np.mean([baseline_f1(p) for p in heldout]):.4f} -> {label} {np.mean(held):.4f}")
    print(f"held-out ({label}) by min lines: {min_lines_report(heldout, log_odds, decoding)}")


def keep_shipped_decoding() -> tuple[dict[str, float], float, str]:
    """The shipped file's decoding and out-of-fold figure (--keep-decoding)."""
    from clean.textmodel.trees import shipped_model

    info = json.loads(
        (Path(__file__).resolve().parents[1] / "clean" / "textmodel" / "data" / MODEL_FILE).read_text()
    )["info"]
    figure = next(k for k in info if "out-of-fold F1" in k)
    label = figure if figure.startswith("(") else f"({figure} of the previous fit, same decoding)"
    print(f"keeping the shipped decoding {shipped_model().decoding}; {label} {info[figure]}")
    return dict(shipped_model().decoding), float(info[figure]), label


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="/tmp/text-corpus.pkl")
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--depth", type=int, default=5)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--min-leaf", type=int, default=50)
    parser.add_argument(
        "--second-min-leaf", type=int, help="the second pass's min samples per leaf (default: --min-leaf)"
    )
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--out", type=Path, help="write the model here instead of the package's data file")
    parser.add_argument("--keep-decoding", action="store_true", help="refit only; keep the shipped decoding")
    parser.add_argument("--no-lexical", action="store_true", help="an empty lexicon (the model before it)")
    parser.add_argument("--min-domains", type=int, default=3, help="a lexicon word occurs on this many sites")
    parser.add_argument("--max-words", type=int, default=20000)
    parser.add_argument("--lexicon-c", type=float, default=0.03, help="inverse L2 strength of the lexicon")
    parser.add_argument("--pages-weigh", action="store_true", help="weigh pages alike, not lines")
    parser.add_argument("--bigrams", action="store_true", help="lexicon: word pairs too")
    parser.add_argument(
        "--edge-lexicon", type=float, default=0.0,
        help="measure a second lexicon fitted on the lines within this share of the page's ends (no export)",
    )  # fmt: skip
    parser.add_argument("--stack", action="store_true", help="a second pass: first-pass log-odds in context")
    parser.add_argument("--dump", type=Path, help="save out-of-fold and held-out log-odds here (pickle)")
    parser.add_argument(
        "--seed", type=int, default=0,
        help="the trees' random_state: which 200,000 lines place their bins (a refit's noise, README)",
    )  # fmt: skip
    parser.add_argument(
        "--lexicon-cache", type=Path, help="keep the fitted lexicons in this pickle, reuse them (same corpus)"
    )
    args = parser.parse_args(argv)
    with open(args.corpus, "rb") as f:
        corpus: list[TextPage] = pickle.load(f)
    tune = [p for p in corpus if not p.heldout]
    heldout = [p for p in corpus if p.heldout]

    lexical = Lexical(tune, args)
    dump: dict = {"tune ids": [p.id for p in tune], "heldout ids": [p.id for p in heldout]}
    second, share = None, 1.0
    if args.stack:
        first = FirstPasses(tune, lexical, args)
        if args.keep_decoding:
            decoding, tune_f1, figure = keep_shipped_decoding()
            first.decoding = decoding
            from clean.textmodel.trees import shipped_model

            share = shipped_model().second_share
        else:
            decoding, share, tune_f1, oof_first, oof_second = stacked_decoding(tune, first, args)
            dump |= {"oof first": oof_first, "oof second": oof_second}
            dump["oof"] = blended(oof_first, oof_second, share)
            dump["share"] = share
            figure = "tune out-of-fold F1"
        model = first.model(frozenset())
        second = fit_second(first, frozenset(), args)
    else:
        if args.keep_decoding:
            decoding, tune_f1, figure = keep_shipped_decoding()
        else:
            decoding, tune_f1, dump["oof"] = out_of_fold_decoding(tune, lexical, args)
            figure = "tune out-of-fold F1"
        oof_scores = lexical.out_of_fold(lexical.everyone)
        model = fit([with_scores(p, s) for p, s in zip(tune, oof_scores, strict=True)], args)
    lexicons = lexical.fit(lexical.everyone)
    if args.edge_lexicon:  # the runtime reads one lexicon: held-out scored with scikit-learn, nothing written
        heldout = [with_scores(p, scored(lexicons, p)) for p in heldout]
        report_heldout(heldout, [model.decision_function(p.matrix) for p in heldout], decoding)
        return
    lexicon = lexicons[0]
    exported = export(model, second, share, decoding, lexicon, {
        "trained on": f"{len(tune)} WCXB dev tune pages (ids not divisible by 5)",
        "trees": args.trees, "depth": args.depth, "learning rate": args.learning_rate,
        "min samples per leaf": args.min_leaf, figure: round(tune_f1, 4),
        "pages decided": f">= {Options().line_model_min_lines} lines (shorter ones: the rules' result)",
        "lexicon": "none" if args.no_lexical else (
            f"{len(lexicon.weights)} {'words and word pairs' if args.bigrams else 'words'} on >= "
            f"{args.min_domains} sites (at most {args.max_words}), logistic regression C={args.lexicon_c}, "
            f"each {'page' if args.pages_weigh else 'line'} weighing the same"
        ),
    })  # fmt: skip
    shipped = model_from_dict(json.loads(json.dumps(exported)))
    heldout = [with_scores(p, scored([shipped.lexicon], p)) for p in heldout]
    held_log_odds = [shipped.log_odds(p.matrix.astype(np.float64)) for p in heldout]
    check = heldout[0].matrix.astype(np.float64)
    gap = float(np.abs(held_log_odds[0] - model.decision_function(check)).max())
    if second is not None:
        dump["heldout first"] = held_log_odds
        report_heldout(heldout, held_log_odds, first.decoding, "first pass alone")
        heldout = [stacked(p, lo) for p, lo in zip(heldout, held_log_odds, strict=True)]
        held_second = [shipped.second.log_odds(p.matrix.astype(np.float64)) for p in heldout]
        check = heldout[0].matrix.astype(np.float64)
        gap = max(gap, float(np.abs(held_second[0] - second.decision_function(check)).max()))
        dump["heldout second"] = held_second
        held_log_odds = blended(dump["heldout first"], held_second, share)
    dump["heldout"] = held_log_odds
    report_heldout(heldout, held_log_odds, decoding)
    print(f"export check: largest log-odds gap to scikit-learn {gap:.2e}")
    if args.dump:
        with open(args.dump, "wb") as f:
            pickle.dump(dump, f)
    if args.write or args.out:
        path = args.out or Path(__file__).resolve().parents[1] / "clean" / "textmodel" / "data" / MODEL_FILE
        path.write_text(json.dumps(exported, separators=(",", ":")), encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
