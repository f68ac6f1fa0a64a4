"""Spark: clean a DataFrame column of HTML or text, and a JSONL/WARC -> Parquet command.

    from clean.integrations.spark import clean_column
    df = clean_column(df, "html", url_column="url")          # adds a struct column "clean"
    df.select("url", "clean.text", "clean.removed", "clean.error")

The column becomes a struct of text, removed (array of removal structs:
text, stage, rule, reason, block, start, end), metadata (map of strings) and
error (kind, message; null when the record was cleaned). A page that fails is
an error value in its row, never a failed Spark task. The cleaning runs in a
pandas UDF, so rows travel to Python in Arrow batches.

Command (local mode by default; see docs/batch.md for a cluster):

    python -m clean.integrations.spark pages.jsonl crawl.warc.gz -o cleaned.parquet

Requires the `spark` extra (pyspark, pandas, pyarrow) and Java 17+.
Site templates are a `clean batch` feature; they are not learned here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from clean.batch.records import InputRecord
from clean.batch.sources import FieldNames, iter_warc, jsonl_record, looks_like_html
from clean.options import Options

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql.types import StructType

REMOVAL_FIELDS = ("text", "stage", "rule", "reason", "block", "start", "end")
RESULT_FIELDS = ("text", "removed", "restored", "repaired", "metadata", "error")
OVERRIDE_FIELDS = ("stage", "rule", "reason")  # and "undone", the removal it undid


def result_type() -> StructType:
    """The struct that clean_column adds."""
    from pyspark.sql.types import (
        ArrayType,
        IntegerType,
        MapType,
        StringType,
        StructField,
        StructType,
    )

    removal = StructType(
        [StructField(name, StringType()) for name in REMOVAL_FIELDS[:4]]
        + [StructField(name, IntegerType()) for name in REMOVAL_FIELDS[4:]]
    )
    override = StructType(
        [StructField("undone", removal)] + [StructField(name, StringType()) for name in OVERRIDE_FIELDS]
    )
    repair = StructType(
        [StructField("block", IntegerType())]
        + [StructField(name, StringType()) for name in ("before", "after")]
        + [StructField("steps", ArrayType(StringType()))]
    )
    error = StructType([StructField("kind", StringType()), StructField("message", StringType())])
    return StructType(
        [
            StructField("text", StringType()),
            StructField("removed", ArrayType(removal)),
            StructField("restored", ArrayType(override)),
            StructField("repaired", ArrayType(repair)),
            StructField("metadata", MapType(StringType(), StringType())),
            StructField("error", error),
        ]
    )


def clean_value(
    content: str | bytes | None,
    url: str | None,
    kind: str | None,
    error: str | None,
    options: Options,
) -> dict[str, Any]:
    """One row's result as a plain dict (what the UDF returns per row)."""
    from clean.batch.worker import clean_to_result

    if kind not in ("html", "text"):
        kind = "html" if content is not None and looks_like_html(content) else "text"
    record = InputRecord(id="", kind=kind, content=content, url=url)  # type: ignore[arg-type]
    if error:
        record.error = tuple(json.loads(error))  # type: ignore[assignment]
    elif content is None:
        record.error = ("missing-field", "the content column is null")
    elif kind == "text" and isinstance(content, bytes | bytearray):
        try:  # record rows carry content as bytes (HTML keeps its charset that way)
            record.content = bytes(content).decode("utf-8")
        except UnicodeDecodeError:
            record.error = ("decode", "the text is not valid UTF-8")
    result, failure = clean_to_result(record, options)
    if failure is not None:
        error_value = {"kind": failure[0], "message": failure[1]}
        empty: dict[str, Any] = {"text": None, "removed": [], "restored": [], "repaired": [], "metadata": {}}
        return empty | {"error": error_value}
    return {
        "text": result.text,
        **result.records(),
        "metadata": {str(k): str(v) for k, v in result.metadata.items() if v is not None},
        "error": None,
    }


def clean_column(
    df: DataFrame,
    column: str,
    *,
    url_column: str | None = None,
    kind: str = "auto",
    kind_column: str | None = None,
    error_column: str | None = None,
    options: Options | None = None,
    output_column: str = "clean",
) -> DataFrame:
    """Add `output_column`: the cleaning of `column` (HTML or text; "auto" decides per row)."""
    from pyspark.sql import functions as F

    options = options or Options()

    def optional(name: str | None, default: Any = None) -> Column:
        return F.col(name) if name else F.lit(default).cast("string")

    udf = _cleaning_udf(options)
    kinds = F.col(kind_column) if kind_column else F.lit(kind)
    return df.withColumn(
        output_column, udf(F.col(column), optional(url_column), kinds, optional(error_column))
    )


