"""The block model's word-level columns (clean/learned/lexical.py) and their explanations."""

from __future__ import annotations

import math

import numpy as np

from clean.frontends.html import parse_document
from clean.frontends.html.path import SEPARATOR
from clean.learned.explain import explain_rows, readable_value
from clean.learned.features import Vocabulary, element_arrays, feature_names, page_features
from clean.learned.lexical import (
    CLASS_SCORE,
    LEXICAL_NAMES,
    TEXT_SCORE,
    LexicalModel,
    LinearWords,
    lexical_columns,
    model_from_dict,
    path_words,
    step_words,
    text_tokens,
    word_details,
)
from clean.learned.model import TreeModel
from clean.options import Options
from training.lexical_fit import _vocabulary, domain

SHOP_PAGE = b"""<html><head><title>Walnut bread</title></head><body>
<nav class="mainMenu"><ul><li><a href="/">Home</a></li><li><a href="/shop">Shop</a></li></ul></nav>
<div id="post-body_2" class="entry">
<h1>Walnut bread</h1>
<p>Toast the walnuts before you fold them into the dough, then let it rest for an hour.</p>
<p>Bake at a high heat for the first ten minutes so that the crust sets early.</p>
</div>
<div class="shop-widget"><p>Add to cart</p><p>Free shipping on orders over 30 dollars</p></div>
</body></html>"""


def shop_model(levels: int = 10) -> LexicalModel:
    text = LinearWords({"cart": -2.0, "shipping": -1.5, "dough": 1.0, "bake": 0.8}, 0.1, True)
    classes = LinearWords({"menu": -1.0, "<nav>": -0.5, "entry": 1.2, "widget": -0.7}, -0.2, False)
    return LexicalModel(text, classes, levels)


def parsed_shop():
    return parse_document(SHOP_PAGE, None, Options())


def block_with(doc, snippet: str):
    return next(b for b in doc.blocks if snippet in b.text)


def test_class_and_id_names_split_at_dashes_underscores_digits_and_camel_case_and_keep_the_tag():
    assert step_words("div#post-body_2.entry.post") == ("<div>", "post", "body", "entry")
    assert step_words("nav.mainMenu") == ("<nav>", "main", "menu")
    assert step_words("section#sidebarWidgets[role=complementary]") == (
        "<section>",
        "role=complementary",
        "sidebar",
        "widgets",
    )
    # A block's words: its path's last steps, a word on two nested elements twice.
    path = f"body{SEPARATOR}div.menu-wrap{SEPARATOR}ul.menu:2{SEPARATOR}li"
    assert path_words(path, 2) == ["<ul>", "menu", "<li>"]
    assert path_words(path, 3) == ["<div>", "menu", "wrap", "<ul>", "menu", "<li>"]
    assert list(text_tokens("Add to cart — add TO cart!")) == ["add", "to", "cart", "add", "to", "cart"]


def test_text_score_is_the_bias_plus_the_words_weights_over_the_root_of_their_number():
    model = shop_model()
    words = text_tokens("Add to cart")  # add, to, cart: only "cart" is known
    assert math.isclose(model.text.score(words), 0.1 - 2.0 / math.sqrt(3))
    assert model.text.strongest(text_tokens("free shipping to your cart, cart"), -1) == [
        ("cart", -4.0 / math.sqrt(6)),
        ("shipping", -1.5 / math.sqrt(6)),
    ]
    assert model.text.strongest(text_tokens("free shipping to your cart"), +1) == []
    texts = ["Add to cart", "", "Bake the dough, bake it well", "x" * 5000 + " cart"]
    expected = [model.text.score(text_tokens(t)) for t in texts]
    assert np.allclose(model.text_scores(texts), expected)
    assert expected[1] == expected[3] == 0.1  # an empty text; a "cart" past MAX_TEXT_CHARS is not read
    # Class/id scores are raw sums: a block's names are few.
    assert math.isclose(model.classes.score(["menu", "<nav>", "x", "menu"]), -0.2 - 2.5)


def test_class_words_come_from_the_element_and_its_nearest_ancestors_only():
    doc = parsed_shop()
    zeros = np.zeros(len(doc.blocks))
    elements = element_arrays(doc.blocks, zeros, zeros, zeros)
    scores = shop_model().class_scores(elements)
    home, paragraph, cart = (block_with(doc, s) for s in ("Home", "Toast", "Add to cart"))
    assert scores[home.index] < scores[cart.index] < 0 < scores[paragraph.index]
    # The running sums along the tree give what the block's path's last `levels` steps give.
    for levels in (1, 2, 3, 4, 10):
        model = shop_model(levels)
        by_path = [model.classes.score(path_words(b.path, levels)) for b in doc.blocks]
        assert np.allclose(model.class_scores(elements), by_path)
    # nav.mainMenu is three steps above the link's text (a > li > ul > nav, or li > ul > nav).
    assert math.isclose(shop_model(levels=1).class_scores(elements)[home.index], -0.2)


