"""Shared code for the WCXB benchmarks: pages, scoring, running systems, reports.

The three scripts (`quality`, `speed`, `textmode`) only define their systems
and their own reports; everything that must be identical between them (how
pages are loaded and split, how outputs are scored, how a crashing system is
counted) lives here so that their figures compare.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from multiprocessing import Pool
from pathlib import Path
from statistics import fmean
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "wcxb"
RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
CACHE_DIR = REPO_ROOT / "benchmarks" / ".cache"

PAGE_TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")
TYPE_ABBREVIATIONS = {
    "article": "art",
    "forum": "forum",
    "product": "prod",
    "collection": "coll",
    "listing": "list",
    "documentation": "docs",
    "service": "serv",
}
SETS = ("all", "tune", "heldout")
# Every fifth page by numeric id is held out: never tune on these.
HELDOUT_MODULUS = 5

_TOKEN_RE = re.compile(r"\w+")


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class Page:
    """One WCXB page: where its HTML is, and its gold annotation."""

    id: str
    url: str | None
    page_type: str
    gold: str  # "" when the annotation has no (or an empty) main_content
    gold_missing: bool  # the annotation has no main_content key at all
    with_snippets: tuple[str, ...]
    without_snippets: tuple[str, ...]
    html_path: Path

    @property
    def heldout(self) -> bool:
        return is_heldout(self.id)

    @property
    def part(self) -> str:
        return "heldout" if self.heldout else "tune"

    def read_bytes(self) -> bytes:
        """The page's HTML bytes, gunzipped."""
        return gzip.decompress(self.html_path.read_bytes())

    def read_html(self) -> str:
        # The corpus is UTF-8; "replace" keeps a stray bad byte from losing a page.
        return self.read_bytes().decode("utf-8", errors="replace")

    def digest(self) -> str:
        """A short hash of the stored file, so cached outputs notice a changed page."""
        return hashlib.blake2b(self.html_path.read_bytes(), digest_size=8).hexdigest()


def is_heldout(page_id: str) -> bool:
    return int(page_id) % HELDOUT_MODULUS == 0


def load_pages(
    data_dir: Path = DEFAULT_DATA,
    split: str = "dev",
    part: str = "all",
    limit: int | None = None,
    skip_empty_gold: bool = False,
) -> list[Page]:
    """Pages of `split` sorted by id, restricted to `part`, then the first `limit`.

    `skip_empty_gold` leaves out the pages whose gold has no tokens (21 of the
    dev split, two of them with no main_content at all although they list
    `with` snippets): by the authors' metric they reward an empty output.
    """
    root = data_dir / split
    if not (root / "ground-truth").is_dir():
        raise SystemExit(f"no WCXB data at {root} (use --data)")
    fallback_types = _metadata_page_types(data_dir)
    pages = []
    for gt_path in sorted((root / "ground-truth").glob("*.json")):
        page = _page_from_annotation(gt_path, root / "html", fallback_types)
        if skip_empty_gold and not tokens(page.gold):
            continue
        if part == "all" or page.part == part:
            pages.append(page)
    return pages[:limit] if limit is not None else pages


def _page_from_annotation(gt_path: Path, html_dir: Path, fallback_types: dict[str, str]) -> Page:
    data = json.loads(gt_path.read_text(encoding="utf-8"))
    # A few annotations lack file_id/url/_internal: the file name is the id.
    page_id = str(data.get("file_id") or gt_path.stem)
    gt = data.get("ground_truth") or {}
    page_type = (data.get("_internal") or {}).get("page_type", {}).get("primary")
    page_type = page_type or fallback_types.get(page_id) or "unknown"
    return Page(
        id=page_id,
        url=data.get("url"),
        page_type="collection" if page_type == "category" else page_type,
        gold=gt.get("main_content") or "",
        gold_missing="main_content" not in gt,
        with_snippets=tuple(gt.get("with") or ()),
        without_snippets=tuple(gt.get("without") or ()),
        html_path=html_dir / f"{page_id}.html.gz",
    )


