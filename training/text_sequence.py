"""A sequence model over a page's lines (text mode), measured against the shipped line model.

    OMP_NUM_THREADS=1 python -m training.text_sequence --corpus /tmp/text9/corpus2.pkl \
        --dump /tmp/text9/refit2_dump.pkl --out /tmp/seq.json [--hidden 24] [--inputs both]

The shipped line model decides each line from its own columns and fixed
windows around it (lines +-1..3, +-10, its paragraph; clean/textmodel/context.py).
This script asks whether a small bidirectional GRU over the whole sequence of
a page's lines, reading each line's corpus columns (training/text_corpus.py,
standardised) and the tree passes' out-of-fold log-odds (text_train's
`--dump`), decides lines better: it can see where the article region lies and
runs of similar lines anywhere on the page.

- Per line, a logistic output; the loss weighs each page alike and each line
  by its tokens within its page (as text_train's trees and the benchmark).
- Out of fold by site: the 5 folds of training/text_lexicon.domain_folds, the
  same as text_train's. Inputs of the tune pages are the dump's out-of-fold
  log-odds (each page's from trees that did not see its site fold).
- Scored as the stage decodes (text_train.decoded_f1; pages under
  Options.line_model_min_lines keep the rules' result): the sequence model
  alone, and blended with the shipped blend's log-odds ('oof' in the dump) at
  several shares, the decoding chosen on the out-of-fold tune pages for each,
  as text_train chooses its own. The baseline is the dump's 'oof' log-odds
  with the decoding chosen the same way.
- Checkpoints after several epoch counts are scored in one run (the count is
  a choice made on tune out of fold, as the share and the decoding).
- `--heldout` (read once, for a chosen variant): fit on all tune pages for
  the chosen epochs, score held-out pages from the shipped model's held-out
  log-odds ('heldout first'/'heldout second'), with the share and decoding
  chosen on tune out of fold.

Torch is needed here only (not at runtime, and not in the `train` extra, since
nothing it fits ships): `pip install torch==2.13.0`; it runs on one thread.
Figures and the variants measured: training/README.md, session 12 (seq12).
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from collections import Counter

import numpy as np
from scipy import sparse

from clean.options import Options
from clean.textmodel.decode import decode
from training.text_corpus import TextPage
from training.text_lexicon import domain_folds
from training.text_train import FOLDS, SHIFTS, TEMPERATURES, blended, fixed_removals

SHARES = (1.0, 0.75, 0.5, 0.35, 0.25)
LOG_ODDS_SCALE = 4.0  # the trees' log-odds span about +-10: inputs of order 1


class FastScorer:
    """Macro F1 of decoded pages, as text_train.decoded_f1 and baseline_f1, with sparse token counts.

    decoded_f1 builds a Counter of the kept tokens per call; with a page's
    tokens counted once per line (a lines x words matrix) a decoding costs a
    matrix-vector product, so grids over shares, decodings and checkpoints are cheap.
    """

    def __init__(self, pages: list[TextPage]) -> None:
        self.pages = pages
        self.min_lines = Options().line_model_min_lines
        self.counts, self.gold, self.gold_total = [], [], []
        self.tokens, self.open, self.rules_kept = [], [], []
        for page in pages:
            vocabulary: dict[str, int] = {}
            rows, cols, vals = [], [], []
            for i, line in enumerate(page.kept_tokens):
                for word, n in Counter(line).items():
                    rows.append(i)
                    cols.append(vocabulary.setdefault(word, len(vocabulary)))
                    vals.append(n)
            for word in page.gold:  # gold words no line holds get columns too (no line counts them)
                vocabulary.setdefault(word, len(vocabulary))
            gold = np.zeros(len(vocabulary))
            for word, n in page.gold.items():
                gold[vocabulary[word]] = n
            shape = (len(page.kept_tokens), len(vocabulary))
            self.counts.append(sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=float).T.tocsr())
            self.gold.append(gold)
            self.gold_total.append(float(sum(page.gold.values())))
            self.tokens.append(np.array([len(t) for t in page.kept_tokens], dtype=float))
            self.open.append(~fixed_removals(page))
            self.rules_kept.append(np.array([s is None for s in page.rule_stage], dtype=bool))
        self.baseline = np.array([self.page_f1(i, k) for i, k in enumerate(self.rules_kept)])

    def page_f1(self, i: int, keep: np.ndarray) -> float:
        if not self.gold_total[i]:
            return 1.0 if not self.tokens[i][keep].sum() else 0.0
        predicted = self.counts[i] @ keep.astype(float)
        total = predicted.sum()
        if not total:
            return 0.0
        common = np.minimum(predicted, self.gold[i]).sum()
        if not common:
            return 0.0
        p, r = common / total, common / self.gold_total[i]
        return 2 * p * r / (p + r)

    def scores(self, log_odds: list[np.ndarray], decoding: dict[str, float]) -> np.ndarray:
        """Each page's F1 as the stage decodes it (short pages: the rules' result)."""
        out = self.baseline.copy()
        for i, lo in enumerate(log_odds):
            if len(lo) < self.min_lines:
                continue
            keep = decode(lo, self.tokens[i], self.open[i], decoding).keep
            out[i] = self.page_f1(i, keep if keep.any() else self.rules_kept[i])
        return out

    def choose(self, log_odds: list[np.ndarray]) -> tuple[dict[str, float], float]:
        """The temperature and shift of the best macro F1 (text_train.choose_decoding's grid)."""
        best: tuple[float, dict[str, float]] = (-1.0, {})
        for temperature in TEMPERATURES:
            for shift in SHIFTS:
                decoding = {"temperature": temperature, "shift": shift}
                score = float(self.scores(log_odds, decoding).mean())
                if score > best[0]:
                    best = (score, decoding)
        return best[1], best[0]


def line_inputs(page: TextPage, first: np.ndarray, second: np.ndarray, inputs: str) -> np.ndarray:
    """A page's raw input rows: its corpus columns, a blank line above, the passes' log-odds (scaled)."""
    numbers = page.line_numbers if page.line_numbers is not None else np.arange(len(page.labels))
    blank_above = np.concatenate([[1.0], (np.diff(numbers) > 1).astype(float)])[:, None]
    log_odds = np.column_stack([first, second]) / LOG_ODDS_SCALE
    if inputs == "log-odds":
        return np.hstack([blank_above, log_odds]).astype(np.float32)
    return np.hstack([page.matrix, blank_above, log_odds]).astype(np.float32)


def build_model(n_inputs: int, hidden: int):
    import torch
    from torch import nn

    class Tagger(nn.Module):
        """Inputs projected, a bidirectional GRU over the page's lines, a per-line logit from both
        directions' states and the inputs themselves (a linear path the GRU only corrects)."""

        def __init__(self) -> None:
            super().__init__()
            self.project = nn.Linear(n_inputs, hidden)
            self.gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hidden + n_inputs, 1)

        def forward(self, x, lengths):
            h = torch.tanh(self.project(x))
            packed = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
            states, _ = self.gru(packed)
            states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True, total_length=x.shape[1])
            return self.out(torch.cat([states, x], dim=-1)).squeeze(-1)

    return Tagger()


