"""Batch runs: clean a collection (directories, JSONL, WARC) in parallel, resumably.

    sources.py     read inputs as a stream of InputRecords (errors become records too)
    templates.py   first pass: learn per-host site templates from the batch
    worker.py      clean one record into one output line (never raises)
    parallel.py    ordered, bounded, crash-tolerant process pool
    sinks.py       JSONL (.gz/.zst) or directory output, committed in durable units
    checkpoint.py  how far the batch got, for resuming after a crash or kill -9
    summary.py     counts, removals per rule and stage, slowest records
    runner.py      run_batch(BatchConfig): all of the above in order
    cli.py         `clean batch ...`
"""

from clean.batch.runner import BatchConfig, BatchError, run_batch

__all__ = ["BatchConfig", "BatchError", "run_batch"]
