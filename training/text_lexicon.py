"""The line model's lexicon (clean/textmodel/lexicon.py): fitted on tune pages, scored out of fold.

A lexicon is a logistic regression over a line's distinct words (binary bag
of lowercased `\\w+` words, as the runtime reads them), labels as the trees'
(line label >= 0.5), each line weighing the same (or each page:
`page_weighted`; the two were level, see training/README.md). Its vocabulary is chosen
from the pages it is fitted on only: a word must occur on pages of at least
`min_domains` different sites (URL netloc without "www."), and of those the
`max_words` found on the most sites are kept, so no single page's or site's
strings are learned.

The trees must see lexical scores as they will on new sites, so every score
they train on is out of fold, with folds grouped by site (`domain_folds`):
`out_of_fold_scores` scores each page with a lexicon fitted without its fold.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy import sparse

from clean.textmodel.lexicon import Lexicon
from training.text_corpus import TextPage


@dataclass(frozen=True)
class LexiconSettings:
    min_domains: int = 3
    max_words: int = 20000
    c: float = 1.0  # inverse L2 strength of the logistic regression
    page_weighted: bool = False  # each page weighs the same (else each line does)
    bigrams: bool = False  # pairs of adjacent words too
    edges: float = 0.0  # fit on the lines within this share of either end of the page only (0: all lines)


@dataclass
class WordMatrices:
    """Every page's lines as binary rows over one word index of the whole corpus."""

    words: list[str]
    rows: list[sparse.csr_matrix]  # per page, lines x words

    @classmethod
    def of(cls, pages: list[TextPage], bigrams: bool = False) -> WordMatrices:
        terms = Lexicon(0.0, {}, bigrams).line_terms
        index: dict[str, int] = {}
        per_page = []
        for page in pages:
            indptr, columns = [0], []
            for text in page.texts:
                columns.extend(index.setdefault(word, len(index)) for word in sorted(terms(text)))
                indptr.append(len(columns))
            per_page.append((indptr, columns))
        words = list(index)
        rows = [
            sparse.csr_matrix(
                (np.ones(len(columns), dtype=np.float32), columns, indptr),
                shape=(len(indptr) - 1, len(words)),
            )
            for indptr, columns in per_page
        ]
        return cls(words, rows)


def domain_folds(pages: list[TextPage], folds: int) -> np.ndarray:
    """A fold per page, the same for every page of a site (a stable hash of the domain)."""
    return np.array([zlib.crc32(p.domain.encode()) % folds for p in pages])


def choose_words(pages: list[TextPage], matrices: WordMatrices, chosen: np.ndarray, settings) -> np.ndarray:
    """Column indices of the vocabulary: words on >= min_domains sites, the most widespread first."""
    by_domain: dict[str, set[int]] = {}
    for i in np.flatnonzero(chosen):
        by_domain.setdefault(pages[i].domain, set()).update(np.unique(matrices.rows[i].indices).tolist())
    sites = np.zeros(len(matrices.words), dtype=np.int32)
    for columns in by_domain.values():
        sites[list(columns)] += 1
    eligible = np.flatnonzero(sites >= settings.min_domains)
    # Most widespread first; ties by word, so the choice does not depend on corpus order.
    order = sorted(eligible.tolist(), key=lambda c: (-sites[c], matrices.words[c]))
    return np.array(sorted(order[: settings.max_words]), dtype=np.int64)


def fit_lexicon(
    pages: list[TextPage], matrices: WordMatrices, chosen: np.ndarray, settings: LexiconSettings
) -> Lexicon:
    """A lexicon fitted on the chosen pages only (vocabulary included)."""
    from sklearn.linear_model import LogisticRegression

    columns = choose_words(pages, matrices, chosen, settings)
    picked = np.flatnonzero(chosen)
    x = sparse.vstack([matrices.rows[i] for i in picked]).tocsc()[:, columns].tocsr()
    y = np.concatenate([pages[i].labels >= 0.5 for i in picked])
    if settings.edges:
        at_edge = np.concatenate([_at_edge(len(pages[i].labels), settings.edges) for i in picked])
        x, y = x[at_edge], y[at_edge]
    if settings.page_weighted:
        weight = np.concatenate(
            [np.full(len(pages[i].labels), 1.0 / max(len(pages[i].labels), 1)) for i in picked]
        )
    else:
        weight = np.ones(len(y))
    weight *= len(y) / weight.sum()  # mean weight 1, so C means what it says per line
    model = LogisticRegression(C=settings.c, solver="liblinear", max_iter=200, random_state=0)
    model.fit(x, y, sample_weight=weight)
    weights = {
        matrices.words[c]: float(w) for c, w in zip(columns, model.coef_[0], strict=True) if abs(w) >= 1e-3
    }
    return Lexicon(float(model.intercept_[0]), MappingProxyType(weights), settings.bigrams)


def _at_edge(lines: int, share: float) -> np.ndarray:
    position = np.arange(lines) / max(lines - 1, 1)
    return (position <= share) | (position >= 1.0 - share)


def page_scores(lexicon: Lexicon, page: TextPage) -> np.ndarray:
    return np.array([lexicon.line_log_odds(text) for text in page.texts], dtype=float)


def out_of_fold_scores(
    pages: list[TextPage],
    matrices: WordMatrices,
    folds: np.ndarray,
    within: np.ndarray,
    settings: LexiconSettings,
) -> list[np.ndarray | None]:
    """Lexical scores of the pages in `within`, each from a lexicon fitted on the other folds in `within`."""
    scores: list[np.ndarray | None] = [None] * len(pages)
    for fold in np.unique(folds[within]):
        lexicon = fit_lexicon(pages, matrices, within & (folds != fold), settings)
        for i in np.flatnonzero(within & (folds == fold)):
            scores[i] = page_scores(lexicon, pages[i])
    return scores
