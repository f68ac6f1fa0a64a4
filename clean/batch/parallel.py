"""An ordered, bounded, crash-tolerant parallel map over a stream of records.

Why not `Pool.imap`: its feeder thread reads the whole input iterator as fast
as it can, so memory grows with the input. Here the main process reads the
next chunk only when fewer than `window` chunks are in flight, so at most
`window * chunk_size` records are held at once whatever the input size.

Results come back in input order, which is what lets an interrupted batch
resume by counting the lines it already wrote.

A worker that dies (a segfault in a parser, the OOM killer) breaks the whole
pool. The chunks in flight at that moment are then re-run one record per
fresh process, so the record that kills its process again is identified and
becomes an error record, and the others still get cleaned.
"""

from __future__ import annotations

import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import islice
from typing import TypeVar

from clean.batch.records import InputRecord
from clean.limits import hard_deadline
from clean.options import Options

R = TypeVar("R")
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
RecordFn = Callable[[InputRecord, Options], R]

# One Options per batch, set once per worker by the pool's initializer so it is
# not pickled again with every chunk (it carries the learned site templates).
_worker_options: Options | None = None


def _init_worker(options: Options) -> None:
    global _worker_options
    _worker_options = options
    _die_with_parent()


def _die_with_parent() -> None:
    """On Linux, have the kernel end this worker when the batch process dies (even by kill -9).

    Without it, workers of a killed batch can linger waiting for tasks, and a
    resumed batch would share the machine with them.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # best effort: without it, workers still exit when their task queue closes


def _apply(record_fn: RecordFn, records: list[InputRecord]) -> list:
    assert _worker_options is not None, "the pool initializer did not run"
    # The pipeline's own budget (max_seconds) cannot interrupt C code; a record
    # still running long after it ends this worker, and the pool's crash
    # handling makes it an error record (clean/limits.py: hard_deadline).
    hard_seconds = 3 * _worker_options.max_seconds + 10 if _worker_options.max_seconds > 0 else 0
    results = []
    for record in records:
        with hard_deadline(hard_seconds):
            results.append(record_fn(record, _worker_options))
    return results


def chunked(records: Iterable[InputRecord], size: int) -> Iterator[list[InputRecord]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def ordered_map(
    record_fn: RecordFn,
    records: Iterable[InputRecord],
    options: Options,
    *,
    jobs: int,
    chunk_size: int = 16,
    window: int | None = None,
    on_crash: Callable[[InputRecord], R],
) -> Iterator[R]:
    """Yield record_fn(record, options) for every record, in order.

    `record_fn` must be a module-level function (it is sent to the workers by
    name). `on_crash(record)` makes the result for a record whose process died.
    """
    if jobs <= 1:
        for record in records:
            yield record_fn(record, options)
        return
    window = window or 2 * jobs + 2
    chunks = chunked(records, chunk_size)
    pool = _new_pool(jobs, options)
    in_flight: deque[tuple[list[InputRecord], Future | None]] = deque()
    try:
        while True:
            while len(in_flight) < window and (chunk := next(chunks, None)) is not None:
                in_flight.append((chunk, _submit(pool, record_fn, chunk)))
            if not in_flight:
                return
            chunk, future = in_flight.popleft()
            try:
                if future is None:
                    raise BrokenProcessPool("the pool broke before this chunk was sent")
                results = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                suspects = [chunk] + [c for c, _ in in_flight]
                in_flight.clear()
                for suspect in suspects:
                    yield from _isolated(record_fn, suspect, options, on_crash)
                pool = _new_pool(jobs, options)
                continue
            yield from results
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, record_fn: RecordFn, chunk: list[InputRecord]) -> Future | None:
    """The chunk's future, or None when the pool is already broken (a worker died meanwhile)."""
    try:
        return pool.submit(partial(_apply, record_fn), chunk)
    except BrokenProcessPool:
        return None


def _new_pool(jobs: int, options: Options) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(options,))


def _isolated(
    record_fn: RecordFn, chunk: list[InputRecord], options: Options, on_crash: Callable[[InputRecord], R]
) -> Iterator[R]:
    """Each record in a process of its own: slow, used only after a worker died."""
    for record in chunk:
        with _new_pool(1, options) as pool:
            try:
                yield pool.submit(partial(_apply, record_fn), [record]).result()[0]
            except BrokenProcessPool:
                yield on_crash(record)
