"""Real pages parsed by the HTML front end, for tests that compare a shortcut with the plain way.

The fixtures' pages, and when ../shared is beside the repo a few WCXB tune pages (ids not
divisible by 5): a thread, listings, documentation with code.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from clean.frontends.html import parse_document
from clean.model import Document
from clean.options import Options

ROOT = Path(__file__).resolve().parent.parent
WCXB = ROOT.parent / "shared" / "data" / "wcxb" / "dev"
FIXTURES = ("blog_comments", "in_article_list", "news_article", "section_headings")
TUNE_PAGES = ("0001", "0002", "0003", "0004", "0006", "0666", "0667")


def parsed_pages(fixtures: tuple[str, ...] = FIXTURES) -> list[Document]:
    """The fixture pages named, then the WCXB tune pages if the data is there."""
    docs = [
        parse_document((ROOT / "fixtures" / "html" / f"{name}.html").read_bytes(), None, Options())
        for name in fixtures
    ]
    if WCXB.exists():
        for page in TUNE_PAGES:
            html = gzip.decompress((WCXB / "html" / f"{page}.html.gz").read_bytes())
            docs.append(parse_document(html, None, Options()))
    return docs
