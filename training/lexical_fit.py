"""Fit the block model's word-level models (clean/learned/lexical.py) on labelled tune pages.

Two logistic regressions (scikit-learn, training only): one over a block's text
words, one over the class/id words of its element and nearest ancestors. A
word is a feature only when it occurs on pages of at least `min_domains`
different sites (domain = the URL's host without "www."), so no page's or
site's own strings are shipped; the shipped lists keep the `max_words`
heaviest weights of each model.

`out_of_fold_models` gives, per tree fold, a lexical model fitted without any
page of a domain that occurs in that fold: the trees learn from scores the
lexical model gives to sites it never saw, as on new pages.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from clean.heuristics.site_template import host_of
from clean.learned.lexical import LexicalModel, LinearWords, path_words, text_tokens
from training.corpus import LabelledPage

CONTENT = 0.5
MIN_DOMAINS = 3
MAX_WORDS = 20_000
WEIGHT_DIGITS = 3


def domain(item: LabelledPage) -> str:
    return host_of(item.page.url) or f"page-{item.page.id}"


def page_word_lists(item: LabelledPage, levels: int) -> tuple[list[list[str]], list[list[str]]]:
    """Per block: its text tokens, and its class/id words (element + `levels - 1` ancestors), with repeats."""
    memo: dict[str, list[str]] = {}
    classes = []
    for block in item.doc.blocks:
        path = block.path or ""
        if path not in memo:
            memo[path] = path_words(path, levels)
        classes.append(memo[path])
    return [text_tokens(b.text) for b in item.doc.blocks], classes


def block_weights(item: LabelledPage) -> np.ndarray:
    """Each page weighs 1: half by its blocks' token shares, half spread evenly over its blocks,
    so short blocks (where words matter most) are not drowned by long paragraphs."""
    sizes = np.asarray(item.sizes, dtype=np.float64)
    has = sizes > 0
    if not has.any():
        return np.zeros(len(sizes))
    return np.where(has, 0.5 * sizes / sizes.sum() + 0.5 / has.sum(), 0.0)


class WordData:
    """Every tune block's word sets, label, weight and page number, computed once."""

    def __init__(self, pages: list[LabelledPage], levels: int) -> None:
        self.levels = levels
        self.domains = [domain(item) for item in pages]
        self.text: list[list[list[str]]] = []
        self.classes: list[list[list[str]]] = []
        for item in pages:
            texts, classes = page_word_lists(item, levels)
            self.text.append(texts)
            self.classes.append(classes)
        self.labels = [(np.asarray(item.labels) >= CONTENT).astype(int) for item in pages]
        self.weights = [block_weights(item) for item in pages]


def _vocabulary(word_sets: list[list], domains: list[str], pages: list[int], min_domains: int) -> list[str]:
    seen: dict[str, set[str]] = defaultdict(set)
    for number in pages:
        page_words: set[str] = set()
        for words in word_sets[number]:
            page_words.update(words)
        for word in page_words:
            seen[word].add(domains[number])
    return sorted(w for w, sites in seen.items() if len(sites) >= min_domains)


def _design(word_sets: list[list], pages: list[int], index: dict[str, int], normalise: bool, data: WordData):
    from scipy.sparse import csr_matrix

    rows, cols, values, y, w = [], [], [], [], []
    row = 0
    for number in pages:
        weights, labels = data.weights[number], data.labels[number]
        for block, words in enumerate(word_sets[number]):
            if weights[block] <= 0:
                continue
            # Repeated (row, column) pairs add up in the sparse matrix: word counts.
            value = 1.0 / math.sqrt(len(words)) if normalise and words else 1.0
            for word in words:
                column = index.get(word)
                if column is not None:
                    rows.append(row)
                    cols.append(column)
                    values.append(value)
            y.append(labels[block])
            w.append(weights[block])
            row += 1
    X = csr_matrix((values, (rows, cols)), shape=(row, len(index)), dtype=np.float64)
    w_array = np.asarray(w)
    return X, np.asarray(y), w_array * (len(w_array) / w_array.sum())


def _fit_linear(
    word_sets, data: WordData, pages: list[int], normalise: bool, c: float, min_domains: int, max_words: int
) -> LinearWords:
    from sklearn.linear_model import LogisticRegression

    words = _vocabulary(word_sets, data.domains, pages, min_domains)
    index = {w: i for i, w in enumerate(words)}
    X, y, w = _design(word_sets, pages, index, normalise, data)
    model = LogisticRegression(C=c, solver="liblinear", max_iter=200)
    model.fit(X, y, sample_weight=w)
    coef = model.coef_[0]
    keep = np.argsort(-np.abs(coef))[:max_words]
    weights = {words[i]: round(float(coef[i]), WEIGHT_DIGITS) for i in sorted(keep.tolist())}
    weights = {k: v for k, v in weights.items() if v != 0.0}
    return LinearWords(weights, round(float(model.intercept_[0]), WEIGHT_DIGITS), normalise)


def fit_lexical(
    data: WordData,
    pages: list[int],
    *,
    c_text: float = 1.0,
    c_classes: float = 1.0,
    min_domains: int = MIN_DOMAINS,
    max_words: int = MAX_WORDS,
) -> LexicalModel:
    """The lexical model fitted on the given page numbers."""
    text = _fit_linear(data.text, data, pages, True, c_text, min_domains, max_words)
    classes = _fit_linear(data.classes, data, pages, False, c_classes, min_domains, max_words)
    return LexicalModel(text, classes, data.levels)


def out_of_fold_models(
    data: WordData, fold_of_page: np.ndarray, folds: int, **fit_options
) -> list[LexicalModel]:
    """Per fold k: fitted on the pages of every domain that has no page in fold k."""
    models = []
    for fold in range(folds):
        held = {data.domains[n] for n in np.flatnonzero(fold_of_page == fold).tolist()}
        train = [n for n, d in enumerate(data.domains) if d not in held]
        models.append(fit_lexical(data, train, **fit_options))
    return models