def _metadata_page_types(data_dir: Path) -> dict[str, str]:
    path = data_dir / "metadata.json"
    if not path.exists():
        return {}
    files = json.loads(path.read_text(encoding="utf-8")).get("files", {})
    return {page_id: info.get("page_type") for page_id, info in files.items()}


# --------------------------------------------------------------------------- scoring


def tokens(text: str) -> list[str]:
    """The benchmark authors' tokens: lower-cased \\w+ runs."""
    return _TOKEN_RE.findall(text.lower())


def prf(pred_bag: Counter[str], gold_bag: Counter[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the multiset overlap of two token bags.

    Follows the WCXB authors' word_f1 for the edge cases: an empty gold scores
    1 only if the prediction is empty too (P = R = F1 = 1, else all 0); an
    empty prediction against a non-empty gold scores P = R = F1 = 0.
    """
    if not gold_bag:
        perfect = float(not pred_bag)
        return perfect, perfect, perfect
    if not pred_bag:
        return 0.0, 0.0, 0.0
    overlap = sum((pred_bag & gold_bag).values())
    p = overlap / sum(pred_bag.values())
    r = overlap / sum(gold_bag.values())
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


def _joined(token_list: Sequence[str]) -> str:
    # Spaces on both ends make " a b " match whole tokens only, so the
    # boilerplate snippet "Home" is not found inside "homes".
    return " " + " ".join(token_list) + " "


def snippet_hits(snippets: Iterable[str], text_tokens: Sequence[str]) -> tuple[int, int]:
    """(snippets contained in the text, snippets with at least one token).

    Containment is on the same \\w+ tokens as the F1: a snippet is contained
    when its token sequence occurs contiguously in the output's token
    sequence. That ignores case, whitespace and punctuation differences
    (a "—" that an extractor turned into " - ", a line break inside a snippet)
    while still matching whole words only. Snippets without tokens are not
    counted.
    """
    haystack = _joined(text_tokens)
    found = total = 0
    for snippet in snippets:
        snippet_tokens = tokens(snippet)
        if not snippet_tokens:
            continue
        total += 1
        found += _joined(snippet_tokens) in haystack
    return found, total


@dataclass
class Score:
    """How one system did on one page."""

    p: float = 0.0
    r: float = 0.0
    f1: float = 0.0
    with_found: int = 0
    with_total: int = 0
    without_absent: int = 0
    without_total: int = 0
    pred_tokens: int = 0
    seconds: float | None = None  # None when the output came from the cache
    error: str | None = None


def score_output(page: Page, gold_bag: Counter[str], text: str) -> Score:
    text_tokens = tokens(text)
    p, r, f1 = prf(Counter(text_tokens), gold_bag)
    with_found, with_total = snippet_hits(page.with_snippets, text_tokens)
    without_found, without_total = snippet_hits(page.without_snippets, text_tokens)
    return Score(
        p=p,
        r=r,
        f1=f1,
        with_found=with_found,
        with_total=with_total,
        without_absent=without_total - without_found,
        without_total=without_total,
        pred_tokens=len(text_tokens),
    )


def failed_score(page: Page, error: str) -> Score:
    """A crash scores like an empty output (0 unless the gold is empty too)."""
    score = score_output(page, Counter(tokens(page.gold)), "")
    score.p = score.r = score.f1 = 0.0
    score.error = error
    return score


# --------------------------------------------------------------------------- running systems

Extractor = Callable[[str, Page], str]  # (the page's input document, the page) -> text


@dataclass(frozen=True)
class Suite:
    """What one benchmark runs on each page.

    `make_input` turns a page into the document every system receives (the
    HTML, or its html_text rendering in text mode). `cache_keys` names the
    systems whose outputs may be cached, with a key (library versions and
    options) that invalidates the cache when it changes; `clean` is never
    cached because it is what is being worked on.
    """

    name: str
    extractors: dict[str, Extractor]
    cache_keys: dict[str, str] = field(default_factory=dict)
    make_input: Callable[[Page], str] = Page.read_html
    input_cache_key: str | None = None  # cache the made inputs too (slow to make)


@dataclass
class Task:
    page: Page
    systems: tuple[str, ...]
    cached: dict[str, str]  # system -> cached output
    input: str | None  # cached input document, if any
    keep_texts: bool  # return every output (for --dump-outputs)
    timeout: float | None


@dataclass
class PageResult:
    page: Page
    scores: dict[str, Score]
    texts: dict[str, str]  # outputs to cache or dump
    new_input: str | None = None


class SystemTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise SystemTimeout after `seconds` (main thread only; C code finishes its call first)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise SystemTimeout(f"timed out after {seconds:g}s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def run_task(suite: Suite, task: Task) -> PageResult:
    """Run every requested system on one page; never raises."""
    page = task.page
    result = PageResult(page=page, scores={}, texts={})
    try:
        document = task.input if task.input is not None else suite.make_input(page)
    except Exception as exc:  # a page we cannot read fails every system, not the run
        for name in task.systems:
            result.scores[name] = failed_score(page, "input: " + _describe(exc))
        return result
    if task.input is None and suite.input_cache_key:
        result.new_input = document
    gold_bag = Counter(tokens(page.gold))
    for name in task.systems:
        if name in task.cached:
            text, seconds = task.cached[name], None
        else:
            start = time.perf_counter()
            try:
                with time_limit(task.timeout):
                    text = suite.extractors[name](document, page) or ""
            except Exception as exc:
                result.scores[name] = failed_score(page, _describe(exc))
                continue
            seconds = time.perf_counter() - start
            if name in suite.cache_keys:
                result.texts[name] = text
        if task.keep_texts:
            result.texts[name] = text
        result.scores[name] = score_output(page, gold_bag, text)
        result.scores[name].seconds = seconds
    return result


_WORKER_SUITE: Suite | None = None


def _init_worker(suite: Suite) -> None:
    global _WORKER_SUITE
    _WORKER_SUITE = suite
    quiet_logs()


def _run_in_worker(task: Task) -> PageResult:
    assert _WORKER_SUITE is not None
    return run_task(_WORKER_SUITE, task)


def quiet_logs() -> None:
    # Peers log warnings for every odd page; the benchmark counts failures itself.
    logging.disable(logging.CRITICAL)


class OutputCache:
    """Outputs of one deterministic system, stored as gzipped JSON.

    Entries are keyed by page id and checked against the page file's digest;
    the whole file is dropped when the system's key (versions, options)
    changes.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self.entries: dict[str, tuple[str, str]] = {}
        self.dirty = False
        if path.exists():
            try:
                stored = json.loads(gzip.decompress(path.read_bytes()))
            except (OSError, ValueError):
                return  # a broken cache file is rebuilt, not trusted
            if stored.get("key") == key:
                self.entries = {k: tuple(v) for k, v in stored["pages"].items()}

    def get(self, page_id: str, digest: str) -> str | None:
        entry = self.entries.get(page_id)
        return entry[1] if entry and entry[0] == digest else None

    def put(self, page_id: str, digest: str, text: str) -> None:
        self.entries[page_id] = (digest, text)
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"key": self.key, "pages": self.entries}, ensure_ascii=False)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(gzip.compress(payload.encode("utf-8"), compresslevel=5))
        tmp.replace(self.path)  # atomic, so an interrupted run leaves the old cache
        self.dirty = False


