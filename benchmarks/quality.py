"""HTML quality benchmark: clean and its peers on the WCXB dev split.

    python -m benchmarks.quality [--systems clean,trafilatura] [--jobs 2] [--limit N]

Each system turns a page's HTML into text; the text is scored against the
gold main content (token P/R/F1, snippet rates; see benchmarks/wcxb.py) and
reported for all pages, the tune part and the held-out part (ids divisible
by 5).
"""

from __future__ import annotations

import argparse

from benchmarks import wcxb
from benchmarks.wcxb import Page


def run_clean(html: str, page: Page) -> str:
    import clean

    return clean.clean_html(html, page.url).text


def run_trafilatura(html: str, page: Page) -> str:
    import trafilatura

    return trafilatura.extract(html, url=page.url) or ""


def run_trafilatura_precision(html: str, page: Page) -> str:
    import trafilatura

    return trafilatura.extract(html, url=page.url, favor_precision=True) or ""


def run_resiliparse(html: str, page: Page) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=True)


def run_readability(html: str, page: Page) -> str:
    import html_text
    from readability import Document

    # summary() is the article as HTML; html_text renders it like a browser would.
    return html_text.extract_text(Document(html).summary())


def run_justext(html: str, page: Page) -> str:
    import justext

    # Bytes plus an explicit encoding: lxml refuses str input that still
    # carries an XML encoding declaration.
    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"), encoding="utf-8")
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


EXTRACTORS: dict[str, wcxb.Extractor] = {
    "clean": run_clean,
    "trafilatura": run_trafilatura,
    "trafilatura_precision": run_trafilatura_precision,
    "resiliparse": run_resiliparse,
    "readability": run_readability,
    "justext": run_justext,
}


def cache_keys() -> dict[str, str]:
    """Peers' outputs depend only on their versions and options."""
    v = wcxb.package_version
    return {
        "trafilatura": f"trafilatura {v('trafilatura')} extract(url=url)",
        "trafilatura_precision": f"trafilatura {v('trafilatura')} extract(url=url, favor_precision)",
        "resiliparse": f"resiliparse {v('resiliparse')} main_content=True",
        "readability": f"readability-lxml {v('readability-lxml')} html-text {v('html-text')}",
        "justext": f"justext {v('justext')} English stoplist, bytes utf-8",
    }


def versions() -> dict[str, str]:
    names = ["trafilatura", "resiliparse", "readability-lxml", "justext", "html-text", "lxml"]
    return {name: wcxb.package_version(name) for name in names}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", help=f"comma-separated, from {','.join(EXTRACTORS)}")
    wcxb.add_common_args(parser, wcxb.RESULTS_DIR / "quality.json")
    args = parser.parse_args(argv)
    systems = wcxb.choose_systems(args.systems, list(EXTRACTORS))
    suite = wcxb.Suite(name="quality", extractors=EXTRACTORS, cache_keys=cache_keys())
    wcxb.run_and_report(suite, args, systems, meta={"benchmark": "quality", "versions": versions()})


if __name__ == "__main__":
    main()
