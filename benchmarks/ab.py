"""In-process A/B of two versions of clean: CPU ms per page, stage by stage.

    python -m benchmarks.ab REV_A REV_B [--every 5] [--rounds 2]

A speed-only change saves fractions of a millisecond per page, far less than
what two runs of benchmarks.speed differ by on a shared machine. So both
versions run in one process, alternating page by page (which goes first
alternates too), timed with this process's CPU clock, garbage collection
off while timing; a stage's figure is its CPU time summed over the pages,
per page. HTML pipeline only (parse, then every enabled stage, then the result).

REV is a git revision of this repository (its clean/ is exported with git
archive) or a directory holding a `clean` package (a worktree). Each copy is
imported under the name `clean` in turn, warmed up on one page while it is
first on sys.path (so that what its stages import lazily comes from it too),
and sys.modules is pointed at it before each of its calls.

Import order can bias the figures: a first harness (copies warmed up with
their directory already off sys.path, collections every 100 pages) gave the
copy imported second +0.15 ms in parse, +0.22 in the DOM rules and +0.43 in
the learned scorer per page in an A/A run (one revision twice, every 5th
page, 2026-12-02). With the warm-up above, an A/A run of this script
differs by at most 0.06 ms per stage (every 10th page). The comparison
still runs twice, in a fresh process per import order, and the report
averages the two orders, so what bias remains cancels; the two one-way
differences are printed as well.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from benchmarks import wcxb

STAGE_COLUMN = 18


def export(revision: str, into: Path) -> Path:
    """A directory holding revision's `clean` package: the directory itself, or a git export."""
    given = Path(revision)
    if (given / "clean" / "__init__.py").is_file():
        return given.resolve()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "clean"],
        cwd=wcxb.REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


# --------------------------------------------------------------------------- one process, one import order


def _import_copy(directory: str, page: tuple[wcxb.Page, str]) -> dict:
    """Import the `clean` package in `directory`, run it once on `page`, return its modules."""
    for name in [m for m in sys.modules if m == "clean" or m.startswith("clean.")]:
        del sys.modules[name]
    sys.path.insert(0, directory)
    try:
        from clean.frontends.html import parse_document
        from clean.options import Options
        from clean.pipeline import html_stages
        from clean.result import Result

        options = Options()
        doc = parse_document(page[1], page[0].url, options)
        for stage in html_stages():
            if options.enabled(stage.name):
                stage.run(doc, options)
        Result.from_document(doc, options)
    finally:
        sys.path.remove(directory)
    modules = {m: module for m, module in sys.modules.items() if m == "clean" or m.startswith("clean.")}
    strays = [
        m
        for m, module in modules.items()
        if not (getattr(module, "__file__", "") or "").startswith(directory)
    ]
    if strays:
        raise RuntimeError(f"modules of {directory} imported from elsewhere: {strays}")
    return modules


def time_copies(directories: list[str], every: int, rounds: int) -> list[dict[str, float]]:
    """CPU ms per page by stage for each copy, in the order the copies are imported."""
    pages = [
        (page, page.read_bytes().decode("utf-8", errors="replace")) for page in wcxb.load_pages()[::every]
    ]
    copies = []
    for directory in directories:
        modules = _import_copy(directory, pages[0])
        options = modules["clean.options"].Options()
        stages = [s for s in modules["clean.pipeline"].html_stages() if options.enabled(s.name)]
        parse = modules["clean.frontends.html"].parse_document
        result = modules["clean.result"].Result.from_document
        copies.append((modules, options, stages, parse, result))
    spent = [dict.fromkeys(["parse", *(s.name for s in copies[0][2]), "result"], 0.0) for _ in copies]
    clock = time.process_time
    gc.collect()
    gc.disable()
    try:
        for round_index in range(rounds):
            for i, (page, html) in enumerate(pages):
                for which in (0, 1) if (i + round_index) % 2 == 0 else (1, 0):
                    modules, options, stages, parse, result = copies[which]
                    sys.modules.update(modules)
                    times = spent[which]
                    start = clock()
                    doc = parse(html, page.url, options)
                    times["parse"] += clock() - start
                    for stage in stages:
                        start = clock()
                        stage.run(doc, options)
                        times[stage.name] = times.get(stage.name, 0.0) + clock() - start
                    start = clock()
                    result(doc, options)
                    times["result"] += clock() - start
                if i % 50 == 49:  # collect now and then, outside the timings
                    gc.enable()
                    gc.collect()
                    gc.disable()
    finally:
        gc.enable()
    runs = rounds * len(pages)
    return [{name: seconds * 1000 / runs for name, seconds in times.items()} for times in spent]


# --------------------------------------------------------------------------- both orders, report


def one_order(first: Path, second: Path, args: argparse.Namespace) -> list[dict[str, float]]:
    command = [sys.executable, "-m", "benchmarks.ab", "--child", str(first), str(second)]
    command += ["--every", str(args.every), "--rounds", str(args.rounds)]
    done = subprocess.run(command, cwd=wcxb.REPO_ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(a_first: list[dict[str, float]], b_first: list[dict[str, float]]) -> str:
    # a_first = [A, B] imported A first; b_first = [B, A] imported B first.
    stages = list(a_first[0])
    lines = [f"{'stage':<{STAGE_COLUMN}}{'A':>8}{'B':>8}{'B-A':>8}{'B-A, A first':>14}{'B-A, B first':>14}"]
    totals = [0.0] * 5
    for name in stages:
        a_then_b = [a_first[0].get(name, 0.0), a_first[1].get(name, 0.0)]
        b_then_a = [b_first[0].get(name, 0.0), b_first[1].get(name, 0.0)]
        a, b = (a_then_b[0] + b_then_a[1]) / 2, (a_then_b[1] + b_then_a[0]) / 2
        row = [a, b, b - a, a_then_b[1] - a_then_b[0], b_then_a[0] - b_then_a[1]]
        totals = [t + v for t, v in zip(totals, row, strict=True)]
        lines.append(
            f"{name:<{STAGE_COLUMN}}"
            + "".join(f"{v:>8.2f}" for v in row[:3])
            + f"{row[3]:>14.2f}{row[4]:>14.2f}"
        )
    lines.append(
        f"{'total':<{STAGE_COLUMN}}"
        + "".join(f"{v:>8.2f}" for v in totals[:3])
        + f"{totals[3]:>14.2f}{totals[4]:>14.2f}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "revisions", nargs=2, metavar="REV", help="git revisions or directories holding clean/"
    )
    parser.add_argument("--every", type=int, default=5, help="every K-th WCXB page by id (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the pages (default 2)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(time_copies(args.revisions, args.every, args.rounds)))
        return
    with tempfile.TemporaryDirectory() as temporary:
        a, b = (export(rev, Path(temporary) / str(i)) for i, rev in enumerate(args.revisions))
        print(
            f"A = {args.revisions[0]}, B = {args.revisions[1]}; every {args.every}th page, "
            f"{args.rounds} round(s); CPU ms per page",
            file=sys.stderr,
        )
        a_first = one_order(a, b, args)
        b_first = one_order(b, a, args)
    print(report(a_first, b_first))


if __name__ == "__main__":
    main()