def run_suite(
    suite: Suite,
    pages: Sequence[Page],
    systems: Sequence[str],
    jobs: int = 1,
    use_cache: bool = True,
    timeout: float | None = None,
    keep_texts: bool = False,
) -> list[PageResult]:
    """Run `systems` on every page (in `jobs` processes) and score them."""
    caches = _open_caches(suite, systems) if use_cache else {}
    input_cache = None
    if use_cache and suite.input_cache_key:
        input_cache = OutputCache(CACHE_DIR / suite.name / "input.json.gz", suite.input_cache_key)
    digests = {page.id: page.digest() for page in pages} if use_cache else {}

    def make_task(page: Page) -> Task:
        digest = digests.get(page.id, "")
        cached = {name: cache.get(page.id, digest) for name, cache in caches.items()}
        return Task(
            page=page,
            systems=tuple(systems),
            cached={name: text for name, text in cached.items() if text is not None},
            input=input_cache.get(page.id, digest) if input_cache else None,
            keep_texts=keep_texts,
            timeout=timeout,
        )

    results = []
    started = time.perf_counter()
    for done, result in enumerate(_map_tasks(suite, map(make_task, pages), jobs), 1):
        digest = digests.get(result.page.id, "")
        for name, cache in caches.items():
            if name in result.texts and result.scores[name].seconds is not None:
                cache.put(result.page.id, digest, result.texts[name])
        if input_cache is not None and result.new_input is not None:
            input_cache.put(result.page.id, digest, result.new_input)
        results.append(result)
        _progress(done, len(pages), started)
    for cache in [*caches.values(), input_cache]:
        if cache is not None:
            cache.save()
    return sorted(results, key=lambda result: result.page.id)


