"""Resuming: kill -9 a batch mid-run, rerun the same command, get exactly the uninterrupted output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "batch"

RECORDS = 600


@pytest.fixture(scope="module")
def big_input(tmp_path_factory) -> Path:
    """600 text pages of three hosts, built from the site fixture (real seed articles)."""
    pages = [json.loads(line) for line in (FIXTURES / "site.jsonl").read_text(encoding="utf-8").splitlines()]
    path = tmp_path_factory.mktemp("resume") / "input.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for number in range(RECORDS):
            page = dict(pages[number % len(pages)])
            page["id"] = f"r{number:04d}"
            page["url"] = f"https://site{number % 3}.example/story/{number}"
            out.write(json.dumps(page) + "\n")
            if number % 97 == 0:
                out.write("{broken line\n")  # error records must survive a resume too
    return path


def command(source: Path, output: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "clean.batch.cli", str(source), "-o", str(output), "--jobs", str(jobs),
            "--commit-every", "25", "--chunk-size", "4", "--quiet"]


def records_done(checkpoint: Path) -> int:
    try:
        return json.loads(checkpoint.read_text())["records_done"]
    except (FileNotFoundError, ValueError):
        return 0


def kill_mid_run(cmd: list[str], checkpoint: Path) -> int:
    """Start the batch, SIGKILL it once some records are committed; return how many were."""
    process = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while records_done(checkpoint) < 50 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # any worker the kernel did not end yet
        except ProcessLookupError:
            pass
    return records_done(checkpoint)


def total_records(source: Path) -> int:
    return sum(1 for line in source.read_text().splitlines() if line.strip())


@pytest.mark.parametrize("jobs", [1, 2])
def test_kill_9_then_rerun_equals_an_uninterrupted_run(tmp_path, big_input, jobs):
    reference = tmp_path / "reference.jsonl"
    subprocess.run(command(big_input, reference, jobs), check=True, stderr=subprocess.DEVNULL)

    output = tmp_path / "killed.jsonl"
    done = kill_mid_run(command(big_input, output, jobs), Path(f"{output}.checkpoint.json"))
    expected = total_records(big_input)
    assert 0 < done < expected, "the kill must land mid-run for this test to mean anything"
    # Simulate the worst case on disk: a torn line after the last checkpoint.
    with open(output, "ab") as handle:
        handle.write(b'{"id": "torn", "text": "half a li')

    subprocess.run(command(big_input, output, jobs), check=True, stderr=subprocess.DEVNULL)
    lines = output.read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == expected and len(set(ids)) == expected  # none lost, none twice
    assert output.read_bytes() == reference.read_bytes()
    summary = json.loads(Path(f"{output}.summary.json").read_text())
    assert summary["records_in"] == summary["records_out"] == expected
    assert summary["records_failed"] == sum(1 for line in lines if json.loads(line)["error"])
    reference_summary = json.loads(Path(f"{reference}.summary.json").read_text())
    for key in ("records_ok", "chars_in", "chars_out", "removals_per_rule", "errors_per_kind"):
        assert summary[key] == reference_summary[key]


def test_rerun_with_other_options_is_refused_not_mixed(tmp_path, big_input):
    output = tmp_path / "out.jsonl"
    kill_mid_run(command(big_input, output, 1), Path(f"{output}.checkpoint.json"))
    other = command(big_input, output, 1) + ["--disable", "headline-list"]
    result = subprocess.run(other, capture_output=True, text=True)
    assert result.returncode == 2 and "different batch" in result.stderr
