"""The work done per record, in a worker process or inline.

`clean_record` turns one InputRecord into its output line and the stats the
summary needs; it never raises, so one bad page cannot stop a batch.
`record_fingerprints` is the template-learning pass: segment the page, hash
its blocks, run no stage.
"""

from __future__ import annotations

import time

from clean.batch.records import InputRecord, RecordStats, output_line
from clean.errors import CleanError
from clean.options import Options
from clean.result import Result


def _clean(record: InputRecord, options: Options):
    from clean import pipeline

    if record.kind == "html":
        return pipeline.clean_html(record.content, record.url, options)  # type: ignore[arg-type]
    return pipeline.clean_text(record.content, options, url=record.url)  # type: ignore[arg-type]


def clean_to_result(record: InputRecord, options: Options) -> tuple[Result | None, tuple[str, str] | None]:
    """(result, None) or (None, (error kind, message)); never raises."""
    if record.error is not None:
        return None, record.error
    try:
        return _clean(record, options), None
    except CleanError as failure:
        return None, (failure.kind, str(failure))
    except RecursionError:
        return None, ("too-deep", "the page is nested too deeply to process")
    except Exception as failure:  # a bug must cost one record, not the batch
        return None, ("internal", f"{type(failure).__name__}: {failure}")


def clean_record(record: InputRecord, options: Options) -> tuple[str, RecordStats]:
    started = time.perf_counter()
    result, error = clean_to_result(record, options)
    seconds = time.perf_counter() - started
    if error is not None:
        line = output_line(record, error=error)
        return line, RecordStats(record.id, seconds, record.size, error_kind=error[0])
    removed = result.removed
    line = output_line(record, text=result.text, metadata=result.metadata, **result.records())
    stats = RecordStats(
        record.id,
        seconds,
        record.size,
        chars_in=len(result.input_text()),
        chars_out=len(result.text),
        removals=tuple((r.stage, r.rule, len(r.text)) for r in removed),
    )
    return line, stats


def record_fingerprints(record: InputRecord, options: Options) -> tuple[str, frozenset[int]] | None:
    """(host, distinct block fingerprints) of a page with a URL; None when it cannot count."""
    from clean.heuristics.site_template import host_of, page_fingerprints

    host = host_of(record.url)
    if host is None or record.error is not None or record.content is None:
        return None
    try:
        if record.kind == "html":
            from clean.frontends.html import parse_document

            doc = parse_document(record.content, record.url, options)
        else:
            from clean.frontends.text import segment_text

            if not isinstance(record.content, str):
                return None
            doc = segment_text(record.content, record.url)
    except Exception:  # the cleaning pass reports this page's error; learning just skips it
        return None
    return host, frozenset(page_fingerprints(doc))