def _open_caches(suite: Suite, systems: Sequence[str]) -> dict[str, OutputCache]:
    return {
        name: OutputCache(CACHE_DIR / suite.name / f"{name}.json.gz", suite.cache_keys[name])
        for name in systems
        if name in suite.cache_keys
    }


def _map_tasks(suite: Suite, tasks: Iterable[Task], jobs: int) -> Iterator[PageResult]:
    if jobs <= 1:
        quiet_logs()
        for task in tasks:
            yield run_task(suite, task)
        return
    # Each worker runs all systems on its page, so systems see the same load.
    with Pool(jobs, initializer=_init_worker, initargs=(suite,)) as pool:
        yield from pool.imap_unordered(_run_in_worker, tasks, chunksize=2)


def _progress(done: int, total: int, started: float) -> None:
    if done % 100 == 0 or done == total:
        elapsed = time.perf_counter() - started
        print(f"  {done}/{total} pages, {elapsed:.0f}s", file=sys.stderr, flush=True)


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def clean_unusable() -> str | None:
    """Why `clean` cannot be benchmarked yet, or None when it works.

    The package is written alongside the benchmarks, so besides importing it
    this calls both entry points once on a tiny input: a half-built pipeline
    then shows up as one clear message instead of an error on every page.
    """
    try:
        import clean

        clean.clean_html("<html><body><p>Hello, world. This is a page.</p></body></html>")
        clean.clean_text("Hello, world. This is a page.")
    except Exception as exc:
        return _describe(exc)
    return None


# --------------------------------------------------------------------------- summaries


def in_set(page: Page, set_name: str) -> bool:
    return set_name == "all" or page.part == set_name


