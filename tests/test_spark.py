"""Spark local mode: the cleaning UDF on a DataFrame column, and JSONL + WARC -> Parquet.

Skipped, with the reason, only when Java or pyspark is missing; one small
local session for the whole module because starting Spark takes most of the time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

if shutil.which("java") is None:
    pytest.skip("Spark needs Java (17+), and `java` is not on PATH", allow_module_level=True)
pytest.importorskip("pyspark", reason="pyspark is not installed (pip install .[spark])")
pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install .[spark])")

import clean  # noqa: E402
from clean.integrations.spark import clean_column, clean_records, read_jsonl, read_warc  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARTICLE = FIXTURES / "html" / "news_article.html"
MIXED = FIXTURES / "batch" / "mixed.jsonl"


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("clean-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_clean_column_matches_the_python_api_and_reports_errors_per_row(spark):
    html = ARTICLE.read_text(encoding="utf-8")
    seed = sorted((FIXTURES / "seeds" / "input").glob("*.txt"))[0].read_text(encoding="utf-8")
    rows = [("a", html, "https://courier.example/news/tidal-mill"), ("b", seed, None), ("c", None, None)]
    df = spark.createDataFrame(rows, "id string, page string, url string")
    out = {r["id"]: r for r in clean_column(df, "page", url_column="url").collect()}

    expected_html = clean.clean_html(html, url="https://courier.example/news/tidal-mill")
    assert out["a"]["clean"]["text"] == expected_html.text
    assert [r["rule"] for r in out["a"]["clean"]["removed"]] == [r.rule for r in expected_html.removed]
    assert out["a"]["clean"]["metadata"]["title"] == expected_html.metadata["title"]
    assert out["b"]["clean"]["text"] == clean.clean_text(seed).text  # "auto" saw plain text
    assert out["c"]["clean"]["error"]["kind"] == "missing-field" and out["c"]["clean"]["text"] is None


def test_jsonl_and_warc_to_parquet_one_row_per_record(spark, tmp_path):
    from fastwarc.warc import WarcRecord, WarcRecordType

    warc = tmp_path / "crawl.warc"
    with open(warc, "wb") as handle:
        for number in range(2):
            record = WarcRecord()
            record.init_headers(WarcRecordType.response)
            record.headers["WARC-Record-ID"] = f"<urn:uuid:00000000-0000-0000-0000-00000000000{number}>"
            record.headers["WARC-Target-URI"] = f"https://courier.example/{number}"
            record.headers["Content-Type"] = "application/http; msgtype=response"
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
            record.set_bytes_content(http + ARTICLE.read_bytes())
            record.write(handle)
    records = read_jsonl(spark, [str(MIXED)]).unionByName(read_warc(spark, [str(warc)]))
    out = tmp_path / "clean.parquet"
    clean_records(records).write.parquet(str(out))

    rows = {r["id"]: r for r in spark.read.parquet(str(out)).collect()}
    jsonl_records = sum(1 for line in MIXED.read_bytes().splitlines() if line.strip())
    assert len(rows) == jsonl_records + 2
    assert rows["html-1"]["error"] is None and "tidal mill" in rows["html-1"]["text"]
    assert json.loads(rows["html-1"]["fields"]) == {"lang": "en"}
    assert rows["text-1"]["text"]
    assert rows["mixed.jsonl:3"]["error"]["kind"] == "json"
    assert rows["wrong-type"]["error"]["kind"] == "field-type"
    warc_row = rows["<urn:uuid:00000000-0000-0000-0000-000000000001>"]
    assert warc_row["url"] == "https://courier.example/1" and "tidal mill" in warc_row["text"]


WCXB_PAGE = FIXTURES.parents[1] / "shared" / "data" / "wcxb" / "dev" / "html" / "0009.html.gz"


@pytest.mark.skipif(not WCXB_PAGE.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_the_column_carries_the_blocks_the_learned_scorer_restored(spark):
    import gzip

    html = gzip.decompress(WCXB_PAGE.read_bytes()).decode("utf-8")  # a tune page: a crumb kept
    out = clean_column(spark.createDataFrame([(html,)], "page string"), "page").collect()[0]["clean"]
    expected = clean.clean_html(html).to_dict(with_diff=False)["restored"]
    assert expected and [r.asDict(recursive=True) for r in out["restored"]] == expected


MOJIBAKE_PAGE = WCXB_PAGE.with_name("0273.html.gz")  # a tune page with "we\x92re" in its text


@pytest.mark.skipif(not MOJIBAKE_PAGE.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_the_column_carries_the_repairs_of_the_front_end(spark):
    import gzip

    html = gzip.decompress(MOJIBAKE_PAGE.read_bytes()).decode("utf-8")
    out = clean_column(spark.createDataFrame([(html,)], "page string"), "page").collect()[0]["clean"]
    expected = clean.clean_html(html).to_dict(with_diff=False)["repaired"]
    assert expected and [r.asDict(recursive=True) for r in out["repaired"]] == expected
