"""Command line: `clean PATH...` for files, and `clean batch ...` for collections.

    clean page.html                       clean text to stdout
    clean --format json page.html         Result.to_dict() as JSON
    clean --format diff notes.txt         what was removed, hunk by hunk, with rules
    clean --out out/ fixtures/            one .txt and one .json per input + summary.json
    clean --out out/ --report pages/      ... and a visual report, out/report/index.html
    cat page.html | clean -               stdin

One bad input never stops the others: it is reported on stderr and the exit
status is 1 at the end. Usage errors exit with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from clean.errors import CleanError, UndecodableError
from clean.options import Options

INPUT_SUFFIXES = {".html", ".htm", ".xhtml", ".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
# Bytes that mark a document as HTML when the file name does not say.
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<div", b"<p>", b"<meta", b"<article")


@dataclass(frozen=True, slots=True)
class Input:
    """One document to clean: where it came from and the name its outputs get."""

    label: str
    path: Path | None  # None for stdin
    name: str  # relative output name, without suffix


def detect_kind(data: bytes, name: str) -> str:
    suffix = Path(name.removesuffix(".gz")).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in INPUT_SUFFIXES:
        return "text"
    head = data[:4096].lstrip().lower()
    return "html" if any(marker in head for marker in HTML_MARKERS) else "text"


def read_input(item: Input) -> bytes:
    data = sys.stdin.buffer.read() if item.path is None else item.path.read_bytes()
    if item.label.endswith(".gz"):
        from clean.limits import decompress  # bounded: a gzip bomb is an InputError, not gigabytes of RAM

        data = decompress(data, Options(), what=item.label)
    return data


def expand(paths: list[str]) -> Iterator[Input | str]:
    """Inputs in order; a string is an error message for a path that cannot be read."""
    for raw in paths:
        if raw == "-":
            yield Input("<stdin>", None, "stdin")
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and Path(p.name.removesuffix(".gz")).suffix.lower() in INPUT_SUFFIXES
            )  # fmt: skip
            if not found:
                yield f"{raw}: directory holds no .html/.htm/.txt files"
            for p in found:
                rel = p.relative_to(path)
                yield Input(str(p), p, str(rel.parent / rel.name.removesuffix(".gz").rsplit(".", 1)[0]))
        elif path.is_file():
            yield Input(raw, path, path.name.removesuffix(".gz").rsplit(".", 1)[0])
        elif path.exists():
            yield f"{raw}: not a regular file"
        else:
            yield f"{raw}: no such file or directory"


def parse_option_values(pairs: list[str]) -> dict:
    """--option name=value, typed like the Options field it sets (number or word)."""
    types = {f.name: f.type for f in fields(Options)}
    values: dict = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in types or name == "disable":
            raise SystemExit(f"clean: error: --option expects NAME=VALUE with NAME one of: "
                             f"{', '.join(sorted(n for n in types if n != 'disable'))}")
        kind = types[name]
        if str(kind) == "str":  # a mode, e.g. learned_scorer=decide
            values[name] = value.strip()
            continue
        try:
            values[name] = float(value) if "float" in str(kind) else int(value)
        except ValueError:
            raise SystemExit(f"clean: error: --option {name} expects a number, got {value!r}") from None
    return values


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clean",
        description="Strip boilerplate from web pages and page text, and show what was removed. "
        "For collections (directories, JSONL, WARC) see `clean batch --help`.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files, directories, or - for stdin")
    parser.add_argument("--format", choices=["text", "json", "diff", "html"], default="text",
                        help="what to print for each input (default: text)")
    parser.add_argument("--kind", choices=["auto", "html", "text"], default="auto",
                        help="input kind; auto decides from the extension, then the content")
    parser.add_argument("--url", help="the page's URL (HTML inputs)")
    parser.add_argument("--out", metavar="DIR", type=Path,
                        help="write NAME.txt and NAME.json per input and summary.json to DIR")
    parser.add_argument("--report", action="store_true",
                        help="with --out: also write a visual HTML report, DIR/report/index.html")
    parser.add_argument("--disable", action="append", default=[], metavar="NAME",
                        help="switch off a stage or rule by name (repeatable)")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="set a threshold, e.g. headline_min_run=3 (repeatable)")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                        help="colour the diff (auto: when writing to a terminal)")
    parser.add_argument("--list-rules", action="store_true", help="list the stages and rules, then exit")
    return parser


def clean_one(data: bytes, kind: str, url: str | None, options: Options):
    import clean

    if kind == "html":
        return clean.clean_html(data, url=url, options=options)
    from clean.batch.sources import decode_text  # the batch runner's decoder: one rule for both

    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        raise UndecodableError("text input is not decodable as any known encoding") from None
    return clean.clean_text(text, options=options)


def render(result, fmt: str, colour: bool, label: str) -> str:
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "diff":
        diff = result.diff()
        if colour:
            from clean.report.terminal import colour_diff

            diff = colour_diff(diff)
        return diff
    if fmt == "html":
        from clean.report.html import render_document

        return render_document(result, title=label)
    return result.text + "\n"


def list_rules() -> str:
    from clean import pipeline

    lines = []
    for title, stages in (("text", pipeline.TEXT_STAGES), ("html", pipeline.html_stages())):
        lines.append(f"{title} pipeline:")
        lines += [f"  {stage.name:<16} {stage.summary}" for stage in stages]
    from clean.rules.cues import cue_rules

    lines.append("cue rules (clean/rules/data/cues.toml):")
    lines += [f"  {rule.name:<22} {rule.reason}" for rule in cue_rules()]
    return "\n".join(lines) + "\n"


def write_outputs(out: Path, item: Input, result, fmt: str) -> None:
    # Names are joined, not given with_suffix(): "a.b" must not lose its ".b".
    stem = out / item.name
    stem.parent.mkdir(parents=True, exist_ok=True)
    Path(f"{stem}.txt").write_text(result.text + "\n", encoding="utf-8")
    report = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    Path(f"{stem}.json").write_text(report, encoding="utf-8")
    if fmt == "html":
        Path(f"{stem}.report.html").write_text(render(result, "html", False, item.label), "utf-8")


def summary_table(summary: dict) -> str:
    lines = [
        f"documents: {summary['documents']}  failed: {summary['failed']}",
        f"characters in: {summary['chars_in']}  out: {summary['chars_out']}",
        "removals per rule:",
    ]
    lines += [f"  {rule:<24} {count}" for rule, count in summary["removals_per_rule"].items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "batch":
        from clean.batch.cli import main as batch_main

        return batch_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.list_rules:
        sys.stdout.write(list_rules())
        return 0
    if not args.paths:
        build_parser().error("give at least one PATH (or - for stdin)")
    try:
        options = Options.from_kwargs(disable=args.disable, **parse_option_values(args.option))
    except TypeError as error:
        build_parser().error(str(error))
    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())

    failed = 0
    rules: Counter[str] = Counter()
    chars_in = chars_out = documents = 0
    items = list(expand(args.paths))
    # (name, result, label) for the visual report, and (name, message) for its error list.
    report_entries: list[tuple] = []
    report_errors: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, str):
            print(f"clean: error: {item}", file=sys.stderr)
            report_errors.append((item.split(":", 1)[0], item))
            failed += 1
            continue
        try:
            data = read_input(item)
            kind = args.kind if args.kind != "auto" else detect_kind(data, item.label)
            result = clean_one(data, kind, args.url, options)
        except (OSError, EOFError, CleanError, ValueError) as error:
            print(f"clean: error: {item.label}: {error}", file=sys.stderr)
            report_errors.append((item.name, f"{item.label}: {error}"))
            failed += 1
            continue
        documents += 1
        chars_in += len(result.input_text())
        chars_out += len(result.text)
        rules.update(r.rule for r in result.removed)
        if args.out:
            write_outputs(args.out, item, result, args.format)
            if args.report:
                report_entries.append((item.name, result, item.label))
            continue
        if len(items) > 1 and args.format in ("text", "diff"):
            sys.stdout.write(f"==> {item.label} <==\n")
        sys.stdout.write(render(result, args.format, colour, item.label))

    if args.out:
        summary = {
            "documents": documents,
            "failed": failed,
            "chars_in": chars_in,
            "chars_out": chars_out,
            "removals_per_rule": dict(rules.most_common()),
        }
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        sys.stdout.write(summary_table(summary))
        if args.report:
            from clean.report.html import write_batch

            index = write_batch(args.out / "report", report_entries, report_errors)
            sys.stdout.write(f"report: {index}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
