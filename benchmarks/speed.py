"""Speed benchmark: HTML -> text per page for clean, trafilatura and resiliparse.

    python -m benchmarks.speed [--rounds 3] [--sample N | --every K | --limit N] [--no-memory]
                               [--clock wall|cpu] [--stages]

All pages are gunzipped and decoded before timing starts. Then, in ONE
process, each round walks the pages and times every system on each page
with time.perf_counter, in an order that rotates with the page and the
round, so that a noisy neighbour, cache warmth or a garbage collection hits
every system alike. A page's time is its median over the rounds. Only
ratios between systems of the same run are meaningful on a shared machine.
`--clock cpu` times with time.process_time instead (this process's CPU time:
what other processes on a loaded machine take does not count), and
`--stages` then prints where clean's CPU time goes, stage by stage.

Peak memory is measured apart from the timing: each system then runs over
the same pages in a fresh subprocess that reads its peak RSS (VmHWM from
/proc/self/status; resource.getrusage ru_maxrss elsewhere). That isolates each system's footprint
(lxml and Lexbor allocate outside Python's heap, so tracemalloc would miss
most of it and slow everything down), and keeps the decoded corpus out of
the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import wcxb
from benchmarks.quality import run_clean, run_resiliparse, run_trafilatura
from benchmarks.wcxb import Page

EXTRACTORS: dict[str, wcxb.Extractor] = {
    "clean": run_clean,
    "trafilatura": run_trafilatura,
    "resiliparse": run_resiliparse,
}
BASELINE = "trafilatura"
TINY_PAGE = "<html><head><title>t</title></head><body><p>Warm up.</p></body></html>"

Doc = tuple[Page, str, int]  # page, decoded HTML, size in bytes


def decode_pages(pages: Sequence[Page]) -> list[Doc]:
    docs = []
    for page in pages:
        raw = page.read_bytes()
        docs.append((page, raw.decode("utf-8", errors="replace"), len(raw)))
    return docs


def warm_up(docs: Sequence[Doc], systems: Sequence[str]) -> None:
    """Imports and lazy set-up happen once in real use: keep them out of the timings."""
    page, html, _ = docs[0]
    for name in systems:
        EXTRACTORS[name](html, page)


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def time_rounds(
    docs: Sequence[Doc], systems: Sequence[str], rounds: int, clock=time.perf_counter
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Seconds per (round, page) for every system, and error counts."""
    times = {name: np.zeros((rounds, len(docs))) for name in systems}
    errors = dict.fromkeys(systems, 0)
    started = time.perf_counter()
    for round_index in range(rounds):
        for i, (page, html, _) in enumerate(docs):
            shift = (i + round_index) % len(systems)
            for name in [*systems[shift:], *systems[:shift]]:
                start = clock()
                try:
                    EXTRACTORS[name](html, page)
                except Exception:  # a failure still took time; count it, keep going
                    errors[name] += 1
                times[name][round_index, i] = clock() - start
            done = round_index * len(docs) + i + 1
            if done % 200 == 0:
                elapsed = time.perf_counter() - started
                print(f"  {done}/{rounds * len(docs)} page runs, {elapsed:.0f}s", file=sys.stderr)
    return times, errors


def system_stats(per_page: np.ndarray, errors: int) -> dict[str, Any]:
    ms = per_page * 1000
    return {
        "pages_per_s": len(per_page) / per_page.sum(),
        "median_ms": float(np.median(ms)),
        "mean_ms": float(ms.mean()),
        "p95_ms": float(np.percentile(ms, 95)),
        "max_ms": float(ms.max()),
        "total_s": float(per_page.sum()),
        "errors": errors,
    }


