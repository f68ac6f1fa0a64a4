"""clean batch end to end: one output line per input record, broken records included."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from clean.batch.cli import main as batch_main
from clean.batch.runner import BatchConfig, BatchError, run_batch
from clean.batch.sources import FieldNames, InputSpecError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "batch"
PAGES = FIXTURES / "pages"
MIXED = FIXTURES / "mixed.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def page_files() -> list[str]:
    suffixes = (".html", ".htm", ".txt")
    found = [p for p in PAGES.rglob("*") if p.name.removesuffix(".gz").endswith(suffixes)]
    return sorted(p.relative_to(PAGES).as_posix() for p in found)


def jsonl_record_lines() -> int:
    return sum(1 for line in MIXED.read_bytes().splitlines() if line.strip())


def run(tmp_path: Path, inputs: list[str], output: str = "out.jsonl", **kwargs) -> tuple[dict, Path]:
    out = tmp_path / output
    config = BatchConfig(inputs=inputs, output=str(out), progress=False, **kwargs)
    return run_batch(config, log=io.StringIO()), out


def test_every_input_record_gives_exactly_one_output_line_in_order(tmp_path):
    summary, out = run(tmp_path, [str(PAGES), str(MIXED)], jobs=2, chunk_size=2)
    rows = read_jsonl(out)
    expected = len(page_files()) + jsonl_record_lines()
    assert len(rows) == expected == summary["records_in"] == summary["records_out"]
    # Directory records come first, with their relative paths as ids; then the JSONL's.
    assert sorted(r["id"] for r in rows[: len(page_files())]) == page_files()
    assert rows[len(page_files())]["id"] == "html-1"
    assert summary["records_ok"] + summary["records_failed"] == expected
    assert summary["records_failed"] == sum(1 for r in rows if r["error"] is not None)
    for row in rows:
        assert list(row)[:8] == ["id", "url", "text", "metadata", "removed", "restored", "repaired", "error"]
        assert (row["text"] is None) == (row["error"] is not None)


def test_broken_records_become_error_records_with_their_kind(tmp_path):
    _, out = run(tmp_path, [str(MIXED)], jobs=1)
    rows = {r["id"]: r for r in read_jsonl(out)}
    kinds = {rid: r["error"]["kind"] for rid, r in rows.items() if r["error"]}
    assert kinds == {
        "mixed.jsonl:3": "json",
        "mixed.jsonl:4": "record-type",
        "no-content": "missing-field",
        "wrong-type": "field-type",
        "bad-url": "field-type",
        "mixed.jsonl:10": "decode",
    }
    assert "int" in rows["wrong-type"]["error"]["message"]
    # Good records are cleaned, keep their url and pass their other fields through.
    html = rows["html-1"]
    assert html["url"] == "https://news.example.org/mill" and html["lang"] == "en"
    assert "tidal mill" in html["text"] and html["removed"]
    assert rows["text-1"]["source"] == "seed" and rows["text-1"]["text"]
    # An input field named like an output key is kept under another name, not lost.
    assert rows["mixed.jsonl:9"]["input_metadata"] == "an input field named like an output key"


def test_directory_records_detect_kind_and_decode_or_fail_per_file(tmp_path):
    _, out = run(tmp_path, [str(PAGES)], jobs=1)
    rows = {r["id"]: r for r in read_jsonl(out)}
    assert "notes.pdf" not in rows
    assert rows["corrupt.html.gz"]["error"]["kind"] in ("corrupt", "truncated")  # named by clean.limits
    assert "élèves" in rows["latin1.txt"]["text"]  # Latin-1 bytes decoded, not mangled
    assert rows["guides/list.html.gz"]["text"]  # gzip page read
    assert rows["news/article.html"]["metadata"]["source"].endswith("article.html")


def test_summary_is_written_next_to_the_output_and_counts_removals(tmp_path):
    summary, out = run(tmp_path, [str(MIXED)], jobs=1)
    saved = json.loads(Path(f"{out}.summary.json").read_text())
    assert saved == summary
    rows = read_jsonl(out)
    removals = [x for r in rows for x in r["removed"]]
    assert sum(v["count"] for v in summary["removals_per_rule"].values()) == len(removals)
    assert sum(summary["removals_per_stage"].values()) == len(removals)
    assert summary["chars_out"] == sum(len(r["text"]) for r in rows if r["text"] is not None)
    assert summary["errors_per_kind"]["field-type"] == 2
    assert len(summary["slowest"]) == min(10, len(rows))


def test_custom_field_names(tmp_path):
    source = tmp_path / "custom.jsonl"
    seed = (FIXTURES.parent / "seeds" / "input").glob("*.txt")
    text = next(iter(sorted(seed))).read_text(encoding="utf-8")
    source.write_text(json.dumps({"key": "k1", "link": "https://a.example/x", "body": text}) + "\n")
    fields = FieldNames(html="page", text="body", url="link", id="key")
    _, out = run(tmp_path, [str(source)], jobs=1, fields=fields)
    (row,) = read_jsonl(out)
    assert (row["id"], row["url"], row["error"]) == ("k1", "https://a.example/x", None)
    assert row["text"] and "body" not in row


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_compressed_outputs_hold_the_same_lines(tmp_path, suffix):
    _, plain = run(tmp_path, [str(MIXED)], jobs=1)
    _, packed = run(tmp_path, [str(MIXED)], output="out" + suffix, jobs=1, commit_every=3)
    if suffix == ".jsonl.gz":
        data = gzip.decompress(packed.read_bytes())
    else:
        import zstandard

        data = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(packed.read_bytes())).read()
    assert data == plain.read_bytes()


def test_directory_output_has_text_and_report_per_record(tmp_path):
    summary, out = run(tmp_path, [str(PAGES)], output="outdir", jobs=1)
    reports = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert reports == sorted(f"{name}.json" for name in page_files())
    article = json.loads((out / "news" / "article.html.json").read_text())
    assert (out / "news" / "article.html.txt").read_text() == article["text"] + "\n"
    assert not (out / "corrupt.html.gz.txt").exists()  # an error record has a report, no text
    assert Path(f"{out}.summary.json").exists() and summary["records_in"] == len(page_files())


def test_stdin_jsonl(tmp_path):
    data = MIXED.read_bytes()
    _, out = run(tmp_path, ["-"], jobs=1, stdin=io.BytesIO(data))
    assert len(read_jsonl(out)) == jsonl_record_lines()


def test_refuses_to_overwrite_other_output_and_unknown_inputs(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("precious\n")
    with pytest.raises(BatchError):
        run(tmp_path, [str(MIXED)], jobs=1)
    assert out.read_text() == "precious\n"
    with pytest.raises(InputSpecError):
        run(tmp_path, [str(PAGES / "notes.pdf")], output="other.jsonl", jobs=1)


def test_cli_runs_and_prints_a_summary_table(tmp_path, capsys):
    out = tmp_path / "cli.jsonl"
    code = batch_main([str(MIXED), "-o", str(out), "--jobs", "1", "--no-site-templates"])
    assert code == 0
    err = capsys.readouterr().err
    assert "records in" in err and "removals per rule" in err
    assert len(read_jsonl(out)) == jsonl_record_lines()
    # A second run of a finished job does nothing and says so.
    assert batch_main([str(MIXED), "-o", str(out), "--jobs", "1", "--no-site-templates"]) == 0
    assert "already complete" in capsys.readouterr().err
    assert batch_main([str(MIXED), "-o", str(out), "--jobs", "1", "--no-site-templates", "--quiet"]) == 0
    assert capsys.readouterr().err == ""  # --quiet: nothing but errors
    assert batch_main([str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x.jsonl")]) == 2


def test_progress_bar_has_an_eta_from_input_bytes_when_records_are_not_counted(tmp_path, capsys):
    out = tmp_path / "bar.jsonl"
    batch_main([str(MIXED), str(PAGES), "-o", str(out), "--jobs", "1", "--no-site-templates", "--progress"])
    err = capsys.readouterr().err
    total = MIXED.stat().st_size + sum(p.stat().st_size for p in PAGES.rglob("*") if p.name != "notes.pdf"
                                       and p.is_file())
    last = [line for line in err.replace("\r", "\n").splitlines() if line.startswith("cleaning")][-1]
    assert "100%" in last and f"{len(read_jsonl(out))} records" in last
    assert f"{total / 1000:.1f}k" in last  # the bar counts the inputs' bytes on disk