def summarise(results: Sequence[PageResult], systems: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Macro means per set and system, overall and per page type."""
    summary: dict[str, dict[str, Any]] = {}
    for set_name in SETS:
        chosen = [result for result in results if in_set(result.page, set_name)]
        if chosen:
            summary[set_name] = {name: _summarise_system(chosen, name) for name in systems}
    return summary


def _summarise_system(results: Sequence[PageResult], name: str) -> dict[str, Any]:
    scores = [result.scores[name] for result in results]
    by_type: dict[str, Any] = {}
    for page_type in _types_present(results):
        typed = [r.scores[name] for r in results if r.page.page_type == page_type]
        by_type[page_type] = {"n": len(typed), **_means(typed)}
    timed = [score.seconds for score in scores if score.seconds is not None]
    return {
        "n": len(scores),
        "errors": sum(score.error is not None for score in scores),
        **_means(scores),
        # Pages without snippets of a kind don't count towards that rate.
        "with_rate": _mean_or_none(s.with_found / s.with_total for s in scores if s.with_total),
        "without_rate": _mean_or_none(s.without_absent / s.without_total for s in scores if s.without_total),
        "seconds": sum(timed) if timed else None,
        "by_type": by_type,
    }


def _means(scores: Sequence[Score]) -> dict[str, float]:
    return {
        "p": fmean(s.p for s in scores),
        "r": fmean(s.r for s in scores),
        "f1": fmean(s.f1 for s in scores),
    }


def _mean_or_none(values: Iterable[float]) -> float | None:
    values = list(values)
    return fmean(values) if values else None


def _types_present(results: Sequence[PageResult]) -> list[str]:
    present = {result.page.page_type for result in results}
    return [t for t in PAGE_TYPES if t in present] + sorted(present - set(PAGE_TYPES))


def biggest_losses(
    results: Sequence[PageResult], target: str, peers: Sequence[str], count: int = 25
) -> list[dict[str, Any]]:
    """Pages where `target` trails the best of `peers` by the most F1.

    Pages with an empty gold are left out: there a "loss" only means that the
    target output something where the annotation has nothing.
    """
    rows = []
    for result in results:
        if not tokens(result.page.gold):
            continue
        best = max(peers, key=lambda name: result.scores[name].f1)
        rows.append(
            {
                "id": result.page.id,
                "type": result.page.page_type,
                "url": result.page.url,
                f"{target}_f1": result.scores[target].f1,
                "best_peer": best,
                "best_peer_f1": result.scores[best].f1,
                "loss": result.scores[best].f1 - result.scores[target].f1,
            }
        )
    rows.sort(key=lambda row: (-row["loss"], row["id"]))
    return [row for row in rows[:count] if row["loss"] > 0]


# --------------------------------------------------------------------------- reports


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def format_table(summary: dict[str, dict[str, Any]], systems: Sequence[str], set_name: str) -> str:
    """One set's table: system x (n, errors, P, R, F1, with, without, F1 per type)."""
    rows = summary[set_name]
    types = list(next(iter(rows.values()))["by_type"])
    width = max(len(name) for name in systems) + 1
    short = [TYPE_ABBREVIATIONS.get(t, t[:6]) for t in types]
    header = f"{'system':<{width}}{'n':>5}{'err':>5}" + "".join(
        f"{c:>7}" for c in ["P", "R", "F1", "with", "w/out", *short]
    )
    lines = [f"== {set_name} ==", header]
    for name in systems:
        row = rows[name]
        cells = [row["p"], row["r"], row["f1"], row["with_rate"], row["without_rate"]]
        cells += [row["by_type"][t]["f1"] for t in types]
        lines.append(f"{name:<{width}}{row['n']:>5}{row['errors']:>5} " + " ".join(_fmt(c) for c in cells))
    counts = ", ".join(f"{t} {rows[systems[0]]['by_type'][t]['n']}" for t in types)
    lines.append(f"(pages per type: {counts})")
    return "\n".join(lines)


def format_losses(losses: Sequence[dict[str, Any]], target: str) -> str:
    lines = [f"Tune pages where {target} loses most F1 to the best peer (empty-gold pages left out):"]
    lines.append(f"{'id':<6}{'type':<14}{target:>7}{'best':>7}  {'peer':<22}url")
    for row in losses:
        lines.append(
            f"{row['id']:<6}{row['type']:<14}{row[f'{target}_f1']:>7.3f}"
            f"{row['best_peer_f1']:>7.3f}  {row['best_peer']:<22}{row['url']}"
        )
    return "\n".join(lines)


def page_rows(results: Sequence[PageResult]) -> list[dict[str, Any]]:
    """Per-page scores for the results file, so single pages can be studied."""
    return [
        {
            "id": result.page.id,
            "type": result.page.page_type,
            "part": result.page.part,
            "url": result.page.url,
            "gold_tokens": len(tokens(result.page.gold)),
            "gold_missing": result.page.gold_missing,
            "scores": {name: _rounded(vars(score)) for name, score in result.scores.items()},
        }
        for result in results
    ]


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 5) if isinstance(v, float) else v for k, v in values.items()}


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def dump_outputs(results: Sequence[PageResult], directory: Path) -> None:
    """Write every output as DIR/SYSTEM/ID.txt for reading side by side."""
    for result in results:
        for name, text in result.texts.items():
            path = directory / name / f"{result.page.id}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- command line


