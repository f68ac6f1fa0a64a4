"""Batch throughput: records per second on 1 and 2 processes, JSONL and WARC, and Spark local mode.

    python -m benchmarks.batch                    # build the corpus if needed, run everything
    python -m benchmarks.batch --records 2000 --no-spark
    python -m benchmarks.batch --template-gain   # F1 with and without site templates

The corpus is the WCXB development pages cycled to `--records` records (each
copy of a page gets its own host, `copyN.<host>`, so the site-template pass
sees the same number of pages per host as in WCXB, not duplicates), written
as JSONL.gz and WARC.gz into benchmarks/.cache/batch/ (not committed).

Each run is a fresh `clean batch` process (or a Spark job), timed from start
to end, so figures include reading, decompression, the pool and writing.
Peak memory is the largest sum of proportional set sizes (PSS: shared pages
split between the processes sharing them) of the run's whole process tree,
sampled every 0.2 s. Results go to benchmarks/results/batch.json.

--template-gain measures what the site-template pass is worth: the WCXB pages
of every host with at least 3 pages, as HTML and as text mode input (the
page's full visible text by html-text), cleaned with and without templates,
scored with the WCXB token F1 (macro), tune and held-out pages apart.
Results go to benchmarks/results/batch-templates.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WCXB = REPO.parent / "shared" / "data" / "wcxb"
CACHE = REPO / "benchmarks" / ".cache" / "batch"
RESULTS = REPO / "benchmarks" / "results" / "batch.json"


def wcxb_pages() -> list[tuple[str, str, bytes]]:
    pages = []
    for truth_path in sorted((WCXB / "dev" / "ground-truth").glob("*.json")):
        page_id = truth_path.stem
        url = json.loads(truth_path.read_text()).get("url") or f"https://unknown.example/{page_id}"
        html = gzip.decompress((WCXB / "dev" / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, url, html))
    return pages


def copy_url(url: str, copy: int) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://copy{copy}.{rest}" if copy else url


def build_corpus(records: int) -> tuple[Path, Path]:
    jsonl, warc = CACHE / f"wcxb-{records}.jsonl.gz", CACHE / f"wcxb-{records}.warc.gz"
    if jsonl.exists() and warc.exists():
        return jsonl, warc
    from fastwarc.warc import WarcRecord, WarcRecordType

    CACHE.mkdir(parents=True, exist_ok=True)
    pages = wcxb_pages()
    with gzip.open(jsonl, "wt", encoding="utf-8", compresslevel=3) as out_jsonl, open(warc, "wb") as out_warc:
        for number in range(records):
            page_id, url, html = pages[number % len(pages)]
            copy = number // len(pages)
            record_id, record_url = f"{page_id}-{copy}", copy_url(url, copy)
            text = html.decode("utf-8", errors="replace")
            out_jsonl.write(json.dumps({"id": record_id, "url": record_url, "html": text}) + "\n")
            record = WarcRecord()
            record.init_headers(WarcRecordType.response)
            record.headers["WARC-Record-ID"] = f"<urn:uuid:{number:08d}-0000-0000-0000-{int(page_id):012d}>"
            record.headers["WARC-Target-URI"] = record_url
            record.headers["WARC-Date"] = "2025-01-01T00:00:00Z"
            record.headers["Content-Type"] = "application/http; msgtype=response"
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            record.set_bytes_content(http + html)
            # One gzip member per record, as crawlers write WARC.gz.
            buffer = _BytesSink()
            record.write(buffer)
            out_warc.write(gzip.compress(buffer.data, compresslevel=3))
    return jsonl, warc


class _BytesSink:
    def __init__(self) -> None:
        self.data = b""

    def write(self, chunk: bytes) -> int:
        self.data += bytes(chunk)
        return len(chunk)


def tree_memory(pid: int) -> int:
    """Proportional set size (PSS) of a process and all its descendants (Linux /proc).

    PSS, not RSS: forked workers share pages with their parent, and a sum of
    RSS would count those pages once per process.
    """
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
            continue
    return total


def timed(command: list[str]) -> dict:
    """Run a command; its wall time, CPU time and the peak RSS of its process tree.

    CPU seconds (user + system of every process of the run) are the figure to
    trust on a busy shared machine: wall time there depends on the other load.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.2):
            peak = max(peak, tree_memory(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_pss_mb": round(peak / 2**20, 1)}


def run_batch(source: Path, jobs: int, records: int, templates: bool) -> dict:
    output = CACHE / "out" / f"{source.name}.j{jobs}{'' if templates else '.nt'}.jsonl"
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "clean.batch.cli",
        str(source),
        "-o",
        str(output),
        "--jobs",
        str(jobs),
        "--restart",
        "--quiet",
    ]
    if not templates:
        command.append("--no-site-templates")
    figures = timed(command)
    summary = json.loads(Path(f"{output}.summary.json").read_text())
    assert summary["records_out"] == records, summary
    template = summary["removals_per_rule"].get("site-template", {})
    figures.update(
        records_per_second=round(records / figures["seconds"], 1),
        cpu_ms_per_record=round(1000 * figures["cpu_seconds"] / records, 1),
        failed=summary["records_failed"],
        site_template_removals=template.get("count", 0),
    )
    return figures


def run_spark(source: Path, cores: int, records: int) -> dict:
    output = CACHE / "out" / f"{source.name}.spark{cores}.parquet"
    command = [
        sys.executable,
        "-m",
        "clean.integrations.spark",
        str(source),
        "-o",
        str(output),
        "--master",
        f"local[{cores}]",
        "--mode",
        "overwrite",
        # A .gz file is one Spark partition; spread its records over the cores.
        "--partitions",
        str(4 * cores),
    ]
    figures = timed(command)
    figures["records_per_second"] = round(records / figures["seconds"], 1)
    # The JVM and its Python workers are not reaped by our child, so their CPU is not counted.
    del figures["cpu_seconds"]
    return figures


def token_f1(predicted: str, gold: str) -> tuple[float, float, float]:
    """WCXB scoring: multiset overlap of word tokens, lower-cased."""
    import re
    from collections import Counter

    ours = Counter(re.findall(r"\w+", (predicted or "").lower()))
    theirs = Counter(re.findall(r"\w+", (gold or "").lower()))
    if not ours or not theirs:
        return (1.0, 1.0, 1.0) if not ours and not theirs else (0.0, 0.0, 0.0)
    overlap = sum((ours & theirs).values())
    precision, recall = overlap / sum(ours.values()), overlap / sum(theirs.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def template_gain(min_host_pages: int = 3) -> dict:
    import io
    from collections import Counter

    import html_text

    from clean.batch.runner import BatchConfig
    from clean.batch.runner import run_batch as run_in_process

    meta = json.loads((WCXB / "metadata.json").read_text())["files"]
    per_host = Counter(info["domain"] for info in meta.values() if info["domain"])
    chosen = sorted(
        i for i, info in meta.items() if info["domain"] and per_host[info["domain"]] >= min_host_pages
    )
    work = CACHE / "templates"
    work.mkdir(parents=True, exist_ok=True)
    gold, sources = {}, {"html": work / "html.jsonl", "text": work / "text.jsonl"}
    with open(sources["html"], "w") as html_out, open(sources["text"], "w") as text_out:
        for page_id in chosen:
            truth = json.loads((WCXB / "dev" / "ground-truth" / f"{page_id}.json").read_text())
            gold[page_id] = truth["ground_truth"].get("main_content") or ""
            html = gzip.decompress((WCXB / "dev" / "html" / f"{page_id}.html.gz").read_bytes()).decode()
            url = truth.get("url")
            html_out.write(json.dumps({"id": page_id, "url": url, "html": html}) + "\n")
            text = html_text.extract_text(html, guess_layout=True)
            text_out.write(json.dumps({"id": page_id, "url": url, "text": text}) + "\n")
    big_hosts = {h for h, n in per_host.items() if n >= 4}
    results: dict = {"pages": len(chosen), "hosts": len({meta[i]["domain"] for i in chosen}), "runs": {}}
    for kind, source in sources.items():
        outputs = {}
        for templates in (False, True):
            out = work / f"{kind}-{'with' if templates else 'without'}.jsonl"
            config = BatchConfig(
                inputs=[str(source)],
                output=str(out),
                jobs=2,
                site_templates=templates,
                restart=True,
                progress=False,
            )
            run_in_process(config, log=io.StringIO())
            outputs[templates] = {r["id"]: r["text"] for r in map(json.loads, out.read_text().splitlines())}
        for subset in ("all hosts with 3+ pages", "hosts with 4+ pages"):
            for part in ("tune", "heldout"):
                ids = [i for i in chosen if (int(i) % 5 == 0) == (part == "heldout")]
                if subset.startswith("hosts with 4"):
                    ids = [i for i in ids if meta[i]["domain"] in big_hosts]
                row = {"pages": len(ids)}
                for templates, label in ((False, "without"), (True, "with")):
                    scores = [token_f1(outputs[templates][i], gold[i]) for i in ids]
                    row[label] = [round(sum(s[k] for s in scores) / len(scores), 3) for k in range(3)]
                results["runs"][f"{kind} / {subset} / {part}"] = row
                print(
                    f"{kind:5} {subset:24} {part:8} pages {len(ids):3}  P/R/F1 without {row['without']}"
                    f"  with {row['with']}",
                    flush=True,
                )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch", description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--jobs", default="1,2", help="comma-separated process counts (default: 1,2)")
    parser.add_argument("--formats", default="jsonl,warc")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument(
        "--spark-records",
        type=int,
        default=2000,
        help="records for the Spark runs (default 2000: Spark's startup and per-row "
        "Arrow hops make 10,000 take too long on a 2-core machine)",
    )
    parser.add_argument(
        "--no-templates-run",
        action="store_true",
        help="skip the extra run that includes the site-template pass",
    )
    parser.add_argument(
        "--template-gain",
        action="store_true",
        help="measure the site-template gain on WCXB's multi-page hosts instead",
    )
    parser.add_argument("--results", default=str(RESULTS), help="where to write the figures (JSON)")
    args = parser.parse_args(argv)
    if args.template_gain:
        gain = template_gain()
        (RESULTS.parent / "batch-templates.json").write_text(json.dumps(gain, indent=2) + "\n")
        return 0
    jobs = [int(j) for j in args.jobs.split(",")]
    jsonl, warc = build_corpus(args.records)
    sources = {"jsonl": jsonl, "warc": warc}
    results: dict = {
        "records": args.records,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "corpus_bytes": {name: path.stat().st_size for name, path in sources.items()},
        "batch": {},
    }
    for name in [f for f in args.formats.split(",") if f]:
        for count in jobs:
            key = f"{name} jobs={count} (no site templates)"
            results["batch"][key] = run_batch(sources[name], count, args.records, templates=False)
            print(key, results["batch"][key], flush=True)
        if len(jobs) >= 2:
            first, last = (
                results["batch"][f"{name} jobs={jobs[0]} (no site templates)"],
                results["batch"][f"{name} jobs={jobs[-1]} (no site templates)"],
            )
            results["batch"][f"{name} scaling {jobs[-1]}/{jobs[0]}"] = round(
                last["records_per_second"] / first["records_per_second"], 2
            )
    if not args.no_templates_run:
        key = f"jsonl jobs={jobs[-1]} (with site templates: two passes)"
        results["batch"][key] = run_batch(jsonl, jobs[-1], args.records, templates=True)
        print(key, results["batch"][key], flush=True)
    if not args.no_spark:
        results["spark"] = {}
        spark_jsonl, _ = build_corpus(args.spark_records)
        for count in jobs:
            key = f"jsonl local[{count}], {args.spark_records} records"
            results["spark"][key] = run_spark(spark_jsonl, count, args.spark_records)
            print("spark", key, results["spark"][key], flush=True)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    destination = Path(args.results)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
