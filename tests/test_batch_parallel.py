"""The process pool: order kept, input read lazily, a dying worker costs one record only."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

from clean.batch.parallel import ordered_map
from clean.batch.records import InputRecord
from clean.batch.sources import FieldNames, SourceStats, iter_records
from clean.options import Options


def echo(record: InputRecord, options: Options) -> str:
    return record.id


def die_on_poison(record: InputRecord, options: Options) -> str:
    if record.content == "poison":
        os._exit(1)  # what a segfault in a parser looks like to the pool
    return record.id


def crashed(record: InputRecord) -> str:
    return f"crashed:{record.id}"


def records(count: int, poison: set[int] = frozenset()) -> list[InputRecord]:
    return [InputRecord(str(i), "text", "poison" if i in poison else "ok") for i in range(count)]


def test_results_come_back_in_input_order():
    results = list(ordered_map(echo, records(100), Options(), jobs=2, chunk_size=3, on_crash=crashed))
    assert results == [str(i) for i in range(100)]


def test_input_is_read_only_as_far_as_the_window_needs():
    pulled: list[int] = []

    def source():
        for record in records(10_000):
            pulled.append(int(record.id))
            yield record

    results = ordered_map(echo, source(), Options(), jobs=2, chunk_size=4, window=3, on_crash=crashed)
    first = [next(results) for _ in range(5)]
    assert first == ["0", "1", "2", "3", "4"]
    assert len(pulled) <= 4 * 3 + 4  # the window, plus the chunk being refilled
    results.close()


def test_a_dying_worker_becomes_one_error_record_and_the_rest_is_cleaned():
    results = list(ordered_map(die_on_poison, records(40, poison={17}), Options(), jobs=2, chunk_size=4,
                               on_crash=crashed))
    assert len(results) == 40
    assert results[17] == "crashed:17"
    assert [r for i, r in enumerate(results) if i != 17] == [str(i) for i in range(40) if i != 17]


def test_warc_html_responses_become_records_with_url_date_and_charset(tmp_path):
    from fastwarc.warc import WarcRecord, WarcRecordType

    def response(url: str, content_type: str, body: bytes, urn: str) -> WarcRecord:
        record = WarcRecord()
        record.init_headers(WarcRecordType.response)
        record.headers["WARC-Record-ID"] = f"<{urn}>"
        record.headers["WARC-Target-URI"] = url
        record.headers["WARC-Date"] = "2024-05-01T10:00:00Z"
        record.headers["Content-Type"] = "application/http; msgtype=response"
        http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode()
        record.set_bytes_content(http + body)
        return record

    page = "<html><body><p>" + "Crème brûlée à la française, très bien. " * 10 + "</p></body></html>"
    path = tmp_path / "crawl.warc"
    with open(path, "wb") as out:
        response("https://a.example/1", "text/html; charset=iso-8859-1", page.encode("latin-1"),
                 "urn:uuid:00000000-0000-0000-0000-000000000001").write(out)
        response("https://a.example/logo.png", "image/png", b"\x89PNG....",
                 "urn:uuid:00000000-0000-0000-0000-000000000002").write(out)
        response("https://a.example/2", "text/html", b"<p>second</p>",
                 "urn:uuid:00000000-0000-0000-0000-000000000003").write(out)
    stats = SourceStats()
    found = list(iter_records([str(path)], FieldNames(), stats))
    assert [r.id for r in found] == ["<urn:uuid:00000000-0000-0000-0000-000000000001>",
                                     "<urn:uuid:00000000-0000-0000-0000-000000000003>"]
    first = found[0]
    assert first.url == "https://a.example/1" and first.metadata["warc_date"] == "2024-05-01T10:00:00Z"
    assert first.metadata["http_status"] == 200
    assert "Crème brûlée" in first.content  # decoded with the HTTP header's charset
    assert sum(stats.skipped.values()) == 1  # the image, counted, not silently dropped


def test_batch_over_a_gzipped_warc(tmp_path):
    from fastwarc.warc import WarcRecord, WarcRecordType

    from clean.batch.runner import BatchConfig, run_batch

    article = (Path(__file__).resolve().parents[1] / "fixtures" / "html" / "news_article.html").read_bytes()

    buffer = io.BytesIO()
    for number in range(3):
        record = WarcRecord()
        urn = f"urn:uuid:00000000-0000-0000-0000-00000000000{number}"
        record.init_headers(WarcRecordType.response)
        record.headers["WARC-Record-ID"] = f"<{urn}>"
        record.headers["WARC-Target-URI"] = f"https://news.example.org/{number}"
        record.headers["Content-Type"] = "application/http; msgtype=response"
        record.set_bytes_content(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + article)
        record.write(buffer)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(buffer.getvalue()))
    out = tmp_path / "out.jsonl"
    summary = run_batch(BatchConfig(inputs=[str(path)], output=str(out), jobs=1, progress=False),
                        log=io.StringIO())
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert summary["records_ok"] == 3 == len(rows)
    assert all("tidal mill" in row["text"] for row in rows)