def size_buckets(docs: Sequence[Doc], per_page: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """Median ms per system for the smallest, middle and largest third of pages."""
    sizes = np.array([size for _, _, size in docs])
    edges = np.quantile(sizes, [1 / 3, 2 / 3])
    labels = np.digitize(sizes, edges, right=True)  # 0, 1, 2
    buckets = []
    for index, name in enumerate(("small", "medium", "large")):
        chosen = labels == index
        if not chosen.any():
            continue
        buckets.append(
            {
                "bucket": name,
                "n": int(chosen.sum()),
                "min_kb": float(sizes[chosen].min() / 1024),
                "max_kb": float(sizes[chosen].max() / 1024),
                "median_ms": {s: float(np.median(t[chosen]) * 1000) for s, t in per_page.items()},
            }
        )
    return buckets


def slowest_pages(docs: Sequence[Doc], per_page: dict[str, np.ndarray]) -> dict[str, Any]:
    slowest = {}
    for name, seconds in per_page.items():
        i = int(seconds.argmax())
        page, _, size = docs[i]
        slowest[name] = {"id": page.id, "kb": size / 1024, "ms": float(seconds[i] * 1000), "url": page.url}
    return slowest


def stage_costs(docs: Sequence[Doc], rounds: int) -> dict[str, float]:
    """clean's CPU ms per page in each part of the HTML pipeline, as clean.clean_html runs them.

    Each page runs under the collector setting clean_html uses (clean/collector.py).
    The collections that still happen are timed apart ("gc", through gc.callbacks)
    and taken out of the stage they happened in.
    """
    import gc

    from clean.collector import fewer_collections
    from clean.frontends.html import parse_document
    from clean.options import Options
    from clean.pipeline import html_stages
    from clean.result import Result

    options = Options()
    stages = [stage for stage in html_stages() if options.enabled(stage.name)]
    spent = dict.fromkeys(["parse", *(stage.name for stage in stages), "result", "gc"], 0.0)
    collecting: list[float] = []  # the start of the collection under way

    def on_collection(phase: str, _info: dict) -> None:
        if phase == "start":
            collecting.append(time.process_time())
        elif collecting:
            spent["gc"] += time.process_time() - collecting.pop()

    def timed(name: str, step: Callable[[], Any]) -> Any:
        collected, start = spent["gc"], time.process_time()
        value = step()
        spent[name] += time.process_time() - start - (spent["gc"] - collected)
        return value

    gc.callbacks.append(on_collection)
    try:
        for _ in range(rounds):
            for page, html, _size in docs:
                with fewer_collections():
                    doc = timed("parse", lambda: parse_document(html, page.url, options))  # noqa: B023
                    for stage in stages:
                        timed(stage.name, lambda: stage.run(doc, options))  # noqa: B023
                    timed("result", lambda: Result.from_document(doc, options))  # noqa: B023
    finally:
        gc.callbacks.remove(on_collection)
    return {name: seconds * 1000 / (rounds * len(docs)) for name, seconds in spent.items()}


# --------------------------------------------------------------------------- memory


def max_rss_mb() -> float:
    """This process's peak RSS in MiB.

    Linux's VmHWM belongs to the process image, whereas ru_maxrss survives
    exec: a subprocess would report its parent's peak from before the fork.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def probe_memory(name: str, pages: Sequence[Page]) -> dict[str, float]:
    """Run in a fresh process: peak RSS of one system over the pages."""
    wcxb.quiet_logs()
    EXTRACTORS[name](TINY_PAGE, pages[0])  # imports, so the baseline includes the library
    baseline = max_rss_mb()
    for page in pages:  # one page decoded at a time: the corpus stays out of the peak
        try:
            EXTRACTORS[name](page.read_html(), page)
        except Exception:
            pass
    return {"after_import_mb": baseline, "peak_mb": max_rss_mb(), "delta_mb": max_rss_mb() - baseline}


def measure_memory(name: str, args: argparse.Namespace) -> dict[str, float] | None:
    command = [sys.executable, "-m", "benchmarks.speed", "--probe-memory", name, "--data", str(args.data)]
    if args.limit is not None:
        command += ["--limit", str(args.limit)]
    if args.sample is not None:
        command += ["--sample", str(args.sample)]
    if args.every is not None:
        command += ["--every", str(args.every)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=wcxb.REPO_ROOT)
    if done.returncode != 0:
        print(f"memory probe for {name} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def format_report(report: dict[str, Any]) -> str:
    systems = list(report["systems"])
    width = max(map(len, systems)) + 1
    lines = [
        f"{report['meta']['pages']} pages x {report['meta']['rounds']} round(s), one process, "
        f"{report['meta']['clock']} clock",
        f"{'system':<{width}}{'pages/s':>9}{'x traf':>8}{'med ms':>8}{'p95 ms':>8}"
        f"{'max ms':>9}{'err':>5}{'peak MB':>9}{'+MB':>7}",
    ]
    for name in systems:
        row = report["systems"][name]
        memory = report["memory"].get(name) or {}
        ratio = row.get("ratio_vs_trafilatura")
        lines.append(
            f"{name:<{width}}{row['pages_per_s']:>9.1f}"
            f"{'-' if ratio is None else f'{ratio:.2f}':>8}"
            f"{row['median_ms']:>8.1f}{row['p95_ms']:>8.1f}{row['max_ms']:>9.0f}{row['errors']:>5}"
            f"{_mb(memory.get('peak_mb')):>9}{_mb(memory.get('delta_mb')):>7}"
        )
    lines += ["", "median ms by page size (terciles of HTML bytes):"]
    lines.append(f"{'bucket':<8}{'n':>5}{'KB range':>16}" + "".join(f"{s:>13}" for s in systems))
    for bucket in report["size_buckets"]:
        span = f"{bucket['min_kb']:.0f}-{bucket['max_kb']:.0f}"
        lines.append(
            f"{bucket['bucket']:<8}{bucket['n']:>5}{span:>16}"
            + "".join(f"{bucket['median_ms'][s]:>13.1f}" for s in systems)
        )
    lines += ["", "slowest page per system:"]
    for name, row in report["slowest"].items():
        lines.append(f"{name:<{width}}{row['id']} {row['kb']:.0f} KB {row['ms']:.0f} ms  {row['url']}")
    if report.get("clean_stages_cpu_ms"):
        lines += ["", "clean, CPU ms per page by stage:"]
        lines += [f"  {name:<16}{ms:>7.2f}" for name, ms in report["clean_stages_cpu_ms"].items()]
    return "\n".join(lines)


def build_report(
    docs: Sequence[Doc],
    systems: Sequence[str],
    times: dict[str, np.ndarray],
    errors: dict[str, int],
    args: argparse.Namespace,
) -> dict[str, Any]:
    per_page = {name: np.median(times[name], axis=0) for name in systems}
    stats = {name: system_stats(per_page[name], errors[name]) for name in systems}
    if BASELINE in stats:
        for row in stats.values():
            row["ratio_vs_trafilatura"] = row["pages_per_s"] / stats[BASELINE]["pages_per_s"]
    return {
        "meta": {
            "benchmark": "speed",
            "pages": len(docs),
            "rounds": args.rounds,
            "clock": args.clock,
            "decoded_mb": sum(size for _, _, size in docs) / 2**20,
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
            "versions": {n: wcxb.package_version(n) for n in ("trafilatura", "resiliparse", "lxml")},
            "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
        },
        "systems": stats,
        "size_buckets": size_buckets(docs, per_page),
        "slowest": slowest_pages(docs, per_page),
        "memory": {},
        "pages": [
            {"id": page.id, "bytes": size, "ms": {n: round(float(per_page[n][i]) * 1000, 3) for n in systems}}
            for i, (page, _, size) in enumerate(docs)
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", help=f"comma-separated, from {','.join(EXTRACTORS)}")
    parser.add_argument("--data", type=Path, default=wcxb.DEFAULT_DATA, help="WCXB root directory")
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument(
        "--sample",
        type=int,
        help="about N pages spread evenly over the split (every k-th by id). Prefer it to "
        "--limit: ids cluster by site, so the first N pages are not a fair sample",
    )
    parser.add_argument("--every", type=int, help="every K-th page by id (7: the profiling sample)")
    parser.add_argument("--rounds", type=int, default=1, help="timed passes over the pages")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="wall: time.perf_counter (default); cpu: time.process_time, this process's CPU time only",
    )
    parser.add_argument("--stages", action="store_true", help="also time clean stage by stage (CPU)")
    parser.add_argument("--out", type=Path, default=wcxb.RESULTS_DIR / "speed.json")
    parser.add_argument(
        "--memory",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure each system's peak RSS in a subprocess afterwards (default: on)",
    )
    parser.add_argument("--probe-memory", metavar="SYSTEM", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pages = wcxb.load_pages(args.data, limit=args.limit)
    if args.sample:
        pages = pages[:: max(1, len(pages) // args.sample)]
    elif args.every:
        pages = pages[:: args.every]
    if args.probe_memory:
        print(json.dumps(probe_memory(args.probe_memory, pages)))
        return

    systems = wcxb.choose_systems(args.systems, list(EXTRACTORS))
    wcxb.quiet_logs()
    docs = decode_pages(pages)
    print(f"speed: {len(docs)} pages decoded, systems {', '.join(systems)}", file=sys.stderr)
    warm_up(docs, systems)
    times, errors = time_rounds(docs, systems, args.rounds, CLOCKS[args.clock])
    report = build_report(docs, systems, times, errors, args)
    if args.stages and "clean" in systems:
        report["clean_stages_cpu_ms"] = stage_costs(docs, args.rounds)
    del docs  # the memory probes run in subprocesses; free the corpus first
    if args.memory:
        report["memory"] = {name: measure_memory(name, args) for name in systems}
    print(format_report(report))
    wcxb.write_json(args.out, report)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
