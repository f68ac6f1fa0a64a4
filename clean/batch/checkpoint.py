"""The checkpoint: how far a batch got, saved atomically after every commit of the output.

It holds the number of input records done, the output's byte offset after
them, the summary so far, and a fingerprint of the command (inputs, fields,
options) so that a rerun resumes only the same job. Order of writes on every
commit: output data, fsync, then this file via write-to-temporary + rename.
A kill at any point leaves either the old or the new checkpoint, never a
half-written one, and any output past the checkpoint's offset is cut on resume.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VERSION = 1


@dataclass(slots=True)
class Checkpoint:
    job: dict[str, Any]
    records_done: int = 0
    output_offset: int = 0
    complete: bool = False
    summary: dict[str, Any] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        data = {
            "version": VERSION,
            "job": self.job,
            "records_done": self.records_done,
            "output_offset": self.output_offset,
            "complete": self.complete,
            "summary": self.summary,
        }
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        if data.get("version") != VERSION:
            raise RuntimeError(f"{path} was written by another version of clean batch; rerun with --restart")
        return cls(
            job=data["job"],
            records_done=data["records_done"],
            output_offset=data["output_offset"],
            complete=data["complete"],
            summary=data["summary"],
        )
