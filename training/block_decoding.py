"""Choose the block model's per-page cut (clean/learned/page_cut.py) on out-of-fold tune pages.

    python -m training.block_decoding --jobs 2 --fold-models /tmp/folds --records /tmp/records.pkl [--write]

1. Every WCXB dev page is parsed and run through the HTML pipeline up to the
   learned stage; per block it records what the rules decided (kept, or the
   removing stage and rule), its benchmark tokens (for scoring), its word
   count (what the stage weighs it by) and the model's log-odds:
   tune pages from the fold model that did not see them (train_block_model.py
   --fold-models, its fold as training.corpus.fold_of gives it), held-out pages from the final model.
   The records are cached (--records), so step 2 takes seconds.
2. Each decoding (temperature, shift, code shift) is simulated on every page
   with the stage's own code (page_cut and the stage's restore bars) and scored
   like benchmarks/wcxb.py; chosen on the tune pages: per temperature and
   shift the code shift with the best F1, then, among those within --tolerance
   of the best F1, the most precise (see choose_decoding).
3. Printed: the rules alone, the fixed stage threshold, and the chosen cut,
   tune (out of fold) and held-out, P/R/F1 and F1 per page type. --write puts
   the decoding into the model file (--model, default the shipped one).

Step 1 also runs the real stage on each page with the model file's current
settings and scores it; the simulation of those settings must give the same
mean F1 (printed as a check), so the figures of step 2 are the stage's.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import pickle
import sys
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from statistics import fmean

import numpy as np

from benchmarks.wcxb import PAGE_TYPES, load_pages, score_output, tokens
from clean.learned import stage as learned_stage
from clean.learned.page_cut import (
    code_blocks,
    headings_of_kept_sections,
    page_cut,
    shape_groups,
    with_code_shift,
    with_shape_mean,
)
from training.corpus import fold_models, fold_of
from training.labels import block_labels

SHIPPED = Path(__file__).resolve().parents[1] / "clean" / "learned" / "data" / "block_model.json"
TEMPERATURES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.85, 1.0)
SHIFTS = (-1.0, -0.75, -0.5, -0.25, 0.0, 0.25)
CODE_SHIFTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)


@dataclass
class PageRecord:
    """One page after the rule stages: what they decided and what the model says, per block."""

    id: str
    page_type: str
    heldout: bool
    log_odds: np.ndarray
    stage: list[str | None]  # the removing stage per block (None: kept)
    rule: list[str | None]
    block_tokens: list[np.ndarray]  # ids of the tokens of each block's kept text
    gold: np.ndarray  # gold token counts by id
    stage_f1: float  # the real stage's output (the model file's settings), scored like the benchmark
    kinds: list[str] | None = None  # Block.kind per block (heading, paragraph, list-item, ...)
    words: np.ndarray | None = None  # the front end's word count per block (Block.features["words"])
    paths: list[str] | None = None  # Block.path per block (DOM context, for error analysis)
    labels: list[float] | None = None  # training.labels.block_labels per block (the gold's share)

    @property
    def code(self) -> np.ndarray:
        """Per block: a code block (clean.learned.page_cut.code_blocks), memoised."""
        if getattr(self, "_code", None) is None:
            self._code = code_blocks(self.kinds, self.paths)
        return self._code

    @property
    def kept(self) -> np.ndarray:
        return np.array([s is None for s in self.stage], dtype=bool)

    def prf(self, keep: np.ndarray) -> tuple[float, float, float]:
        """As benchmarks.wcxb.prf for the kept blocks' tokens."""
        chosen = [self.block_tokens[i] for i in np.flatnonzero(keep)]
        ids = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int32)
        gold_total = int(self.gold.sum())
        if not gold_total:
            perfect = float(not len(ids))
            return perfect, perfect, perfect
        if not len(ids):
            return 0.0, 0.0, 0.0
        overlap = int(np.minimum(np.bincount(ids, minlength=len(self.gold)), self.gold).sum())
        p, r = overlap / len(ids), overlap / gold_total
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ----------------------------------------------------------------- step 1


_MODELS: dict = {}


def _init(model_path: str, fold_dir: str | None) -> None:
    from clean.learned.model import load_model_file

    os.nice(5)
    main = load_model_file(model_path)
    _MODELS["main"] = main
    # The fold models carry no stage settings: they take the final model's.
    found = fold_models(Path(fold_dir)) if fold_dir else []
    _MODELS["folds"] = [
        dataclasses.replace(load_model_file(p), stage_threshold=main.stage_threshold, decoding=main.decoding)
        for p, _ in found
    ]
    _MODELS["fold_by"] = found[0][1] if found else "page"


