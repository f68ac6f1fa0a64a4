"""The line model's lexicon (clean/textmodel/lexicon.py): shipped words, scores, explanations, training."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import clean
from clean.textmodel.lexicon import line_words
from clean.textmodel.trees import MODEL_FILE, shipped_model

WCXB = Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb" / "dev"
# Tune pages (ids not divisible by 5) of different kinds.
PAGES = ("0001", "0006", "0007", "0008", "0009", "0011")
NAMED_WORDS = re.compile(r'"(\w+)" ([+-]\d+\.\d)')


def test_line_words_are_the_benchmarks_tokens_lowercased_and_distinct():
    assert line_words("Sign in | SIGN UP, sign-in") == {"sign", "in", "up"}
    assert line_words("Größe: 42 €") == {"größe", "42"}
    assert line_words("— · —") == frozenset()


def test_shipped_lexicon_is_small_and_holds_only_words():
    data = resources.files("clean.textmodel").joinpath("data", MODEL_FILE).read_bytes()
    assert len(data) < 1.5 * 1024 * 1024
    weights = shipped_model().lexicon.weights
    assert 1000 < len(weights) <= 30000
    assert all(re.fullmatch(r"\w+", word) and word == word.lower() for word in weights)


@pytest.mark.parametrize(
    "chrome",
    [
        "Add to cart",
        "© 2024 Northwind Traders. All rights reserved.",
        "Sign in",
        "Subscribe to our newsletter",
    ],
)
def test_site_chrome_reads_as_less_content_than_a_sentence_of_prose(chrome):
    lexicon = shipped_model().lexicon
    prose = "The council met on Tuesday to decide how the new budget for schools would be spent."
    assert lexicon.line_log_odds(chrome) < lexicon.line_log_odds(prose)


def test_weightiest_words_push_the_way_asked_and_come_from_the_line():
    lexicon = shipped_model().lexicon
    line = "Free shipping on orders over $50. Terms and conditions apply."
    against = lexicon.weightiest_words(line, -1)
    assert against and all(weight < 0 and word in line_words(line) for word, weight in against)
    weights = [weight for _, weight in against]
    assert weights == sorted(weights)  # the weightiest first
    assert all(weight > 0 for _, weight in lexicon.weightiest_words(line, +1))


def page_text(page_id: str) -> str:
    html_text = pytest.importorskip("html_text")
    html = gzip.decompress((WCXB / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
    return html_text.extract_text(html, guess_layout=True)


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_removal_reasons_name_the_line_words_that_weighed_most():
    lexicon = shipped_model().lexicon
    named = 0
    for page_id in PAGES:
        for removal in clean.clean_text(page_text(page_id)).removed:
            if removal.stage != "line-model" or "[words " not in removal.reason:
                continue
            words = NAMED_WORDS.findall(removal.reason.split("[words ", 1)[1].split("]", 1)[0])
            assert words
            for word, weight in words:
                assert word in line_words(removal.text)  # a person can find it in the removed line
                assert float(weight) == pytest.approx(lexicon.weights[word], abs=0.051)
            named += 1
    assert named  # on real pages the words do weigh among the most


def test_training_folds_keep_each_site_in_one_fold_and_the_vocabulary_needs_several_sites():
    pytest.importorskip("sklearn")
    from training.text_corpus import TextPage
    from training.text_lexicon import LexiconSettings, WordMatrices, choose_words, domain_folds

    def page(domain: str, texts: list[str]) -> TextPage:
        return TextPage(
            id=domain, page_type="article", heldout=False, gold=Counter(), matrix=np.zeros((len(texts), 1)),
            labels=np.zeros(len(texts)), kept_tokens=[[] for _ in texts], rule_stage=[None] * len(texts),
            texts=texts, domain=domain,
        )  # fmt: skip

    pages = [
        page("a.example", ["Sign in", "Acme widgets"]),
        page("a.example", ["Sign in", "Acme gadgets"]),
        page("b.example", ["Sign in to comment"]),
        page("c.example", ["Please sign in"]),
    ]
    folds = domain_folds(pages, 5)
    assert folds[0] == folds[1]
    matrices = WordMatrices.of(pages)
    chosen = choose_words(pages, matrices, np.ones(len(pages), dtype=bool), LexiconSettings(min_domains=3))
    # "acme" is on two pages of one site only; "in" and "sign" are on three sites.
    assert sorted(matrices.words[c] for c in chosen) == ["in", "sign"]
    one_fewer = choose_words(
        pages, matrices, np.array([True, True, True, False]), LexiconSettings(min_domains=3)
    )
    assert not len(one_fewer)  # the vocabulary comes from the pages a lexicon is fitted on
