"""The text-mode training corpus: every WCXB page's text, run through the rule stages, labelled.

    python -m training.text_corpus --jobs 2 --out /tmp/text-corpus.pkl

Per page: the shape features of clean/textmodel/features.py (after the text
stages that run before the line model; the lexical columns are added in
training, from out-of-fold lexicons), each line's text, each line's label (share of its
tokens the gold holds, training/labels.py), each line's kept tokens (to
score decodings exactly as the benchmark does), and the rule stage that
removed it, if any. Inputs are the text benchmark's own inputs
(html_text.extract_text(html, guess_layout=True), cached by
benchmarks/textmode.py). Held-out pages are stored too, flagged, for
checking only.
"""

from __future__ import annotations

import argparse
import pickle
from collections import Counter
from dataclasses import dataclass
from multiprocessing import Pool

import numpy as np

from benchmarks import textmode, wcxb
from clean.frontends.text import segment_text
from clean.heuristics.site_template import host_of
from clean.options import Options
from clean.pipeline import TEXT_STAGES, run_stages
from clean.textmodel.features import shape_matrix
from clean.textmodel.stage import STAGE_NAME
from training.labels import block_labels, tokens


@dataclass
class TextPage:
    id: str
    page_type: str
    heldout: bool
    gold: Counter
    matrix: np.ndarray
    labels: np.ndarray
    kept_tokens: list[list[str]]  # per line, the tokens a kept line contributes
    rule_stage: list[str | None]  # the stage that removed the line before the model, if any
    texts: list[str]  # each line's text, for the lexical model (training/text_lexicon.py)
    domain: str  # URL netloc without "www." (the page id when there is no URL): folds group by it
    # Each line's number in the input text (a gap is a blank line); None: no blank lines between them.
    line_numbers: np.ndarray | None = None


def stages_before_model() -> tuple:
    names = [s.name for s in TEXT_STAGES]
    end = names.index(STAGE_NAME) if STAGE_NAME in names else names.index("site-template")
    return TEXT_STAGES[:end]


def build(item: tuple[wcxb.Page, str]) -> TextPage:
    page, text = item
    options = Options()
    doc = run_stages(segment_text(text), stages_before_model(), options)
    labels, _ = block_labels([b.text for b in doc.blocks], page.gold)
    return TextPage(
        id=page.id,
        page_type=page.page_type,
        heldout=page.heldout,
        gold=Counter(tokens(page.gold)),
        matrix=shape_matrix(doc, options).astype(np.float32),  # the lexical columns come in training
        labels=np.asarray(labels, dtype=np.float32),
        kept_tokens=[tokens(b.kept_text()) if b.removal is None else tokens(b.text) for b in doc.blocks],
        rule_stage=[None if b.removal is None else b.removal.stage for b in doc.blocks],
        texts=[b.text for b in doc.blocks],
        domain=page_domain(page),
        line_numbers=np.array([b.lines[0] if b.lines else b.index for b in doc.blocks], dtype=np.int32),
    )


def page_domain(page: wcxb.Page) -> str:
    return host_of(page.url) or page.id


def inputs(pages: list[wcxb.Page]) -> list[tuple[wcxb.Page, str]]:
    key = f"html-text {wcxb.package_version('html-text')} guess_layout=True"
    cache = wcxb.OutputCache(wcxb.CACHE_DIR / "textmode" / "input.json.gz", key)
    items = []
    for page in pages:
        text = cache.get(page.id, page.digest())
        items.append((page, text if text is not None else textmode.page_to_text(page)))
    return items


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--out", default="/tmp/text-corpus.pkl")
    args = parser.parse_args(argv)
    pages = wcxb.load_pages(limit=args.limit)
    items = inputs(pages)
    # Built through the imported module, so the pickle names training.text_corpus.TextPage
    # (not __main__.TextPage) and loads from any script.
    from training import text_corpus

    with Pool(args.jobs) as pool:
        corpus = pool.map(text_corpus.build, items, chunksize=8)
    with open(args.out, "wb") as f:
        pickle.dump(corpus, f, protocol=pickle.HIGHEST_PROTOCOL)
    lines = sum(len(p.labels) for p in corpus)
    print(f"{len(corpus)} pages, {lines} lines -> {args.out}")


if __name__ == "__main__":
    main()
