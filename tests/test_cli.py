"""The `clean` command as a user runs it: a real subprocess on real fixtures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "fixtures" / "seeds"


def clean(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "clean", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120
    )


def seed(prefix: str) -> Path:
    return next((SEEDS / "input").glob(f"{prefix}_*.txt"))


def test_json_format_prints_the_result_dict():
    done = clean("--format", "json", str(seed("004")))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    expected = (SEEDS / "expected" / seed("004").name).read_text(encoding="utf-8").rstrip("\n")
    assert data["text"] == expected
    assert {r["rule"] for r in data["removed"]} >= {"page-header", "cue-related", "metadata-crumb"}
    assert data["diff"].startswith("--- input")


def test_diff_format_labels_hunks_by_rule():
    done = clean("--format", "diff", "--color", "never", str(seed("003")))
    assert done.returncode == 0
    out = done.stdout.decode()
    assert "@@" in out and "cue-sponsored" in out and "-Sponsored post" in out
    assert "\x1b[" not in out  # plain when asked, and when not on a terminal


def test_stdin_is_read_with_a_dash():
    done = clean("-", stdin=seed("003").read_bytes())
    assert done.returncode == 0
    assert b"Sponsored post" not in done.stdout
    assert done.stdout.startswith(b"Huawei Loses U.S. Carrier Support")


def test_out_dir_gets_a_text_and_report_per_input_and_a_summary(tmp_path):
    done = clean("--out", str(tmp_path), str(SEEDS / "input"))
    assert done.returncode == 0, done.stderr
    for source in (SEEDS / "input").glob("*.txt"):
        text = (tmp_path / source.name).read_text(encoding="utf-8")
        assert text == (SEEDS / "expected" / source.name).read_text(encoding="utf-8")
        report = json.loads((tmp_path / f"{source.stem}.json").read_text(encoding="utf-8"))
        assert report["text"] + "\n" == text
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["documents"] == 5 and summary["failed"] == 0
    assert summary["removals_per_rule"]["headline-list"] == 15
    assert summary["chars_out"] < summary["chars_in"]


def test_a_missing_file_is_reported_and_does_not_stop_the_others(tmp_path):
    missing = tmp_path / "nope.txt"
    done = clean(str(missing), str(seed("002")))
    assert done.returncode == 1
    assert b"nope.txt: no such file" in done.stderr
    assert done.stdout.count(b"==> ") == 1 and b"While Apple has the lead" in done.stdout


def test_disable_and_option_flags_reach_the_pipeline():
    done = clean("--disable", "headline-list", "--disable", "page-footer", str(seed("001")))
    assert b"Instagram Outage Disrupts" in done.stdout
    bad = clean("--option", "no_such_threshold=3", str(seed("001")))
    assert bad.returncode != 0 and b"--option expects NAME=VALUE" in bad.stderr


def test_no_path_is_a_usage_error():
    done = clean()
    assert done.returncode == 2 and b"at least one PATH" in done.stderr


def test_report_flag_writes_a_visual_report_linking_every_input(tmp_path):
    html_pages = sorted(str(p) for p in (ROOT / "fixtures" / "html").glob("*.html"))
    done = clean("--out", str(tmp_path), "--report", str(SEEDS / "input"), *html_pages)
    assert done.returncode == 0, done.stderr
    index = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    pages = list((tmp_path / "report").rglob("*.html"))
    assert len(pages) == 1 + 5 + len(html_pages)
    for page in pages:
        if page.name != "index.html":
            assert page.relative_to(tmp_path / "report").as_posix() in index
    assert "headline-list" in index
