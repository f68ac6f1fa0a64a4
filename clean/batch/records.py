"""What travels through a batch: an input record, and the output line it becomes.

An `InputRecord` is whatever a source read: a page (HTML bytes or text), its
id and URL, the input fields to pass through, or, when the source could not
read it (a line that is not JSON, a missing field), the error instead of the
page. Either way it becomes exactly one output line, so counting lines in and
out checks that nothing was dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

RecordKind = Literal["html", "text"]

# The keys of every output line. Input fields with the same name are passed
# through as "input_<name>" so that neither is lost.
OUTPUT_KEYS = ("id", "url", "text", "metadata", "removed", "error")


@dataclass(slots=True)
class InputRecord:
    id: str
    kind: RecordKind = "html"
    content: str | bytes | None = None
    url: str | None = None
    # Facts the source knows about the record (WARC date, HTTP status, file name).
    metadata: dict[str, Any] = field(default_factory=dict)
    # Input fields other than the content, id and URL: copied to the output line.
    passthrough: dict[str, Any] = field(default_factory=dict)
    # (kind, message) when the source could not read the record.
    error: tuple[str, str] | None = None

    @property
    def size(self) -> int:
        return len(self.content) if self.content is not None else 0


@dataclass(slots=True, frozen=True)
class RecordStats:
    """What the batch summary needs from one record, small enough to send between processes."""

    id: str
    seconds: float
    bytes_in: int
    chars_in: int = 0
    chars_out: int = 0
    error_kind: str | None = None
    # (stage, rule, characters removed) per removal.
    removals: tuple[tuple[str, str, int], ...] = ()


def output_line(
    record: InputRecord,
    *,
    text: str | None = None,
    metadata: dict[str, Any] | None = None,
    removed: list[dict] | None = None,
    restored: list[dict] | None = None,
    repaired: list[dict] | None = None,
    error: tuple[str, str] | None = None,
) -> str:
    """One JSON line: the output keys first, then the passed-through input fields."""
    data: dict[str, Any] = {
        "id": record.id,
        "url": record.url,
        "text": text,
        "metadata": {**record.metadata, **(metadata or {})},
        "removed": removed or [],
        "restored": restored or [],
        "repaired": repaired or [],
        "error": {"kind": error[0], "message": error[1]} if error else None,
    }
    for name, value in record.passthrough.items():
        data[f"input_{name}" if name in data else name] = value
    line = json.dumps(data, ensure_ascii=False, default=str)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from "\ud800" escapes in the input: keep them escaped
        line = json.dumps(data, ensure_ascii=True, default=str)
    return line