def collect(page) -> PageRecord | None:
    from clean.frontends.html import parse_document
    from clean.learned import model as model_module
    from clean.options import Options
    from clean.pipeline import html_stages, run_stages
    from clean.report.render import output_text

    folds = _MODELS["folds"]
    model = (
        _MODELS["main"] if page.heldout or not folds else folds[fold_of(page, len(folds), _MODELS["fold_by"])]
    )
    try:
        doc = parse_document(page.read_html(), page.url, Options())
    except Exception as exc:  # as the benchmark: a page the front end refuses scores 0 for every variant
        print(f"page {page.id}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None
    stages = html_stages()
    at = next(i for i, s in enumerate(stages) if s.name == learned_stage.STAGE_NAME)
    run_stages(doc, stages[:at], Options())
    log_odds = model.log_odds(model.features(doc))
    ids: dict[str, int] = {}
    block_tokens = [
        np.array([ids.setdefault(t, len(ids)) for t in tokens(b.kept_text())], dtype=np.int32)
        for b in doc.blocks
    ]
    gold_bag = Counter(tokens(page.gold))
    for token in gold_bag:
        ids.setdefault(token, len(ids))
    gold = np.zeros(len(ids), dtype=np.int32)
    for token, count in gold_bag.items():
        gold[ids[token]] = count
    stage = [b.removal.stage if b.removal else None for b in doc.blocks]
    rule = [b.removal.rule if b.removal else None for b in doc.blocks]
    # The real stage, with this page's model, for the simulation check.
    original = model_module.shipped_model
    model_module.shipped_model = lambda name=None: model  # this worker process only
    try:
        run_stages(doc, stages[at:], Options())
    finally:
        model_module.shipped_model = original
    stage_f1 = score_output(page, gold_bag, output_text(doc)).f1
    kinds = [b.kind for b in doc.blocks]
    words = np.array([b.features.get("words", 0.0) for b in doc.blocks], dtype=float)
    return PageRecord(
        page.id,
        page.page_type,
        page.heldout,
        log_odds,
        stage,
        rule,
        block_tokens,
        gold,
        stage_f1,
        kinds,
        words,
        [b.path or "" for b in doc.blocks],
        block_labels([b.text for b in doc.blocks], page.gold)[0],
    )


def collect_all(model_path: str, fold_dir: str | None, jobs: int, limit: int | None) -> list[PageRecord]:
    pages = load_pages(part="all", limit=limit)
    if jobs > 1:
        with Pool(jobs, initializer=_init, initargs=(model_path, fold_dir)) as pool:
            records = pool.map(collect, pages, chunksize=4)
    else:
        _init(model_path, fold_dir)
        records = [collect(page) for page in pages]
    return [r for r in records if r is not None]


# ----------------------------------------------------------------- step 2


def _open_bars(record: PageRecord, probability: np.ndarray, restore_above: float, overrule: float | None):
    """Per block, the bar its removal sets for the model to undo it (nan: never; kept blocks 0)."""
    bars = np.full(len(record.stage), np.nan)
    for i, (stage, rule) in enumerate(zip(record.stage, record.rule, strict=True)):
        if stage is None:
            bars[i] = 0.0
        elif rule not in learned_stage.KEEP_RULES:
            bar = learned_stage._restore_bar(stage, rule, restore_above, overrule)
            if bar is not None:
                bars[i] = bar
    return bars


def cut_keep(record: PageRecord, decoding: dict[str, float], overrule: float | None = 0.7) -> np.ndarray:
    """The blocks the stage keeps on this page with the page's cut ("decide" mode)."""
    # As the stage: a repeated DOM shape's blocks move toward their shape's mean, then code's shift.
    tokens_per_block = record.words  # what the stage weighs blocks by
    groups = shape_groups(record.paths, tokens_per_block) if record.paths is not None else []
    log_odds = with_code_shift(with_shape_mean(record.log_odds, groups), record.code, decoding)
    probability = 1.0 / (1.0 + np.exp(-log_odds))
    bars = _open_bars(record, probability, 0.0, overrule)
    open_to_model = np.nan_to_num(bars, nan=2.0) <= probability
    cut = page_cut(log_odds, tokens_per_block, open_to_model, decoding)
    if cut is None:
        return record.kept
    keep = (record.kept & ~open_to_model) | cut.keep
    keep[headings_of_kept_sections(cut.keep, record.kept, open_to_model, record.kinds, tokens_per_block)] = (
        True
    )
    return keep


def threshold_keep(record: PageRecord, threshold: float, overrule: float | None = 0.7) -> np.ndarray:
    """The blocks the stage keeps with one threshold on every page ("decide" mode, never emptying)."""
    probability = 1.0 / (1.0 + np.exp(-record.log_odds))
    kept = record.kept
    bars = _open_bars(record, probability, threshold, overrule)
    restored = ~kept & (np.nan_to_num(bars, nan=2.0) <= probability)
    keep = (kept & (probability >= threshold)) | restored
    if not restored.any() and kept.any() and not keep.any():
        candidates = np.flatnonzero(kept)
        keep[candidates[np.argmax(probability[candidates])]] = True
    return keep


def scores(records: list[PageRecord], keep_of) -> list[tuple[str, float, float, float]]:
    return [(r.page_type, *r.prf(keep_of(r))) for r in records]


def line(name: str, rows: list[tuple]) -> str:
    p, r, f = (fmean(row[i] for row in rows) for i in (1, 2, 3))
    by_type = " ".join(
        f"{t[:4]} {fmean(x[3] for x in rows if x[0] == t):.3f}"
        for t in PAGE_TYPES
        if any(x[0] == t for x in rows)
    )
    return f"{name:<34} P {p:.4f} R {r:.4f} F1 {f:.4f} | {by_type}"


def choose_decoding(tune: list[PageRecord], tolerance: float) -> tuple[dict[str, float], float, float]:
    """(decoding, its tune F1, its tune precision), chosen on the tune pages.

    For each temperature and shift, the code shift with the best F1 (code blocks
    are there for recall; ties to the smaller shift). Then, among the decodings
    within `tolerance` of the best F1, the most precise: the grid is flat near its
    best (a shift of 0.25 trades ~0.01 precision for as much recall at the same
    F1), and the targets ask for precision as well as F1.
    """
    with_code = [r for r in tune if r.code.any()]
    without = [r for r in tune if not r.code.any()]  # the code shift changes nothing there
    grid = []
    for temperature, shift in itertools.product(TEMPERATURES, SHIFTS):
        best = None
        plain = scores(without, lambda r, d={"temperature": temperature, "shift": shift}: cut_keep(r, d))
        for code_shift in CODE_SHIFTS:
            decoding = {"temperature": temperature, "shift": shift, "code_shift": code_shift}
            rows = plain + scores(with_code, lambda r, d=decoding: cut_keep(r, d))
            f1, precision = fmean(row[3] for row in rows), fmean(row[1] for row in rows)
            if best is None or f1 > best[0]:
                best = (f1, precision, decoding)
        grid.append(best)
    top = max(f1 for f1, _, _ in grid)
    f1, precision, decoding = max((g for g in grid if g[0] >= top - tolerance), key=lambda g: g[1])
    return decoding, f1, precision


def _fold_by(fold_dir: str | None) -> str:
    found = fold_models(Path(fold_dir)) if fold_dir else []
    return found[0][1] if found else "none: in-sample"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--model", type=Path, default=SHIPPED, help="the final model file (held-out pages)")
    parser.add_argument("--fold-models", help="train_block_model.py --fold-models directory (tune pages)")
    parser.add_argument("--records", type=Path, required=True, help="cache of step 1 (made when missing)")
    parser.add_argument("--limit", type=int, help="first N pages (smoke runs)")
    parser.add_argument("--write", action="store_true", help="write the chosen decoding into --model")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=0.0005,
        help="decodings within this much of the best tune F1 compete on tune precision",
    )
    args = parser.parse_args(argv)
    if not args.fold_models:
        print("no --fold-models: tune figures are in-sample, not fit to choose on", file=sys.stderr)
    started = time.perf_counter()
    if args.records.exists():
        records = pickle.loads(args.records.read_bytes())
    else:
        records = collect_all(str(args.model), args.fold_models, args.jobs, args.limit)
        args.records.write_bytes(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
        print(f"step 1: {len(records)} pages in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    tune = [r for r in records if not r.heldout]
    heldout = [r for r in records if r.heldout]
    data = json.loads(args.model.read_text(encoding="utf-8"))
    threshold = float(data.get("stage_threshold", data.get("threshold", 0.5)))
    shipped = data.get("decoding")
    simulated = (lambda r: cut_keep(r, shipped)) if shipped else (lambda r: threshold_keep(r, threshold))
    for name, part in (("tune", tune), ("held-out", heldout)):
        real = fmean(r.stage_f1 for r in part)
        model = fmean(row[3] for row in scores(part, simulated))
        print(f"check, {name}: the stage {real:.4f}, its simulation {model:.4f}")
    decoding, tune_f1, tune_p = choose_decoding(tune, args.tolerance)
    print(f"chosen on tune (out of fold): {decoding}, F1 {tune_f1:.4f}, P {tune_p:.4f}\n")
    for name, part in (("tune", tune), ("held-out", heldout)):
        print(line(f"{name}: rules alone", scores(part, lambda r: r.kept)))
        print(line(f"{name}: threshold {threshold:g}", scores(part, lambda r: threshold_keep(r, threshold))))
        print(line(f"{name}: page's cut", scores(part, lambda r: cut_keep(r, decoding))))
    if args.write:
        data["decoding"] = decoding
        data.setdefault("info", {})["decoding_chosen_on"] = (
            f"tune pages out of fold (fold models, by {_fold_by(args.fold_models)}), pipeline + the "
            f"page's cut: best code shift per temperature and shift, then the most precise within "
            f"{args.tolerance} of the best F1: F1 {tune_f1:.4f}, P {tune_p:.4f}"
        )
        args.model.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"decoding written to {args.model}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
