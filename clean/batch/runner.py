"""Run a batch: learn site templates, clean every record in parallel, write, checkpoint, summarise.

    run_batch(BatchConfig(inputs=["pages/"], output="out.jsonl")) -> summary dict

Guarantees:
- one output line (a cleaned record or an error record) per input record, in
  input order;
- memory bounded by the records in flight, whatever the input size;
- resumable: after a crash, Ctrl-C or kill -9, running the same command again
  finishes the job with no record lost and none written twice (see
  checkpoint.py and sinks.py for how).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import IO, Any

from clean.batch.checkpoint import Checkpoint
from clean.batch.parallel import ordered_map
from clean.batch.records import InputRecord, RecordStats, output_line
from clean.batch.sinks import open_sink
from clean.batch.sources import FieldNames, SourceStats, check_inputs, input_bytes, iter_records
from clean.batch.summary import BatchSummary
from clean.batch.templates import TemplateLearner
from clean.batch.worker import clean_record, record_fingerprints
from clean.heuristics.site_template import SiteTemplates
from clean.options import Options


class BatchError(RuntimeError):
    """The batch cannot start as asked (exists already, different job, ...): a message for the user."""


@dataclass(slots=True)
class BatchConfig:
    inputs: list[str]
    output: str
    fields: FieldNames = field(default_factory=FieldNames)
    options: Options = field(default_factory=Options)
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    site_templates: bool = True
    restart: bool = False
    # Records per task sent to a worker, and how often the output is made durable.
    chunk_size: int = 16
    commit_every: int = 1000
    commit_seconds: float = 5.0
    # None: a progress bar only when stderr is a terminal.
    progress: bool | None = None
    stdin: IO[bytes] | None = None


@dataclass(frozen=True, slots=True)
class BatchPaths:
    output: Path
    checkpoint: Path
    summary: Path
    templates: Path

    @classmethod
    def next_to(cls, output: str) -> BatchPaths:
        base = output.rstrip("/\\") or output
        return cls(Path(output), Path(f"{base}.checkpoint.json"), Path(f"{base}.summary.json"),
                   Path(f"{base}.templates.json"))


def job_description(config: BatchConfig) -> dict[str, Any]:
    """What must match for a rerun to resume rather than start over (not --jobs: output is the same)."""
    return {
        "inputs": [p if p == "-" else os.path.abspath(p) for p in config.inputs],
        "output": os.path.abspath(config.output),
        "fields": asdict(config.fields),
        "options": replace(config.options, site_templates=None).to_dict(),
        "site_templates": config.site_templates,
    }


def _output_exists(path: Path) -> bool:
    if path.is_dir():
        return any(path.iterdir())
    return path.exists()


class Progress:
    """The progress bar: by records when their number is known (after the template
    pass), else by bytes of input read out of the inputs' total size, so there is an
    ETA either way; only the record count and rate when reading stdin."""

    def __init__(self, config: BatchConfig, stats: SourceStats, description: str,
                 records: int | None = None, initial: int = 0):
        from tqdm import tqdm

        enabled = sys.stderr.isatty() if config.progress is None else config.progress
        total_bytes = None if records is not None or not enabled else input_bytes(config.inputs)
        self._stats, self._by_bytes, self._records = stats, total_bytes is not None, initial
        self._bar = tqdm(
            total=total_bytes if self._by_bytes else records,
            initial=0 if self._by_bytes else initial,
            desc=description, unit="B" if self._by_bytes else "rec", unit_scale=self._by_bytes,
            disable=not enabled, file=sys.stderr, dynamic_ncols=True, smoothing=0.05,
        )

    def update(self) -> None:
        self._records += 1
        if not self._by_bytes:
            self._bar.update()
            return
        self._bar.update(self._stats.bytes_read - self._bar.n)
        self._bar.set_postfix_str(f"{self._records:,} records", refresh=False)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None and self._by_bytes and self._bar.total:
            # All input was read (sizes on disk may differ from bytes read, e.g. gzip trailers).
            self._bar.update(self._bar.total - self._bar.n)
            self._bar.set_postfix_str(f"{self._records:,} records")
        self._bar.close()


def _crashed_result(record: InputRecord) -> tuple[str, RecordStats]:
    error = ("worker-crash", "the worker process died while cleaning this record")
    return output_line(record, error=error), RecordStats(record.id, 0.0, record.size, error_kind=error[0])


def _records(config: BatchConfig, stats: SourceStats) -> Iterator[InputRecord]:
    return iter_records(config.inputs, config.fields, stats, config.stdin)


def learn_templates(config: BatchConfig, job: dict, paths: BatchPaths) -> tuple[SiteTemplates, int]:
    """The first pass, or its saved result when this job already ran it."""
    try:
        saved = json.loads(paths.templates.read_text(encoding="utf-8"))
        if saved.get("job") == job:
            return SiteTemplates.from_json(saved["templates"]), saved["records"]
    except (FileNotFoundError, ValueError, KeyError):
        pass
    learner = TemplateLearner(config.options)
    records, stats = 0, SourceStats()
    with Progress(config, stats, "learning site templates") as bar:
        for found in ordered_map(record_fingerprints, _records(config, stats), config.options,
                                 jobs=config.jobs, chunk_size=config.chunk_size, on_crash=lambda r: None):
            records += 1
            bar.update()
            if found is not None:
                learner.add(*found)
    templates = learner.templates()
    data = {"job": job, "records": records, "hosts": templates.describe(), "templates": templates.to_json()}
    temporary = paths.templates.with_name(paths.templates.name + ".tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, paths.templates)
    return templates, records


def run_batch(config: BatchConfig, log: IO[str] | None = None) -> dict[str, Any]:
    log = log or sys.stderr
    formats = check_inputs(config.inputs)
    if config.output.endswith(".zst") and importlib.util.find_spec("zstandard") is None:
        raise BatchError("zstd output needs the zstandard package: pip install 'clean-boilerplate[zstd]'")
    paths = BatchPaths.next_to(config.output)
    paths.checkpoint.parent.mkdir(parents=True, exist_ok=True)
    job = job_description(config)
    checkpoint = None if config.restart else Checkpoint.load(paths.checkpoint)
    if checkpoint is not None and checkpoint.job != job:
        raise BatchError(f"{config.output} belongs to a different batch (other inputs or options, see "
                         f"{paths.checkpoint}); use another output, or --restart to start this one over")
    if checkpoint is None and not config.restart and _output_exists(paths.output):
        raise BatchError(f"{config.output} exists and has no checkpoint of this batch; "
                         "use another output, or --restart to overwrite it")
    if checkpoint is not None and checkpoint.complete:
        log.write(f"{config.output}: this batch is already complete\n")
        _write_summary(paths, checkpoint.summary)
        return checkpoint.summary
    if config.restart:
        paths.templates.unlink(missing_ok=True)

    options, total = config.options, None
    if config.site_templates and options.enabled("site-template"):
        if "stdin" in formats:
            log.write("note: site templates need two passes over the input; not learned from stdin\n")
        else:
            templates, total = learn_templates(config, job, paths)
            options = replace(options, site_templates=templates)
            log.write(f"site templates: {len(templates)} hosts with template blocks\n")

    if checkpoint is None:
        checkpoint = Checkpoint(job)
        checkpoint.save(paths.checkpoint)  # before the output is created: a kill now resumes from zero
        resume_offset = None
    else:
        resume_offset = checkpoint.output_offset
        log.write(f"resuming after {checkpoint.records_done:,} records\n")
    summary = BatchSummary.from_dict(checkpoint.summary) if checkpoint.summary else BatchSummary()
    summary = _clean_all(config, options, checkpoint, summary, paths, resume_offset, total)
    _write_summary(paths, summary)
    return summary


def _clean_all(config: BatchConfig, options: Options, checkpoint: Checkpoint, summary: BatchSummary,
               paths: BatchPaths, resume_offset: int | None, total: int | None) -> dict[str, Any]:
    sink = open_sink(config.output, resume_offset)
    source_stats = SourceStats()
    seq = checkpoint.records_done
    records = islice(_records(config, source_stats), seq, None)
    earlier_seconds, started = summary.seconds, time.perf_counter()
    uncommitted, last_commit = 0, time.monotonic()

    def commit(complete: bool = False) -> None:
        checkpoint.output_offset = sink.commit()
        checkpoint.records_done = seq
        checkpoint.complete = complete
        summary.seconds = earlier_seconds + time.perf_counter() - started
        summary.skipped = source_stats.skipped
        checkpoint.summary = summary.to_dict()
        checkpoint.save(paths.checkpoint)

    try:
        with Progress(config, source_stats, "cleaning", total, seq) as bar:
            results = ordered_map(clean_record, records, options, jobs=config.jobs,
                                  chunk_size=config.chunk_size, on_crash=_crashed_result)
            for line, stats in results:
                sink.write(seq, line)
                seq += 1
                summary.add(stats)
                bar.update()
                uncommitted += 1
                due = time.monotonic() - last_commit >= config.commit_seconds
                if uncommitted >= config.commit_every or due:
                    commit()
                    uncommitted, last_commit = 0, time.monotonic()
        commit(complete=True)
    except KeyboardInterrupt:
        commit()  # what was cleaned so far is kept; the rerun goes on from here
        raise
    finally:
        sink.close()
    return checkpoint.summary


def _write_summary(paths: BatchPaths, summary: dict[str, Any]) -> None:
    paths.summary.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