def add_common_args(parser: argparse.ArgumentParser, default_out: Path) -> None:
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="WCXB root directory")
    parser.add_argument("--limit", type=int, help="only the first N pages (after --part)")
    parser.add_argument("--part", choices=SETS, default="all", help="which pages to run")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (pages in parallel)")
    parser.add_argument("--out", type=Path, default=default_out, help="results JSON")
    parser.add_argument(
        "--cache",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="reuse peers' outputs from benchmarks/.cache/ (default: on)",
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per system and page (0: none)")
    parser.add_argument("--dump-outputs", type=Path, help="write every output to DIR/SYSTEM/ID.txt")
    parser.add_argument(
        "--skip-empty-gold",
        action="store_true",
        help="leave out pages whose gold text is empty (scored 1 only for an empty output)",
    )


def choose_systems(requested: str | None, available: Sequence[str]) -> list[str]:
    """The systems to run: the requested ones, or all available; `clean` only if importable."""
    names = [n.strip() for n in requested.split(",") if n.strip()] if requested else list(available)
    unknown = [name for name in names if name not in available]
    if unknown:
        raise SystemExit(f"unknown systems {unknown}; choose from {list(available)}")
    if "clean" in names:
        error = clean_unusable()
        if error and requested:
            raise SystemExit(f"cannot run clean: {error}")
        if error:
            print(f"note: skipping clean ({error})", file=sys.stderr)
            names.remove("clean")
    if not names:
        raise SystemExit("no systems to run")
    return names


def run_and_report(
    suite: Suite,
    args: argparse.Namespace,
    systems: Sequence[str],
    meta: dict[str, Any],
) -> dict[str, Any]:
    """The quality and text-mode flow: load, run, summarise, print, save."""
    pages = load_pages(args.data, part=args.part, limit=args.limit, skip_empty_gold=args.skip_empty_gold)
    print(f"{suite.name}: {len(pages)} pages, systems {', '.join(systems)}", file=sys.stderr)
    started = time.perf_counter()
    results = run_suite(
        suite,
        pages,
        systems,
        jobs=args.jobs,
        use_cache=args.cache,
        timeout=args.timeout or None,
        keep_texts=args.dump_outputs is not None,
    )
    wall = time.perf_counter() - started
    summary = summarise(results, systems)
    for set_name in summary:
        print(format_table(summary, systems, set_name), end="\n\n")
    losses: list[dict[str, Any]] = []
    peers = [name for name in systems if name != "clean"]
    if "clean" in systems and peers:
        # Tune pages only: the list is for study, and held-out pages are not studied.
        losses = biggest_losses([r for r in results if r.page.part == "tune"], "clean", peers)
        print(format_losses(losses, "clean"), end="\n\n")
    _print_timing(summary, systems, wall, args.jobs)
    payload = {
        "meta": {
            **meta,
            "data": str(args.data),
            "part": args.part,
            "limit": args.limit,
            "skip_empty_gold": args.skip_empty_gold,
            "jobs": args.jobs,
            "pages": len(pages),
            "systems": list(systems),
            "wall_seconds": round(wall, 1),
            "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
            "empty_gold_pages": [r.page.id for r in results if not tokens(r.page.gold)],
        },
        "summary": summary,
        "clean_losses": losses,
        "pages": page_rows(results),
    }
    write_json(args.out, payload)
    if args.dump_outputs is not None:
        dump_outputs(results, args.dump_outputs)
    print(f"wrote {args.out}", file=sys.stderr)
    return payload


def _print_timing(summary: dict[str, dict[str, Any]], systems: Sequence[str], wall: float, jobs: int) -> None:
    rows = summary["all"] if "all" in summary else next(iter(summary.values()))
    parts = []
    for name in systems:
        seconds = rows[name]["seconds"]
        parts.append(f"{name} {'cached' if seconds is None else f'{seconds:.0f}s'}")
    print(f"wall {wall:.0f}s with {jobs} job(s); extractor time (uncached pages): {', '.join(parts)}")
