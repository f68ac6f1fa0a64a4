"""Read batch inputs as a stream of `InputRecord`s, one page at a time.

    directory            every .html, .htm, .txt (and .gz of each), recursively, in sorted order;
                         id = the file's path relative to the directory
    FILE.jsonl[.gz|.zst] one JSON object per line; id, URL and content from configurable fields
    FILE.warc[.gz]       HTML `response` records; id = WARC-Record-ID, URL and date from the record
    FILE.html / .txt     one page
    -                    JSONL on standard input

The order is deterministic (sorted directory walk, file order), which is what
lets an interrupted batch resume by skipping the records it already wrote.
A record the source cannot read becomes an `InputRecord` carrying the error,
never a silent skip. The one exception is WARC records that are not pages at
all (requests, metadata, images): they are counted in `SourceStats` instead.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from clean import limits
from clean.batch.records import InputRecord
from clean.errors import InputError
from clean.options import Options

PAGE_SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text"}
JSONL_SUFFIXES = (".jsonl", ".ndjson")
WARC_SUFFIXES = (".warc",)
COMPRESSED = (".gz", ".zst")
HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_START = (b"<!doctype html", b"<html", b"<?xml")
# A page file larger than this (after decompression) is an error record; the
# pipeline's own limit (Options.max_input_bytes) is the same by default.
MAX_PAGE_BYTES = 50 * 1024 * 1024
# The same limit for clean.limits' readers (bounded decompression, bounded lines).
READ_LIMITS = Options(max_input_bytes=MAX_PAGE_BYTES)


@dataclass(frozen=True, slots=True)
class FieldNames:
    """Which JSONL fields hold the page and its id and URL."""

    html: str = "html"
    text: str = "text"
    url: str = "url"
    id: str = "id"


@dataclass(slots=True)
class SourceStats:
    """Records a source passed over on purpose, by reason (reported in the summary),
    and how many bytes of the input files were read so far (for the progress bar's ETA)."""

    skipped: Counter[str] = field(default_factory=Counter)
    bytes_read: int = 0


class CountingReader(io.RawIOBase):
    """A binary file that adds what is read from it to `stats.bytes_read`.

    Wrapped under the decompressor, so progress is in bytes of the file on
    disk, which is what the total (the files' sizes) is measured in.
    """

    def __init__(self, raw: IO[bytes], stats: SourceStats):
        self._raw, self._stats = raw, stats

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self._stats.bytes_read += len(data)
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def input_bytes(inputs: list[str]) -> int | None:
    """Total size on disk of the inputs (for the progress bar), None when stdin is one of them."""
    total = 0
    for path in inputs:
        if path == "-":
            return None
        if os.path.isdir(path):
            for directory, _, files in os.walk(path):
                total += sum(
                    os.path.getsize(os.path.join(directory, name))
                    for name in files
                    if Path(_strip_compression(name.lower())).suffix in PAGE_SUFFIXES
                    and os.path.isfile(os.path.join(directory, name))
                )
        else:
            total += os.path.getsize(path)
    return total


class InputSpecError(ValueError):
    """An input path the batch cannot read at all (reported before anything runs)."""


def _strip_compression(name: str) -> str:
    for suffix in COMPRESSED:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def input_format(path: str) -> str:
    """'stdin', 'dir', 'jsonl', 'warc' or 'page' for one command-line input."""
    if path == "-":
        return "stdin"
    if os.path.isdir(path):
        return "dir"
    if not os.path.exists(path):
        raise InputSpecError(f"{path}: no such file or directory")
    return format_by_name(path)


def format_by_name(path: str) -> str:
    """'jsonl', 'warc' or 'page' from the file name alone (also for paths on a cluster's storage)."""
    name = _strip_compression(path.lower())
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if Path(name).suffix in PAGE_SUFFIXES:
        return "page"
    raise InputSpecError(
        f"{path}: unknown input type; expected a directory, .jsonl, .warc or .html/.htm/.txt (optionally .gz)"
    )


def open_binary(path: str, stats: SourceStats | None = None) -> IO[bytes]:
    """Open a file, decompressing .gz and .zst transparently; count bytes read into `stats`."""
    raw: IO[bytes] = open(path, "rb")
    if stats is not None:
        raw = io.BufferedReader(CountingReader(raw, stats))
    if path.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if path.endswith(".zst"):
        import zstandard  # lazily: only for .zst inputs

        return zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)
    return raw


# On a tie between detected encodings, the most common legacy encoding of the
# web wins: detectors cannot tell cp1250 from cp1252 on a short French text,
# and guessing Central European there turns "è" into "č".
PREFERRED_ON_TIE = "cp1252"


