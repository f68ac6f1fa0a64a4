"""`clean batch` over the hostile corpus: every input record is accounted for, nothing hangs.

The expected number of records per input is worked out here from the bytes
themselves (files in a directory, lines in a JSONL stream, record headers in
a WARC), independently of clean.batch.sources. A stream that cannot be read
past some point (a cut gzip member, a corrupt WARC header) accounts for the
rest of the file with one error record: its later records cannot be counted
by anyone.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "fixtures" / "hostile"
PAGE_SUFFIXES = (".html", ".htm", ".txt")

spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE / "make_hostile.py")
make_hostile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_hostile)


# --- an independent reading of the inputs ---------------------------------------------------


def inflated(path: Path) -> Iterator[bytes | None]:
    """The bytes a tolerant reader gets, in chunks (gzip members in sequence); None last if cut or corrupt."""
    raw = path.read_bytes()
    if not path.name.endswith(".gz"):
        yield raw
        return
    rest = raw
    while rest:
        inflater, pending = zlib.decompressobj(31), rest
        while not inflater.eof:
            try:
                chunk = inflater.decompress(pending, 1 << 22)
            except zlib.error:
                chunk = None
            if chunk is None or not (chunk or inflater.unconsumed_tail or inflater.eof):
                yield None
                return
            pending = inflater.unconsumed_tail
            yield chunk
        rest = inflater.unused_data


def readable_bytes(path: Path) -> tuple[bytes, bool]:
    chunks = list(inflated(path))
    return b"".join(c for c in chunks if c is not None), None not in chunks


def jsonl_line_count(path: Path) -> tuple[int, bool]:
    """(non-blank lines, whether the stream was whole), streaming: a bomb is never held whole."""
    count, nonblank = 0, False
    for chunk in inflated(path):
        if chunk is None:
            return count, False  # the partial line at the cut is the error record's
        *complete, last = chunk.split(b"\n")
        for piece in complete:
            count += nonblank or bool(piece.strip())
            nonblank = False
        nonblank = nonblank or bool(last.strip())
    return count + nonblank, True  # a last line without a newline is still a record


def warc_lines(path: Path) -> int:
    """Response records started, by walking the record headers; a corrupt header ends the walk.

    A record cut short by the end of the data is its own (error) line; a
    header that is not a WARC header makes one error line for the rest.
    """
    data, _ = readable_bytes(path)
    position, records = 0, 0
    while position < len(data):
        if not data.startswith(b"WARC/1.", position):
            return records + 1
        end = data.find(b"\r\n\r\n", position)
        header = data[position:] if end < 0 else data[position:end]
        length = re.search(rb"Content-Length: *(\S+)", header)
        if end >= 0 and length is not None and not length.group(1).isdigit():
            return records + 1
        records += b"WARC-Type: response" in header
        if end < 0 or length is None:
            return records
        position = end + 4 + int(length.group(1)) + 4
    return records


def expected_lines(path: Path) -> int:
    """How many output lines this input must produce."""
    if path.is_dir():
        return sum(1 for name in os.listdir(path) if name.removesuffix(".gz").endswith(PAGE_SUFFIXES))
    if ".jsonl" in path.name:
        count, whole = jsonl_line_count(path)
        return count + (not whole)
    return warc_lines(path)


# --- the corpus and the run -------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    large = tmp_path_factory.getbasetemp() / "hostile-large"
    made = make_hostile.write_large(large, ["bomb.html.gz", "bomb.jsonl.gz", "bomb.warc.gz"])
    root = tmp_path_factory.mktemp("hostile-batch")
    pages = root / "bad-files"
    pages.mkdir()
    for path in (HOSTILE / "pages").iterdir():
        (pages / path.name).write_bytes(path.read_bytes())
    for name in ("truncated.html.gz", "corrupt.html.gz"):
        (pages / name).write_bytes((HOSTILE / "archives" / name).read_bytes())
    (pages / "bomb.html.gz").symlink_to(made["bomb.html.gz"])
    (pages / "dangling.html").symlink_to(root / "nowhere.html")
    if hasattr(os, "mkfifo"):
        os.mkfifo(pages / "fifo.html")  # opening it would block forever
    (pages / "notes.pdf").write_bytes(b"%PDF-1.4 not a page suffix: not an input")
    surrogates = root / "surrogates.jsonl"
    surrogates.write_bytes(b'{"id": "id-\\ud800", "html": "<p>x</p>", "extra": "\\udc00"}\n'
                           b'{"id": "text-\\udfff", "text": "lone \\ud800 surrogate"}\n')
    archives = [HOSTILE / "archives" / n for n in (
        "broken.jsonl", "truncated.jsonl.gz", "truncated.warc.gz", "truncated.warc",
        "garbage-header.warc", "not-a-warc.warc")]
    return [pages, *archives, surrogates, made["bomb.jsonl.gz"], made["bomb.warc.gz"]]


@pytest.fixture(scope="module")
def batch_output(corpus, tmp_path_factory) -> tuple[list[dict], dict, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("hostile-out") / "out.jsonl"
    command = [sys.executable, "-m", "clean", "batch", *map(str, corpus), "-o", str(out), "--jobs", "2",
               "--quiet", "--no-site-templates"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    # split("\n"), not splitlines(): U+2028 and friends may sit raw inside JSON strings.
    lines = out.read_text(encoding="utf-8").split("\n")[:-1] if out.exists() else []
    summary = json.loads(Path(f"{out}.summary.json").read_text()) if done.returncode == 0 else {}
    return [json.loads(line) for line in lines], summary, done


def test_the_batch_finishes(batch_output):
    _, _, done = batch_output
    assert done.returncode == 0, done.stderr[-3000:]


def test_every_input_record_has_exactly_one_line(corpus, batch_output):
    rows, _, _ = batch_output
    expected = {path.name: expected_lines(path) for path in corpus}
    assert sum(expected.values()) == len(rows), expected
    # Output is in input order: cut it into one slice per input and check each slice's ids.
    start = 0
    for path in corpus:
        part = rows[start : start + expected[path.name]]
        start += expected[path.name]
        ids = [row["id"] for row in part]
        if path.is_dir():
            names = [n for n in os.listdir(path) if n.removesuffix(".gz").endswith(PAGE_SUFFIXES)]
            assert sorted(ids) == sorted(names)
        elif ".warc" in path.name:
            assert all(i.startswith("<urn:uuid:") or i.startswith(f"{path.name}@") for i in ids), ids
        else:
            numbered = [i for i in ids if i.startswith(f"{path.name}:")]
            assert len(set(numbered)) == len(numbered)  # no line reported twice


def test_every_line_is_a_result_or_an_error_with_a_kind_and_message(batch_output):
    rows, summary, _ = batch_output
    for row in rows:
        error = row["error"]
        if error is None:
            assert isinstance(row["text"], str)
        else:
            assert row["text"] is None
            assert set(error) == {"kind", "message"} and error["kind"] and error["message"]
    errors = sum(1 for r in rows if r["error"])
    assert sum(summary["errors_per_kind"].values()) == errors


def test_hostile_records_get_the_error_kind_that_names_the_problem(batch_output):
    rows, _, _ = batch_output
    kind = {row["id"]: (row["error"] or {}).get("kind") for row in rows}
    assert kind["bomb.html.gz"] == "decompression-bomb"
    assert kind["truncated.html.gz"] == "truncated"
    assert kind["corrupt.html.gz"] in ("corrupt", "truncated")
    assert kind["fifo.html" if hasattr(os, "mkfifo") else "dangling.html"] == "read"
    assert kind["dangling.html"] == "read"
    assert kind["pdf-as-html.html"] == "binary"
    assert kind["bomb.jsonl.gz:2"] == "too-large"  # a 128 MiB line, skipped without holding it
    assert kind["before-bomb"] is None
    assert kind["broken.jsonl:20"] == "json"  # 100,000 nested arrays: the decoder's recursion limit
    assert kind["<urn:uuid:00000000-0000-4000-8000-bbbbbbbbbbbb>"] == "too-large"  # declares 128 MiB
    cut = [r for r in rows if r["error"] and r["error"]["kind"] == "truncated" and r["id"].startswith("<urn")]
    assert len(cut) == 2  # the last record of each cut WARC, not passed off as a whole page


def test_lone_surrogates_in_input_do_not_break_the_output(batch_output):
    rows, _, _ = batch_output
    by_id = {row["id"]: row for row in rows}
    assert by_id["id-\ud800"]["extra"] == "\udc00"  # kept, escaped in the JSON line
    assert "\ud800" not in by_id["text-\udfff"]["text"]