def _cleaning_udf(options: Options):
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    def clean_pages(content, url, kind, error):
        rows = [
            clean_value(c, _none(u), _none(k), _none(e), options)
            for c, u, k, e in zip(content, url, kind, error, strict=True)
        ]
        return pd.DataFrame(rows, columns=list(RESULT_FIELDS))

    # Spark reads the UDF's kind from its type hints; they are set here as
    # objects because this module's annotations are strings (PEP 563).
    clean_pages.__annotations__ = {
        "content": pd.Series, "url": pd.Series, "kind": pd.Series, "error": pd.Series, "return": pd.DataFrame
    }
    return pandas_udf(clean_pages, result_type())  # type: ignore[call-overload]


def _none(value: Any) -> Any:
    """pandas gives NaN or None for nulls; the pipeline wants None."""
    return None if value is None or (isinstance(value, float) and value != value) else value


# --- reading inputs into Spark ----------------------------------------------------------

RECORD_COLUMNS = ("id", "url", "kind", "content", "error", "fields")


def record_row(record: InputRecord) -> tuple:
    content = record.content.encode("utf-8") if isinstance(record.content, str) else record.content
    error = json.dumps(list(record.error)) if record.error else None
    extra = {**record.metadata, **record.passthrough}
    fields = json.dumps(extra, default=str) if extra else None
    return (record.id, record.url, record.kind, content, error, fields)


def records_schema() -> StructType:
    from pyspark.sql.types import BinaryType, StringType, StructField, StructType

    return StructType(
        [StructField(name, BinaryType() if name == "content" else StringType()) for name in RECORD_COLUMNS]
    )


def read_jsonl(spark: SparkSession, paths: list[str], fields: FieldNames | None = None) -> DataFrame:
    """JSONL lines as record rows, parsed like `clean batch` parses them; files split across tasks.

    Lines are read as bytes (a line that is not UTF-8 becomes a "decode" error
    row, not a failed job), and a record without an id gets FILE:LINE.
    """
    names = fields or FieldNames()
    context = spark.sparkContext
    per_file = []
    for path in paths:
        source = path.rstrip("/").rsplit("/", 1)[-1]
        lines = context.textFile(path, use_unicode=False).zipWithIndex()
        def parse(pair: tuple[bytes, int], source: str = source) -> tuple:
            return record_row(jsonl_record(pair[0], f"{source}:{pair[1] + 1}", names))

        per_file.append(lines.filter(lambda pair: pair[0].strip() != b"").map(parse))
    return spark.createDataFrame(context.union(per_file), records_schema())


def read_warc(spark: SparkSession, paths: list[str]) -> DataFrame:
    """HTML response records of WARC files (one task per file), as record rows."""
    from clean.batch.sources import SourceStats

    def records(path: str) -> Iterator[tuple]:
        for record in iter_warc(path, SourceStats()):
            yield record_row(record)

    rdd = spark.sparkContext.parallelize(paths, max(1, len(paths))).flatMap(records)
    return spark.createDataFrame(rdd, records_schema())


def clean_records(df: DataFrame, options: Options | None = None) -> DataFrame:
    """Record rows -> the `clean batch` output columns (id, url, text, removed, metadata, error, fields)."""
    cleaned = clean_column(df, "content", url_column="url", kind_column="kind", error_column="error",
                           options=options)
    columns = ("clean.text", "clean.removed", "clean.metadata", "clean.error")
    return cleaned.select("id", "url", *columns, "fields")


def read_inputs(spark: SparkSession, inputs: list[str], fields: FieldNames) -> DataFrame:
    from clean.batch.sources import InputSpecError, format_by_name

    def kind(path: str) -> str:
        try:
            return format_by_name(path)
        except InputSpecError:
            return "unknown"

    jsonl = [p for p in inputs if kind(p) == "jsonl"]
    warc = [p for p in inputs if kind(p) == "warc"]
    other = sorted(set(inputs) - set(jsonl) - set(warc))
    if other:
        raise SystemExit(f"clean spark: only JSONL and WARC inputs here, not: {', '.join(other)}")
    frames = [read_jsonl(spark, jsonl, fields)] if jsonl else []
    frames += [read_warc(spark, warc)] if warc else []
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clean.integrations.spark",
        description="Clean JSONL and WARC inputs with Spark and write Parquet.",
    )
    parser.add_argument("inputs", nargs="+", help="JSONL (.gz) and WARC (.gz) files (local or cluster paths)")
    parser.add_argument("-o", "--output", required=True, help="output Parquet directory")
    parser.add_argument("--master", default=None,
                        help="Spark master (default: local[*], or what spark-submit set)")
    parser.add_argument("--html-field", default="html")
    parser.add_argument("--text-field", default="text")
    parser.add_argument("--url-field", default="url")
    parser.add_argument("--id-field", default="id")
    parser.add_argument("--partitions", type=int, default=None, help="repartition records before cleaning")
    parser.add_argument("--mode", default="errorifexists", choices=["errorifexists", "overwrite"])
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("clean")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        fields = FieldNames(args.html_field, args.text_field, args.url_field, args.id_field)
        records = read_inputs(spark, args.inputs, fields)
        if args.partitions:
            records = records.repartition(args.partitions)
        clean_records(records).write.mode(args.mode).parquet(args.output)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
