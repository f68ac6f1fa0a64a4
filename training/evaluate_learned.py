"""The whole HTML pipeline on WCXB with and without the learned scorer, scored like benchmarks/quality.py.

    python -m training.evaluate_learned --jobs 2 [--part tune|heldout|all] [--model FILE]

Variants (each page is parsed once; every variant runs its stage list from
scratch on the same blocks):

  baseline   the pipeline as it is (clean.pipeline.html_stages())
  remove     baseline, then the learned stage in "remove" mode (a second opinion)
  decide     baseline, then the learned stage in "decide" mode (it replaces the
             heuristics' verdicts; rule removals stand unless the model clears
             the overrule bar); the page's cut when the model ships a decoding
  replace    main-content taken out, the learned stage in its place ("remove"
             mode right after the rules), headline lists after it

`--thresholds 0.3,0.5` adds remove/decide variants with that threshold on every page.
Trafilatura's figures are read from benchmarks/results/quality.json when it
is there, for the per-type comparison. The learned stage's own time (features,
trees, explanations) is timed per page.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from statistics import fmean, median

from benchmarks.wcxb import (
    RESULTS_DIR,
    PageResult,
    Score,
    format_table,
    load_pages,
    score_output,
    summarise,
    tokens,
)
from clean.learned import stage as learned_stage
from clean.model import Document
from clean.options import Options
from clean.stage import Stage
from training.corpus import fold_models, fold_of

_MODEL_PATH: str | None = None


def _timed_stage(timings: list[float]) -> Stage:
    def run(doc: Document, options: Options) -> None:
        started = time.perf_counter()
        learned_stage.run(doc, options)
        timings.append(time.perf_counter() - started)

    return Stage(learned_stage.STAGE_NAME, run, kinds=("html",))


def variants(
    thresholds: list[float],
    timings: list[float],
    chosen: frozenset[str] = frozenset(),
    overrule: tuple[float, ...] = (),
) -> dict[str, tuple[tuple[Stage, ...], Options]]:
    """The variants by name; only those in `chosen` (a name, or a mode for all its thresholds) if given."""
    from clean.pipeline import html_stages

    base = tuple(s for s in html_stages() if s.name != learned_stage.STAGE_NAME)
    learned = _timed_stage(timings)
    # After the heuristics (headline lists), before the batch-only site-template stage.
    after = next(i for i, s in enumerate(base) if s.name == "headline-list") + 1
    with_stage = (*base[:after], learned, *base[after:])
    position = next(i for i, s in enumerate(base) if s.name == "main-content")
    replaced = (*base[:position], learned, *base[position + 1 :])
    found: dict[str, tuple[tuple[Stage, ...], Options]] = {"baseline": (base, Options())}
    found["remove"] = (with_stage, Options(learned_scorer="remove"))
    found["decide"] = (with_stage, Options(learned_scorer="decide"))
    found["replace"] = (replaced, Options(learned_scorer="remove"))
    for t in thresholds:
        found[f"remove@{t:g}"] = (with_stage, Options(learned_scorer="remove", learned_remove_below=t))
        found[f"decide@{t:g}"] = (
            with_stage,
            Options(learned_scorer="decide", learned_remove_below=t, learned_restore_above=t),
        )
        found[f"replace@{t:g}"] = (replaced, Options(learned_scorer="remove", learned_remove_below=t))
    for t in overrule:
        found[f"overrule@{t:g}"] = (with_stage, Options(learned_scorer="decide", learned_overrule_above=t))
    if chosen:
        found = {name: v for name, v in found.items() if name in chosen or name.split("@")[0] in chosen}
    return found


def _reset(doc: Document) -> None:
    for block in doc.blocks:
        block.removal = None
        block.trims = []
    doc.notes = {}
    doc.overridden = []


class _Models:
    """This worker's models: the held-out model and, optionally, one per tune fold.

    The learned stage asks clean.learned.model.shipped_model() for its model;
    in this process that returns the model for the page being evaluated, and
    keeps the page's features, so the threshold variants do not recompute them
    (the first learned variant, the timed one, computes them).
    """

    def __init__(self, model_path: str | None, fold_dir: str | None) -> None:
        from clean.learned import model as model_module

        self.main = model_module.load_model_file(model_path) if model_path else model_module.shipped_model()
        found = fold_models(Path(fold_dir)) if fold_dir else []
        self.fold_models = [model_module.load_model_file(p) for p, _ in found]
        self.fold_by = found[0][1] if found else "page"
        self.current = self.main
        self.doc: Document | None = None
        self.matrix = None
        model_module.shipped_model = lambda name=model_module.DEFAULT_MODEL: self  # this process only

    def choose(self, page, heldout: bool) -> None:
        if heldout or not self.fold_models:
            self.current = self.main
        else:
            self.current = self.fold_models[fold_of(page, len(self.fold_models), self.fold_by)]
        self.doc = self.matrix = None

    @property
    def stage_threshold(self) -> float:
        return self.main.stage_threshold  # the fold models use the final model's threshold

    @property
    def decoding(self) -> dict[str, float] | None:
        return self.main.decoding  # and its per-page cut (chosen by training/block_decoding.py)

    def features(self, doc: Document):
        if self.doc is not doc:
            self.doc, self.matrix = doc, self.current.features(doc)
        return self.matrix

    def __getattr__(self, name: str):
        return getattr(self.current, name)


_MODELS: _Models | None = None


def _init(model_path: str | None, fold_dir: str | None) -> None:
    global _MODELS
    os.nice(5)
    _MODELS = _Models(model_path, fold_dir)


def evaluate_page(task: tuple) -> tuple[PageResult, list[float]]:
    from clean.frontends.html import parse_document
    from clean.pipeline import run_stages
    from clean.report.render import output_text

    page, thresholds, chosen, overrule = task
    if _MODELS is not None:
        _MODELS.choose(page, page.heldout)
    timings: list[float] = []
    gold_bag = Counter(tokens(page.gold))
    scores: dict[str, Score] = {}
    try:
        started = time.perf_counter()
        doc = parse_document(page.read_html(), page.url, Options())
        parse_seconds = time.perf_counter() - started
    except Exception as exc:
        from benchmarks.wcxb import failed_score

        failed = {n: failed_score(page, str(exc)) for n in variants(thresholds, [], chosen, overrule)}
        return PageResult(page, failed, {}), []
    baseline_seconds = 0.0
    for name, (stages, options) in variants(thresholds, timings, chosen, overrule).items():
        _reset(doc)
        started = time.perf_counter()
        run_stages(doc, stages, options)
        if name == "baseline":
            baseline_seconds = parse_seconds + time.perf_counter() - started
        scores[name] = score_output(page, gold_bag, output_text(doc))
    # The "remove" variant's run is the stage's cost on this page (features, trees, reasons).
    return PageResult(page, scores, {}), [baseline_seconds, *timings[:1]]


def _trafilatura_scores(results: list[PageResult]) -> None:
    path = RESULTS_DIR / "quality.json"
    if not path.exists():
        return
    rows = {row["id"]: row["scores"].get("trafilatura") for row in json.loads(path.read_text())["pages"]}
    for result in results:
        found = rows.get(result.page.id)
        if found:
            result.scores["trafilatura"] = Score(p=found["p"], r=found["r"], f1=found["f1"])


def _write_stage_threshold(summary: dict, mode: str, model_path: str | None) -> None:
    """The mode's best threshold on the tune pages (out-of-fold when fold models were given)."""
    from clean.learned.model import DEFAULT_MODEL

    path = (
        Path(model_path)
        if model_path
        else Path(__file__).parents[1] / "clean" / "learned" / "data" / DEFAULT_MODEL
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    tune = summary["tune"]
    candidates = {
        name: row["f1"] for name, row in tune.items() if name == mode or name.startswith(mode + "@")
    }
    best = max(candidates, key=candidates.get)
    threshold = float(best.split("@")[1]) if "@" in best else data.get("stage_threshold", data["threshold"])
    data["stage_threshold"] = threshold
    data.setdefault("info", {})["stage_threshold_chosen_on"] = (
        f"tune pages, pipeline + learned stage in {mode!r} mode: F1 {candidates[best]:.4f} at {threshold}"
    )
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"stage threshold {threshold} written to {path}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=("all", "tune", "heldout"), default="all")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--model", help="a model file instead of the shipped one")
    parser.add_argument(
        "--fold-models",
        help="directory of fold models from train_block_model.py --fold-models: tune pages are then "
        "scored by the model that did not see them (honest tune figures)",
    )
    parser.add_argument("--thresholds", default="", help="extra thresholds, comma-separated")
    parser.add_argument(
        "--overrule",
        default="",
        help="decide variants that also undo rule-stage removals at these probabilities "
        "(Options.learned_overrule_above), comma-separated; select them with --variants overrule",
    )
    parser.add_argument(
        "--variants",
        default="",
        help="run only these variants, comma-separated (a mode name also selects its threshold variants); "
        "default all",
    )
    parser.add_argument("--out", type=Path, help="write the summary as JSON here")
    parser.add_argument(
        "--set-stage-threshold",
        choices=("remove", "decide"),
        help="write the threshold (among 0.3 = the model's and --thresholds) with the best tune F1 in "
        "this mode into the --model file as its stage_threshold; use with --fold-models",
    )
    args = parser.parse_args(argv)
    thresholds = [float(t) for t in args.thresholds.split(",") if t.strip()]
    pages = load_pages(part=args.part, limit=args.limit)
    chosen = frozenset(v.strip() for v in args.variants.split(",") if v.strip())
    overrule = tuple(float(t) for t in args.overrule.split(",") if t.strip())
    tasks = [(page, thresholds, chosen, overrule) for page in pages]
    started = time.perf_counter()
    if args.jobs > 1:
        with Pool(args.jobs, initializer=_init, initargs=(args.model, args.fold_models)) as pool:
            outcome = pool.map(evaluate_page, tasks, chunksize=4)
    else:
        _init(args.model, args.fold_models)
        outcome = [evaluate_page(task) for task in tasks]
    results = [result for result, _ in outcome]
    pipeline_seconds = [timings[0] for _, timings in outcome if len(timings) == 2]
    stage_seconds = [timings[1] for _, timings in outcome if len(timings) == 2]
    systems = list(results[0].scores)
    _trafilatura_scores(results)
    if all("trafilatura" in r.scores for r in results):
        systems.append("trafilatura")
    summary = summarise(results, systems)
    for set_name in summary:
        print(format_table(summary, systems, set_name), end="\n\n")
    if stage_seconds:
        ms = [1000 * s for s in stage_seconds]
        print(
            f"learned stage time per page: mean {fmean(ms):.1f} ms, median {median(ms):.1f} ms, "
            f"max {max(ms):.0f} ms ({len(ms)} pages)"
        )
        base = [1000 * s for s in pipeline_seconds]
    if stage_seconds and sum(base) > 0:  # the baseline variant ran
        print(
            f"baseline pipeline (parse + stages) per page: mean {fmean(base):.1f} ms, "
            f"median {median(base):.1f} ms; the stage adds {sum(ms) / sum(base):.1%} of its time"
        )
    print(f"wall {time.perf_counter() - started:.0f}s", file=sys.stderr)
    if args.set_stage_threshold:
        _write_stage_threshold(summary, args.set_stage_threshold, args.model)
    if args.out:
        args.out.write_text(
            json.dumps({"summary": summary, "stage_ms": ms if stage_seconds else []}, indent=1)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
