"""Where output lines go: a JSONL file (plain, .gz or .zst) or a directory of files.

Both sinks buffer what was written since the last `commit()`, and a commit
makes it durable as one unit: for JSONL one block of complete lines (a gzip
member or a zstd frame when compressed; concatenated members and frames are
valid streams), flushed and fsynced, and the returned byte offset is recorded
in the checkpoint only afterwards. On resume the file is cut back to the last
recorded offset, which removes a torn last line, or lines written after the
last checkpoint, so no record is ever written twice.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Protocol


class Sink(Protocol):
    def write(self, seq: int, line: str) -> None: ...
    def commit(self) -> int: ...
    def close(self) -> None: ...


def output_kind(path: str) -> str:
    """'jsonl' for .jsonl/.ndjson (optionally .gz/.zst), else 'dir'."""
    name = path.lower()
    for suffix in (".gz", ".zst"):
        name = name.removesuffix(suffix)
    return "jsonl" if name.endswith((".jsonl", ".ndjson")) else "dir"


class JsonlSink:
    def __init__(self, path: str, resume_offset: int | None):
        self.path = path
        self.compression = "gz" if path.endswith(".gz") else "zst" if path.endswith(".zst") else None
        if self.compression == "zst":
            import zstandard  # lazily: only when zstd output is asked for

            self._zstd = zstandard.ZstdCompressor(level=3)
        self._pending: list[str] = []
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if resume_offset is None:
            self._file = open(path, "wb")
        else:
            self._file = open(path, "r+b")
            size = self._file.seek(0, os.SEEK_END)
            if size < resume_offset:
                raise RuntimeError(
                    f"{path} is shorter ({size} bytes) than its checkpoint says ({resume_offset}); "
                    "it was changed outside the batch: rerun with --restart"
                )
            self._file.truncate(resume_offset)
            self._file.seek(resume_offset)

    def write(self, seq: int, line: str) -> None:
        self._pending.append(line)

    def _encode(self, data: bytes) -> bytes:
        if self.compression == "gz":
            return gzip.compress(data, compresslevel=6, mtime=0)
        if self.compression == "zst":
            return self._zstd.compress(data)
        return data

    def commit(self) -> int:
        if self._pending:
            data = ("\n".join(self._pending) + "\n").encode("utf-8")
            self._pending.clear()
            self._file.write(self._encode(data))
            self._file.flush()
            os.fsync(self._file.fileno())
        return self._file.tell()

    def close(self) -> None:
        self._file.close()


UNSAFE = re.compile(r"[^\w.\-]+")


def safe_name(text: str, limit: int = 100) -> str:
    return UNSAFE.sub("_", text).strip("._")[:limit] or "record"


def relative_file_name(record_id: str) -> str:
    """A directory input's id (a relative path) kept as a path, minus anything that could escape."""
    parts = [safe_name(part) for part in record_id.split("/") if part not in ("", ".", "..")]
    return "/".join(parts) or "record"


class DirectorySink:
    """NAME.txt (the clean text) and NAME.json (the full record) per input record.

    Files from a directory input mirror its relative paths; other records are
    named by their position in the batch and their id, which is unique and
    stays the same when a batch resumes. Each file is written to a temporary
    name and renamed, so a file is either complete or absent.
    """

    def __init__(self, path: str, resume_offset: int | None):
        self.root = Path(path)
        self.root.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def name_for(seq: int, data: dict) -> str:
        if "source" in (data.get("metadata") or {}):  # a file from a directory or a page given by name
            return relative_file_name(data["id"])
        return f"{seq:09d}-{safe_name(data['id'], 80)}"

    def write(self, seq: int, line: str) -> None:
        data = json.loads(line)
        stem = self.root / self.name_for(seq, data)
        stem.parent.mkdir(parents=True, exist_ok=True)
        if data["text"] is not None:
            _atomic_write(Path(f"{stem}.txt"), data["text"] + "\n")
        _atomic_write(Path(f"{stem}.json"), json.dumps(data, ensure_ascii=False, indent=2) + "\n")

    def commit(self) -> int:
        return 0

    def close(self) -> None:
        pass


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def open_sink(path: str, resume_offset: int | None) -> Sink:
    if output_kind(path) == "jsonl":
        return JsonlSink(path, resume_offset)
    return DirectorySink(path, resume_offset)