def test_lexical_columns_are_the_scores_and_their_means_around_each_block():
    doc = parsed_shop()
    texts = [b.text for b in doc.blocks]
    zeros = np.zeros(len(doc.blocks))
    elements = element_arrays(doc.blocks, zeros, zeros, zeros)
    model = shop_model()
    columns = lexical_columns(model, texts, elements)
    assert columns.shape == (len(doc.blocks), len(LEXICAL_NAMES))
    text = np.array([model.text.score(text_tokens(t)) for t in texts])
    assert np.allclose(columns[:, 0], text, atol=1e-6)
    for i in range(len(texts)):
        window = text[max(i - 1, 0) : i + 2]
        assert math.isclose(columns[i, 2], window.mean(), abs_tol=1e-5)
        # 1-up ancestor: the blocks whose path starts with the parent's path.
        parent = doc.blocks[i].path.rpartition(SEPARATOR)[0]
        inside = [j for j, b in enumerate(doc.blocks) if b.path.startswith(parent + SEPARATOR)]
        assert math.isclose(columns[i, 5], text[inside].mean(), abs_tol=1e-5)


def test_a_model_file_round_trips_and_the_features_append_the_word_columns():
    model = shop_model()
    again = model_from_dict(model.to_dict())
    assert again.text.weights == model.text.weights and again.classes.bias == model.classes.bias
    assert again.levels == model.levels
    vocabulary = Vocabulary(("nav",))
    matrix, _ = page_features(parsed_shop(), vocabulary, model)
    names = feature_names(vocabulary, lexical=True)
    assert matrix.shape[1] == len(names) and names[-len(LEXICAL_NAMES) :] == LEXICAL_NAMES
    assert np.isfinite(matrix).all()


def one_split_model(vocabulary: Vocabulary, lexical: LexicalModel, column: str) -> TreeModel:
    """One tree of one split on a word-level column: below 0 is boilerplate."""
    names = feature_names(vocabulary, lexical=True)
    index = names.index(column)

    def array(values, dtype):
        return np.array([values], dtype=dtype)

    return TreeModel(
        names=names,
        baseline=0.0,
        feature=array([index, 0, 0], "int32"),
        threshold=array([0.0, 0.0, 0.0], "float64"),
        left=array([1, 1, 2], "int32"),
        right=array([2, 1, 2], "int32"),
        value=array([0.0, -2.0, 2.0], "float64"),
        depth=1,
        vocabulary=vocabulary,
        threshold_probability=0.5,
        stage_threshold=0.5,
        info={},
        lexical=lexical,
    )


def test_explanations_name_the_words_behind_a_word_level_column():
    doc = parsed_shop()
    vocabulary = Vocabulary(("nav",))
    lexical = shop_model()
    words_of = word_details(lexical, [b.text for b in doc.blocks], [b.path or "" for b in doc.blocks])
    for column, snippet, words in (
        (TEXT_SCORE, "Add to cart", ['"cart" -1.15']),
        (CLASS_SCORE, "Home", ['"menu" -1.00', '"<nav>" -0.50']),
    ):
        model = one_split_model(vocabulary, lexical, column)
        matrix = model.features(doc)
        probabilities = model.probabilities(matrix)
        row = block_with(doc, snippet).index
        assert probabilities[row] < 0.5
        reason = explain_rows(model, matrix, [row], probabilities, 0.5, words_of)[row]
        assert column in reason and all(w in reason for w in words), reason
        # The score reads as a number, not as a yes/no flag like the vocabulary's "class/id word" columns.
        assert f"{column} {matrix[row, model.names.index(column)]:.2f} (" in reason
        assert readable_value(column, -1.25) == (column, "-1.25")
        content = block_with(doc, "Toast").index
        kept = explain_rows(model, matrix, [content], probabilities, 0.5, words_of)
        assert "(+2.0" in kept[content] and '"cart"' not in kept[content]


class _Page:
    def __init__(self, page_id: str, url: str | None) -> None:
        self.id, self.url = page_id, url


class _Item:
    def __init__(self, page_id: str, url: str | None) -> None:
        self.page = _Page(page_id, url)


def test_a_word_is_learned_only_when_pages_of_enough_different_sites_use_it():
    assert domain(_Item("7", "https://www.Example.org/a/b")) == "example.org"
    assert domain(_Item("8", None)) == "page-8"
    word_sets = [[{"cart", "site1only"}], [{"cart", "site1only"}], [{"cart"}], [{"cart", "rare"}]]
    domains = ["one.org", "one.org", "two.org", "three.org"]
    assert _vocabulary(word_sets, domains, [0, 1, 2, 3], min_domains=3) == ["cart"]
    assert _vocabulary(word_sets, domains, [0, 1, 2, 3], min_domains=1) == ["cart", "rare", "site1only"]
    assert _vocabulary(word_sets, domains, [0, 1, 2], min_domains=3) == []
