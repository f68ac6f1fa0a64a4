"""Embedded use: the API from thread and process pools, a cheap import, and no network.

The inputs are the project's own fixtures (seeds, handmade pages, hostile
pages) plus a few real WCXB pages when the shared data is present.
"""

from __future__ import annotations

import gzip
import json
import random
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

import clean

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
WCXB = ROOT.parent / "shared" / "data" / "wcxb" / "dev" / "html"
# Modules that must load only when a page is actually cleaned (or never, for the peers).
HEAVY = ("selectolax", "lxml", "trafilatura", "justext", "charset_normalizer", "tqdm", "scrapy", "twisted")


def inputs() -> list[tuple[str, str, str | bytes]]:
    """(name, kind, data) for every fixture: text as str, HTML as bytes, as a scraper would pass them."""
    found: list[tuple[str, str, str | bytes]] = []
    for path in sorted((FIXTURES / "seeds" / "input").glob("*.txt")):
        found.append((path.name, "text", path.read_text(encoding="utf-8")))
    for path in sorted((FIXTURES / "html").glob("*.html")):
        found.append((path.name, "html", path.read_bytes()))
    for path in sorted((FIXTURES / "hostile" / "pages").glob("*")):
        if path.suffix == ".txt":
            found.append((path.name, "text", path.read_text(encoding="utf-8", errors="replace")))
        elif path.suffix == ".html":
            found.append((path.name, "html", path.read_bytes()))
    for path in sorted(WCXB.glob("*.html.gz"))[:8]:
        found.append((path.name, "html", gzip.decompress(path.read_bytes())))
    return found


def function_for(kind: str) -> Callable:
    return clean.clean_html if kind == "html" else clean.clean_text


def outcome(result_or_error: clean.Result | BaseException) -> dict:
    if isinstance(result_or_error, BaseException):
        return {
            "error": type(result_or_error).__name__,
            "input_error": isinstance(result_or_error, clean.InputError),
            "message": str(result_or_error),
        }
    return result_or_error.to_dict()


def run_serial(name: str, kind: str, data: str | bytes) -> dict:
    try:
        return outcome(function_for(kind)(data))
    except clean.CleanError as error:
        return outcome(error)


@pytest.fixture(scope="module")
def serial() -> dict[str, dict]:
    return {name: run_serial(name, kind, data) for name, kind, data in inputs()}


def test_the_inputs_cover_text_html_and_errors(serial):
    assert len(serial) >= 20
    assert sum(1 for o in serial.values() if "error" not in o and o["kind"] == "html" and o["removed"]) >= 4
    assert sum(1 for o in serial.values() if "error" not in o and o["kind"] == "text" and o["removed"]) >= 3
    errors = [o for o in serial.values() if "error" in o]
    assert errors and all(o["input_error"] for o in errors)


def test_a_thread_pool_gives_the_serial_results(serial):
    # Each input three times, shuffled, so the same input runs in several threads at once.
    jobs = inputs() * 3
    random.Random(5).shuffle(jobs)
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [(name, pool.submit(function_for(kind), data)) for name, kind, data in jobs]
        for name, future in futures:
            error = future.exception()
            assert outcome(error if error else future.result()) == serial[name], name


def test_threads_sharing_one_options_object_give_the_serial_results():
    options = clean.Options(disable=frozenset({"headline-list"}), edge_max_words=10)
    jobs = [(n, k, d) for n, k, d in inputs() if not n.startswith(("empty", "whitespace", "bom", "png"))]
    expected = {}
    for name, kind, data in jobs:
        try:
            expected[name] = outcome(function_for(kind)(data, options=options))
        except clean.CleanError as error:
            expected[name] = outcome(error)
    assert not any(r["rule"] == "headline-list" for o in expected.values() for r in o.get("removed", []))
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [
            (name, pool.submit(function_for(kind), data, options=options)) for name, kind, data in jobs
        ]
        for name, future in futures:
            error = future.exception()
            assert outcome(error if error else future.result()) == expected[name], name


def test_a_process_pool_gives_the_serial_results(serial):
    # spawn: each worker imports clean afresh, and Results (and errors) cross back pickled.
    jobs = inputs()
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        futures = [(name, pool.submit(function_for(kind), data)) for name, kind, data in jobs]
        for name, future in futures:
            error = future.exception()
            if error is not None:
                assert isinstance(error, clean.CleanError), f"{name}: {error!r}"
            assert outcome(error if error else future.result()) == serial[name], name


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_importing_clean_loads_no_heavy_module():
    done = run_python(
        f"""
        import sys, json
        import clean
        print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))
        """
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_importing_clean_is_quick():
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import clean"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # Lines are "import time: self | cumulative | name"; the top-level package's cumulative time.
    cumulative = next(
        int(line.split("|")[1]) for line in done.stderr.splitlines() if line.split("|")[-1].strip() == "clean"
    )
    # Generous (a loaded 2-core machine); the heavy parsers alone take several times this.
    assert cumulative < 400_000, f"import clean took {cumulative / 1000:.0f} ms"


def test_cleaning_never_opens_a_socket():
    # An audit hook sees every socket creation, connect and DNS lookup, however it is imported.
    done = run_python(
        f"""
        import gzip, sys
        from pathlib import Path

        def no_network(event, args):
            if event.startswith("socket.") or event == "urllib.Request":
                raise RuntimeError("network access: " + event)

        sys.addaudithook(no_network)
        import socket
        try:
            socket.getaddrinfo("localhost", 80)
        except RuntimeError:
            pass
        else:
            raise SystemExit("the audit hook did not fire")

        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import clean
        from test_threads import function_for, inputs

        count = 0
        for name, kind, data in inputs():
            try:
                function_for(kind)(data).to_dict()
            except clean.CleanError:
                pass
            count += 1
        print(count)
        """
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout) == len(inputs())


def test_cleaning_with_socket_patched_to_raise(monkeypatch, serial):
    def refuse(*args, **kwargs):
        raise AssertionError("clean tried to use the network")

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)
    for name, kind, data in inputs():
        assert run_serial(name, kind, data) == serial[name]
