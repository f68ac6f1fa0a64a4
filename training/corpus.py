"""WCXB pages parsed by clean's HTML front end, with block labels; cached between runs.

Parsing 1,500 pages takes a minute or two; the cache (a pickle per part in
--cache DIR) makes feature and model experiments quick. The cache is keyed by
a hash of the front end's source files and of labels.py, so a change to the
segmenter or the labelling re-parses.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
import zlib
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

from benchmarks.wcxb import Page, load_pages
from clean.heuristics.site_template import host_of
from clean.model import Document
from training.labels import block_labels

REPO = Path(__file__).resolve().parents[1]


@dataclass
class LabelledPage:
    page: Page
    doc: Document  # source dropped to keep the cache small
    labels: list[float]
    sizes: list[int]  # tokens per block


def _parse(page: Page) -> LabelledPage | None:
    from clean.frontends.html import parse_document
    from clean.options import Options

    try:
        doc = parse_document(page.read_html(), page.url, Options())
    except Exception as exc:  # a page the front end refuses is left out of training
        print(f"  page {page.id}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None
    doc.source = ""
    labels, sizes = block_labels([b.text for b in doc.blocks], page.gold)
    return LabelledPage(page, doc, labels, sizes)


FOLD_BY = ("page", "site")


def fold_of(page: Page, folds: int, by: str = "site") -> int:
    """A tune page's fold, from the page alone, so the evaluation scripts can find it again.

    "site": a stable hash of the URL's host (without "www."), so no site has pages in two
    folds and a fold model scores sites it never saw, as on held-out pages (252 of 305 are
    from sites absent from tune). "page": the page id (how the fold models were split before
    2026-12-02; sites shared between folds flattered the out-of-fold figures).
    """
    if by == "page":
        return int(page.id) % folds
    if by != "site":
        raise ValueError(f"fold_by must be one of {', '.join(FOLD_BY)}, not {by!r}")
    return zlib.crc32((host_of(page.url) or f"page-{page.id}").encode()) % folds


def fold_models(fold_dir: Path) -> list[tuple[Path, str]]:
    """(file, how its folds were split) per fold model in `fold_dir`, by fold number."""
    import json

    found = []
    for path in sorted(fold_dir.glob("fold*.json")):
        info = json.loads(path.read_text(encoding="utf-8")).get("info", {})
        found.append((path, info.get("fold_by", "page")))
    return found


def with_source(item: LabelledPage, compute):
    """compute(item.doc) with the page's HTML back in doc.source (the cache drops it;
    the page-level features read the markup's declarations from it)."""
    item.doc.source = item.page.read_html()
    try:
        return compute(item.doc)
    finally:
        item.doc.source = ""


def _source_key() -> str:
    digest = hashlib.blake2b(digest_size=8)
    sources = sorted((REPO / "clean" / "frontends" / "html").glob("*.py")) + [
        REPO / "clean" / "vocabulary.py",
        REPO / "training" / "labels.py",
    ]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def labelled_pages(
    part: str, jobs: int = 1, cache: Path | None = None, limit: int | None = None
) -> list[LabelledPage]:
    """Every page of `part` ("tune", "heldout", "all"), parsed and labelled, sorted by id."""
    key = _source_key()
    cache_file = cache / f"{part}-{limit or 'all'}-{key}.pickle" if cache else None
    if cache_file is not None and cache_file.exists():
        with cache_file.open("rb") as handle:
            return pickle.load(handle)
    pages = load_pages(part=part, limit=limit)
    started = time.perf_counter()
    if jobs > 1:
        with Pool(jobs, initializer=os.nice, initargs=(5,)) as pool:
            parsed = pool.map(_parse, pages, chunksize=8)
    else:
        parsed = [_parse(page) for page in pages]
    found = [p for p in parsed if p is not None]
    print(f"parsed {len(found)} {part} pages in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with cache_file.open("wb") as handle:
            pickle.dump(found, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return found
