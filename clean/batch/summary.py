"""The batch summary: counts in and out, removals per rule and per stage, the slowest records.

It is built from the RecordStats of every record, saved in the checkpoint
(so a resumed batch reports the whole job, not just its last run), written as
JSON next to the output and printed as a table at the end.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from clean.batch.records import RecordStats

SLOWEST = 10


@dataclass(slots=True)
class BatchSummary:
    records_in: int = 0
    records_ok: int = 0
    records_failed: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    bytes_in: int = 0
    chars_in: int = 0
    chars_out: int = 0
    removals_per_rule: Counter[str] = field(default_factory=Counter)
    removed_chars_per_rule: Counter[str] = field(default_factory=Counter)
    removals_per_stage: Counter[str] = field(default_factory=Counter)
    # Min-heap of (seconds, id): the SLOWEST slowest records so far.
    slowest: list[tuple[float, str]] = field(default_factory=list)
    seconds: float = 0.0
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, stats: RecordStats) -> None:
        self.records_in += 1
        self.bytes_in += stats.bytes_in
        if stats.error_kind is not None:
            self.records_failed += 1
            self.errors[stats.error_kind] += 1
        else:
            self.records_ok += 1
            self.chars_in += stats.chars_in
            self.chars_out += stats.chars_out
            for stage, rule, chars in stats.removals:
                self.removals_per_rule[rule] += 1
                self.removed_chars_per_rule[rule] += chars
                self.removals_per_stage[stage] += 1
        entry = (stats.seconds, stats.id)
        if len(self.slowest) < SLOWEST:
            heapq.heappush(self.slowest, entry)
        elif entry > self.slowest[0]:
            heapq.heapreplace(self.slowest, entry)

    def to_dict(self) -> dict[str, Any]:
        rate = self.records_in / self.seconds if self.seconds else None
        return {
            "records_in": self.records_in,
            "records_out": self.records_ok + self.records_failed,
            "records_ok": self.records_ok,
            "records_failed": self.records_failed,
            "errors_per_kind": dict(self.errors.most_common()),
            "skipped_per_reason": dict(self.skipped.most_common()),
            "bytes_in": self.bytes_in,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "removals_per_rule": {
                rule: {"count": count, "chars": self.removed_chars_per_rule[rule]}
                for rule, count in self.removals_per_rule.most_common()
            },
            "removals_per_stage": dict(self.removals_per_stage.most_common()),
            "slowest": [{"id": i, "seconds": round(s, 4)} for s, i in sorted(self.slowest, reverse=True)],
            "seconds": round(self.seconds, 3),
            "records_per_second": round(rate, 2) if rate else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BatchSummary:
        """Rebuild from to_dict() output (the checkpoint), to go on counting after a resume."""
        rules = data.get("removals_per_rule", {})
        summary = cls(
            records_in=data["records_in"],
            records_ok=data["records_ok"],
            records_failed=data["records_failed"],
            errors=Counter(data.get("errors_per_kind", {})),
            bytes_in=data.get("bytes_in", 0),
            chars_in=data["chars_in"],
            chars_out=data["chars_out"],
            removals_per_rule=Counter({rule: v["count"] for rule, v in rules.items()}),
            removed_chars_per_rule=Counter({rule: v["chars"] for rule, v in rules.items()}),
            removals_per_stage=Counter(data.get("removals_per_stage", {})),
            slowest=[(s["seconds"], s["id"]) for s in data.get("slowest", [])],
            seconds=data.get("seconds", 0.0),
        )
        heapq.heapify(summary.slowest)
        return summary


def render_table(data: dict[str, Any]) -> str:
    """The summary as a plain-text table for the end of a run."""
    share = f"{data['chars_out'] / data['chars_in']:.1%}" if data["chars_in"] else "-"
    rate = data["records_per_second"]
    lines = [
        "batch summary",
        f"  records in       {data['records_in']:>12,}",
        f"  records out      {data['records_out']:>12,}   ok {data['records_ok']:,}  "
        f"failed {data['records_failed']:,}",
        f"  characters in    {data['chars_in']:>12,}",
        f"  characters out   {data['chars_out']:>12,}   ({share} kept)",
        f"  time             {data['seconds']:>11,.1f}s   "
        + (f"{rate:,.1f} records/s" if rate else ""),
    ]
    for title, key in (("errors", "errors_per_kind"), ("skipped", "skipped_per_reason")):
        if data[key]:
            lines.append(f"{title}:")
            lines += [f"  {name:<40} {count:>10,}" for name, count in data[key].items()]
    if data["removals_per_stage"]:
        lines.append("removals per stage:")
        lines += [f"  {name:<24} {count:>10,}" for name, count in data["removals_per_stage"].items()]
    if data["removals_per_rule"]:
        lines.append(f"removals per rule:{'':<7} {'blocks':>10} {'chars':>12}")
        rules = data["removals_per_rule"].items()
        lines += [f"  {name:<24} {v['count']:>10,} {v['chars']:>12,}" for name, v in rules]
    if data["slowest"]:
        lines.append("slowest records:")
        lines += [f"  {s['seconds']:>8.3f}s  {s['id']}" for s in data["slowest"]]
    return "\n".join(lines) + "\n"