def decode_text(data: bytes) -> str:
    """UTF-8, else the encoding charset-normalizer finds; UnicodeDecodeError when none fits."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        matches = from_bytes(data)
        best = matches.best()
        if best is None:
            raise
        for match in matches:
            tied = (match.chaos, match.coherence) == (best.chaos, best.coherence)
            if tied and match.encoding == PREFERRED_ON_TIE:
                return str(match)
        return str(best)


def looks_like_html(data: bytes | str) -> bool:
    head = data[:512]
    if isinstance(head, str):
        head = head.encode("utf-8", "ignore")
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(HTML_START)


# --- single pages and directories -------------------------------------------------------


def page_record(path: Path, record_id: str) -> InputRecord:
    """One file as one record; unreadable or undecodable files become error records."""
    kind = PAGE_SUFFIXES[Path(_strip_compression(path.name.lower())).suffix]
    record = InputRecord(id=record_id, kind=kind, metadata={"source": str(path)})  # type: ignore[arg-type]
    if not path.is_file():  # a FIFO would block the batch on open; a broken link has nothing to read
        record.error = ("read", f"cannot read {path}: not a regular file")
        return record
    try:
        with open_binary(str(path)) as handle:
            # Stops at the limit, and early for a gzip bomb (its ratio): never inflated whole.
            data = limits.read_bounded(handle, READ_LIMITS, what=str(path))
    except InputError as error:  # too-large, decompression-bomb, truncated, corrupt
        record.error = (error.kind, str(error))
        return record
    except (OSError, EOFError) as error:
        record.error = ("read", f"cannot read {path}: {error}")
        return record
    if kind == "html" or looks_like_html(data):
        record.kind, record.content = "html", data
        return record
    try:
        record.content = decode_text(data)
    except UnicodeDecodeError:
        record.error = ("decode", f"{path} is not text in any encoding charset-normalizer knows")
    return record


def iter_directory(root: Path, stats: SourceStats | None = None) -> Iterator[InputRecord]:
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            if Path(_strip_compression(name.lower())).suffix not in PAGE_SUFFIXES:
                continue
            path = Path(directory) / name
            record = page_record(path, path.relative_to(root).as_posix())
            if stats is not None and path.is_file():
                stats.bytes_read += path.stat().st_size
            yield record


# --- JSONL ------------------------------------------------------------------------------


def jsonl_record(line: bytes, fallback_id: str, names: FieldNames) -> InputRecord:
    """Parse one JSONL line into a record, or into an error record saying what is wrong."""
    record = InputRecord(id=fallback_id)
    try:
        data = json.loads(line)
    except RecursionError:
        record.error = ("json", "the line nests JSON too deeply to read")
        return record
    except UnicodeDecodeError:
        record.error = ("decode", "the line is not valid UTF-8")
        return record
    except ValueError as error:
        record.error = ("json", f"the line is not valid JSON: {error}")
        return record
    if not isinstance(data, dict):
        record.error = ("record-type", f"expected a JSON object, got {type(data).__name__}")
        return record
    record_id = data.get(names.id)
    if record_id is not None:
        record.id = str(record_id)
    url = data.get(names.url)
    if url is not None and not isinstance(url, str):
        record.error = ("field-type", f"field {names.url!r} must be a string, got {type(url).__name__}")
        return record
    record.url = url
    used = {names.id, names.url}
    for kind, name in (("html", names.html), ("text", names.text)):
        value = data.get(name)
        if value is None:
            continue
        used.add(name)
        if not isinstance(value, str):
            record.error = ("field-type", f"field {name!r} must be a string, got {type(value).__name__}")
        else:
            record.kind, record.content = kind, value  # type: ignore[assignment]
        break
    else:
        record.error = ("missing-field", f"the record has neither {names.html!r} nor {names.text!r}")
    record.passthrough = {k: v for k, v in data.items() if k not in used}
    return record


def iter_jsonl_stream(handle: IO[bytes], source: str, names: FieldNames) -> Iterator[InputRecord]:
    number = 0
    try:
        # Lines over the page limit come as errors, skipped without being held in memory.
        for number, line in enumerate(limits.iter_lines(handle, READ_LIMITS), start=1):  # noqa: B007
            if isinstance(line, InputError):
                yield InputRecord(id=f"{source}:{number}", error=(line.kind, str(line)))
                continue
            if not line.strip():
                continue  # blank lines are layout, not records
            yield jsonl_record(line, f"{source}:{number}", names)
    except (OSError, EOFError, ValueError, zlib.error) as error:  # truncated or corrupt compressed stream
        yield InputRecord(
            id=f"{source}:{number + 1}",
            error=("read", f"cannot read {source} past line {number}: {error}"),
        )


def iter_jsonl(path: str, names: FieldNames, stats: SourceStats | None = None) -> Iterator[InputRecord]:
    with open_binary(path, stats) as handle:
        yield from iter_jsonl_stream(handle, Path(path).name, names)


# --- WARC -------------------------------------------------------------------------------


def _http_charset(record: Any) -> str | None:
    import codecs

    charset = record.http_charset
    if not charset:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def warc_page(record: Any, payload: bytes) -> InputRecord:
    url = record.headers.get("WARC-Target-URI")
    metadata: dict[str, Any] = {"warc_date": record.headers.get("WARC-Date")}
    if record.http_headers is not None:
        metadata["http_status"] = record.http_headers.status_code
    page = InputRecord(id=record.record_id or "", kind="html", url=url, metadata=metadata)
    # The HTTP header's charset is evidence the page itself may not repeat.
    charset = _http_charset(record)
    if charset is not None:
        try:
            page.content = payload.decode(charset)
            return page
        except UnicodeDecodeError:
            pass  # the header lied; let the HTML front end detect the encoding
    page.content = payload
    return page


def open_any(path: str) -> IO[bytes]:
    """A local file, or a URL-like path (s3://, hdfs://, ...) through fsspec when it is installed."""
    if "://" in path and not path.startswith("file://"):
        import fsspec  # only on clusters: pip install fsspec and the filesystem's package (s3fs, ...)

        return fsspec.open(path, "rb").open()
    return open(path.removeprefix("file://"), "rb")


def _position(handle: IO[bytes]) -> int:
    try:
        return handle.tell()
    except (OSError, ValueError):
        return 0


def iter_warc(path: str, stats: SourceStats) -> Iterator[InputRecord]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType  # lazily: only for WARC inputs

    position = 0
    try:
        with open_any(path) as handle:
            # FastWARC seeks, so progress comes from the file position, not a counting wrapper.
            before = stats.bytes_read
            for record in ArchiveIterator(handle, record_types=WarcRecordType.response, parse_http=True):
                position = record.stream_pos
                stats.bytes_read = before + _position(handle)
                content_type = (record.http_content_type or "").lower()
                if content_type and content_type not in HTML_TYPES:
                    stats.skipped[f"warc response not HTML ({content_type})"] += 1
                    continue
                # Judged before reading (a record may declare gigabytes) and after (a cut archive
                # ends in a short record, which must not pass for a whole page).
                declared, failure, payload = record.content_length, None, b""
                if declared > MAX_PAGE_BYTES:
                    failure = ("too-large", f"the record is {declared:,} bytes, over {MAX_PAGE_BYTES:,}")
                else:
                    payload = record.reader.read(MAX_PAGE_BYTES + 1)
                    if record.headers.get("Content-Length") is None:
                        failure = ("truncated", "the record's WARC header has no Content-Length: "
                                   "the archive is cut or broken")
                    elif len(payload) < declared:
                        failure = ("truncated", f"the record ends after {len(payload):,} of its "
                                   f"{declared:,} bytes: the archive is cut or broken")
                if failure is not None:
                    yield InputRecord(id=record.record_id or f"{Path(path).name}@{position}",
                                      url=record.headers.get("WARC-Target-URI"), error=failure)
                    continue
                if not content_type and not looks_like_html(payload):
                    stats.skipped["warc response not HTML (no type)"] += 1
                    continue
                yield warc_page(record, payload)
    except (OSError, ValueError) as error:
        yield InputRecord(
            id=f"{Path(path).name}@{position}",
            error=("read", f"cannot read {path} after offset {position}: {error}"),
        )


# --- all inputs -------------------------------------------------------------------------


def iter_records(
    inputs: list[str], names: FieldNames, stats: SourceStats, stdin: IO[bytes] | None = None
) -> Iterator[InputRecord]:
    """Every record of every input, in command-line order."""
    for path in inputs:
        kind = input_format(path)
        if kind == "stdin":
            yield from iter_jsonl_stream(stdin or sys.stdin.buffer, "-", names)
        elif kind == "dir":
            yield from iter_directory(Path(path), stats)
        elif kind == "jsonl":
            yield from iter_jsonl(path, names, stats)
        elif kind == "warc":
            yield from iter_warc(path, stats)
        else:
            yield page_record(Path(path), Path(path).name)


def check_inputs(inputs: list[str]) -> list[str]:
    """The format of each input; raises InputSpecError before any work is done."""
    return [input_format(path) for path in inputs]
