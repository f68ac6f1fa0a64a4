"""`clean batch INPUT... -o OUTPUT`: clean a collection, in parallel, resumably.

The lead's `clean` command dispatches `clean batch ...` here (main(argv)).
"""

from __future__ import annotations

import argparse
import io
import os
import sys

from clean.batch.sources import FieldNames, InputSpecError

EPILOG = """\
inputs:
  DIR                    .html, .htm, .txt and their .gz, recursively; id = relative path
  FILE.jsonl[.gz|.zst]   one JSON object per line (see --html-field and friends)
  FILE.warc[.gz]         HTML response records; id = WARC-Record-ID
  FILE.html / FILE.txt   a single page
  -                      JSONL on standard input

output:
  OUT.jsonl[.gz|.zst]    one line per input record: id, url, text, metadata, removed, error
  OUT (anything else)    a directory with NAME.txt and NAME.json per record
  next to it:            OUT.summary.json, OUT.checkpoint.json, OUT.templates.json

Interrupted (Ctrl-C, crash, kill -9)? Run the same command again: it resumes
where the output's last checkpoint left off, without losing or repeating a record.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clean batch",
        description="Clean a collection of pages (directories, JSONL, WARC) into JSONL or a directory.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="directory, JSONL, WARC, page, or -")
    parser.add_argument("-o", "--output", required=True, metavar="OUTPUT",
                        help="OUT.jsonl, OUT.jsonl.gz, OUT.jsonl.zst, or a directory")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: all cores, %(default)s here)")
    fields = parser.add_argument_group("JSONL fields")
    fields.add_argument("--html-field", default="html", help="field holding HTML (default: html)")
    fields.add_argument("--text-field", default="text", help="field holding plain text (default: text)")
    fields.add_argument("--url-field", default="url", help="field holding the URL (default: url)")
    fields.add_argument("--id-field", default="id", help="field holding the id (default: id; "
                        "records without one get FILE:LINE)")
    cleaning = parser.add_argument_group("cleaning")
    cleaning.add_argument("--no-site-templates", action="store_true",
                          help="skip the first pass that learns blocks repeated across a host's pages")
    cleaning.add_argument("--disable", action="append", default=[], metavar="NAME",
                          help="switch off a stage or rule by name (repeatable)")
    cleaning.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                          help="set a threshold, e.g. site_template_min_pages=5 (repeatable)")
    running = parser.add_argument_group("running")
    running.add_argument("--restart", action="store_true",
                         help="start over, overwriting OUTPUT and its checkpoint")
    running.add_argument("--chunk-size", type=int, default=16, help="records per worker task (default: 16)")
    running.add_argument("--commit-every", type=int, default=1000, metavar="N",
                         help="make the output durable and checkpoint every N records (default: 1000) "
                         "or every 5 seconds, whichever comes first")
    progress = running.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="always show the progress bar")
    progress.add_argument("--quiet", dest="progress", action="store_false",
                          help="no progress bar, notes or summary table (errors still show)")
    return parser


def main(argv: list[str]) -> int:
    from clean.batch.runner import BatchConfig, BatchError, run_batch
    from clean.batch.summary import render_table
    from clean.cli import parse_option_values
    from clean.options import Options

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.jobs < 1 or args.chunk_size < 1 or args.commit_every < 1:
        parser.error("--jobs, --chunk-size and --commit-every must be at least 1")
    try:
        options = Options.from_kwargs(disable=args.disable, **parse_option_values(args.option))
    except TypeError as error:
        parser.error(str(error))
    config = BatchConfig(
        inputs=args.inputs,
        output=args.output,
        fields=FieldNames(args.html_field, args.text_field, args.url_field, args.id_field),
        options=options,
        jobs=args.jobs,
        site_templates=not args.no_site_templates,
        restart=args.restart,
        chunk_size=args.chunk_size,
        commit_every=args.commit_every,
        progress=args.progress,
    )
    try:
        summary = run_batch(config, log=io.StringIO() if args.progress is False else sys.stderr)
    except (InputSpecError, BatchError) as error:
        print(f"clean batch: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("clean batch: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    if args.progress is not False:
        sys.stderr.write(render_table(summary))
    return 0  # failed records are data (error lines, counted in the summary), not a failed run


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