def batches(rows: list[np.ndarray], size: int, rng: np.random.Generator) -> list[list[int]]:
    """Pages of similar length together (little padding), the batches in random order."""
    order = np.argsort([len(r) for r in rows], kind="stable")
    groups = [order[i : i + size].tolist() for i in range(0, len(order), size)]
    rng.shuffle(groups)
    return groups


def padded(rows: list[np.ndarray], targets: list[np.ndarray] | None, weights: list[np.ndarray] | None, group):
    import torch

    lengths = [len(rows[i]) for i in group]
    width = max(lengths)
    x = np.zeros((len(group), width, rows[group[0]].shape[1]), dtype=np.float32)
    y = np.zeros((len(group), width), dtype=np.float32)
    w = np.zeros((len(group), width), dtype=np.float32)
    for b, i in enumerate(group):
        x[b, : lengths[b]] = rows[i]
        if targets is not None:
            y[b, : lengths[b]] = targets[i]
            w[b, : lengths[b]] = weights[i]
    return torch.from_numpy(x), torch.tensor(lengths), torch.from_numpy(y), torch.from_numpy(w)


def standardiser(rows: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    stacked = np.vstack(rows)
    mean, std = stacked.mean(axis=0), stacked.std(axis=0)
    std[std < 1e-6] = 1.0
    return mean, std


def fit_and_score(
    train_rows, train_targets, train_weights, score_rows, args, checkpoints
) -> dict[int, list[np.ndarray]]:
    """Train on some pages; the log-odds of others after each checkpoint's epoch count."""
    import torch

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    mean, std = standardiser(train_rows)
    norm = lambda r: np.clip((r - mean) / std, -5, 5).astype(np.float32)  # noqa: E731
    train_x = [norm(r) for r in train_rows]
    score_x = [norm(r) for r in score_rows]
    model = build_model(train_x[0].shape[1], args.hidden)
    optimiser = torch.optim.Adam(model.parameters(), lr=args.learning_rate, weight_decay=args.weight_decay)
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    out: dict[int, list[np.ndarray]] = {}
    for epoch in range(1, max(checkpoints) + 1):
        model.train()
        total = 0.0
        for group in batches(train_x, args.batch, rng):
            x, lengths, y, w = padded(train_x, train_targets, train_weights, group)
            loss = (loss_fn(model(x, lengths), y) * w).sum() / len(group)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimiser.step()
            total += float(loss.detach()) * len(group)
        if epoch in checkpoints:
            out[epoch] = predict(model, score_x, args.batch)
            print(f"  epoch {epoch}: training loss {total / len(train_x):.4f}", flush=True)
    return out


def predict(model, rows: list[np.ndarray], size: int) -> list[np.ndarray]:
    import torch

    model.eval()
    result: list[np.ndarray] = [np.zeros(0)] * len(rows)
    order = np.argsort([len(r) for r in rows], kind="stable")
    with torch.no_grad():
        for start in range(0, len(order), size):
            group = order[start : start + size].tolist()
            x, lengths, _, _ = padded(rows, None, None, group)
            logits = model(x, lengths).numpy()
            for b, i in enumerate(group):
                result[i] = logits[b, : len(rows[i])].astype(float)
    return result


def page_weights(page: TextPage) -> np.ndarray:
    sizes = np.array([len(t) for t in page.kept_tokens], dtype=float) + 1.0
    return (sizes / sizes.sum()).astype(np.float32)


def per_type(pages: list[TextPage], scores: np.ndarray) -> str:
    kinds = sorted({p.page_type for p in pages})
    pairs = list(zip(pages, scores, strict=True))
    return " ".join(f"{k} {np.mean([s for p, s in pairs if p.page_type == k]):.3f}" for k in kinds)


def report(name: str, scorer: FastScorer, log_odds: list[np.ndarray], shipped: list[np.ndarray]) -> dict:
    """The sequence model alone and blended with the shipped log-odds, each decoding chosen on these pages."""
    rows = {}
    for share in SHARES:
        decoding, score = scorer.choose(blended(shipped, log_odds, share))
        rows[share] = {"f1": score, "decoding": decoding}
        print(f"{name} share {share}: {score:.4f} {decoding}", flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--dump", required=True, help="text_train --stack --dump: the passes' log-odds")
    parser.add_argument("--out", required=True, help="JSON of the figures (and --save-oof's log-odds)")
    parser.add_argument("--hidden", type=int, default=24)
    parser.add_argument("--inputs", choices=("both", "log-odds"), default="both")
    parser.add_argument("--epochs", default="4,8,12,16", help="checkpoints scored out of fold")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--weight-decay", type=float, default=1e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--heldout", action="store_true", help="fit on all tune pages, score held-out")
    parser.add_argument("--save-oof", help="pickle of the out-of-fold log-odds per checkpoint")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    with open(args.corpus, "rb") as f:
        corpus: list[TextPage] = pickle.load(f)
    with open(args.dump, "rb") as f:
        dump = pickle.load(f)
    tune = [p for p in corpus if not p.heldout]
    assert [p.id for p in tune] == list(dump["tune ids"])
    checkpoints = sorted(int(e) for e in args.epochs.split(","))
    passes = zip(tune, dump["oof first"], dump["oof second"], strict=True)
    rows = [line_inputs(p, a, b, args.inputs) for p, a, b in passes]
    targets = [(p.labels >= 0.5).astype(np.float32) for p in tune]
    weights = [page_weights(p) for p in tune]
    scorer = FastScorer(tune)
    baseline_decoding, baseline = scorer.choose(dump["oof"])
    print(f"tune oof: rules {scorer.baseline.mean():.4f}; shipped blend {baseline:.4f} {baseline_decoding}")
    print(f"  per type: {per_type(tune, scorer.scores(dump['oof'], baseline_decoding))}")

    folds = domain_folds(tune, FOLDS)
    usable = np.array([len(r) > 0 for r in rows])
    oof = {e: [np.zeros(len(r)) for r in rows] for e in checkpoints}
    started = time.time()
    for fold in range(FOLDS):
        train = np.flatnonzero((folds != fold) & usable)
        held = np.flatnonzero((folds == fold) & usable)
        predicted = fit_and_score(
            [rows[i] for i in train], [targets[i] for i in train], [weights[i] for i in train],
            [rows[i] for i in held], args, checkpoints,
        )  # fmt: skip
        for epoch, log_odds in predicted.items():
            for i, lo in zip(held, log_odds, strict=True):
                oof[epoch][i] = lo
        print(f"fold {fold + 1}/{FOLDS} ({time.time() - started:.0f} s)", flush=True)

    results = {"args": vars(args), "baseline": {"f1": baseline, "decoding": baseline_decoding}, "oof": {}}
    for epoch in checkpoints:
        results["oof"][epoch] = report(f"tune oof, epoch {epoch}", scorer, oof[epoch], dump["oof"])
    best_epoch, best_share = max(
        ((e, s) for e in checkpoints for s in SHARES), key=lambda es: results["oof"][es[0]][es[1]]["f1"]
    )
    chosen = results["oof"][best_epoch][best_share]
    mixed = blended(dump["oof"], oof[best_epoch], best_share)
    results["chosen"] = {"epoch": best_epoch, "share": best_share, **chosen}
    print(f"chosen: epoch {best_epoch}, share {best_share}: {chosen['f1']:.4f} against {baseline:.4f}")
    print(f"  per type: {per_type(tune, scorer.scores(mixed, chosen['decoding']))}")
    if args.save_oof:
        with open(args.save_oof, "wb") as f:
            pickle.dump({"oof": oof, "tune ids": [p.id for p in tune]}, f)

    if args.heldout:
        held = [p for p in corpus if p.heldout]
        assert [p.id for p in held] == list(dump["heldout ids"])
        held_rows = [
            line_inputs(p, a, b, args.inputs)
            for p, a, b in zip(held, dump["heldout first"], dump["heldout second"], strict=True)
        ]
        train = np.flatnonzero(usable)
        predicted = fit_and_score(
            [rows[i] for i in train], [targets[i] for i in train], [weights[i] for i in train],
            held_rows, args, [best_epoch],
        )  # fmt: skip
        held_scorer = FastScorer(held)
        shipped = held_scorer.scores(dump["heldout"], baseline_decoding)
        mixed = blended(dump["heldout"], predicted[best_epoch], best_share)
        ours = held_scorer.scores(mixed, chosen["decoding"])
        results["heldout"] = {"shipped": float(shipped.mean()), "sequence": float(ours.mean())}
        print(f"held-out: shipped blend {shipped.mean():.4f} -> with the sequence model {ours.mean():.4f}")
        print(f"  per type: {per_type(held, shipped)}\n        ->  {per_type(held, ours)}")
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1, default=str)


if __name__ == "__main__":
    main()
