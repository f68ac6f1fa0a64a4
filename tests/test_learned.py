"""The learned block scorer: features, the shipped trees, explanations, the stage and restore."""

from __future__ import annotations

import gzip
import importlib.util
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import clean
from clean.frontends.html import parse_document
from clean.frontends.html.path import SEPARATOR, prefixes
from clean.learned import stage as learned_stage
from clean.learned.explain import explain_rows, readable_value
from clean.learned.features import (
    OWN_NAMES,
    Vocabulary,
    element_arrays,
    feature_names,
    page_features,
    page_matrix,
    text_shape,
)
from clean.learned.model import shipped_model
from clean.learned.page_signals import PAGE_TYPES, declared_types
from clean.learned.stacking import STACK_NAMES, best_run, stack_columns
from clean.model import Document
from clean.options import Options
from clean.pipeline import html_stages, run_stages
from clean.report.render import output_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "html"
MODEL_FILE = ROOT / "clean" / "learned" / "data" / "block_model.json"


def parsed(name: str) -> Document:
    return parse_document((FIXTURES / f"{name}.html").read_bytes(), None, Options())


def column(name: str) -> int:
    return OWN_NAMES.index(name)


def block_with(doc: Document, snippet: str):
    return next(b for b in doc.blocks if snippet in b.text)


# ----------------------------------------------------------------- features


def test_feature_matrix_has_one_finite_row_per_block_and_a_name_per_column():
    doc = parsed("news_article")
    vocabulary = Vocabulary(("nav", "footer", "content"))
    matrix = page_matrix(doc, vocabulary)
    assert matrix.shape == (len(doc.blocks), len(feature_names(vocabulary)))
    assert np.isfinite(matrix).all()
    assert len(set(feature_names(vocabulary))) == matrix.shape[1]


def test_features_tell_a_menu_link_from_an_article_paragraph():
    doc = parsed("news_article")
    matrix = page_matrix(doc, Vocabulary(("nav", "menu", "footer")))
    menu = block_with(doc, "Business").index
    paragraph = max(doc.blocks, key=lambda b: len(b.text)).index
    assert matrix[menu, column("link density")] == 1.0
    assert matrix[menu, column("inside nav")] == 1.0
    assert matrix[paragraph, column("inside nav")] == 0.0
    assert matrix[paragraph, column("link density")] < 0.2
    assert matrix[paragraph, column("words (log)")] > matrix[menu, column("words (log)")]
    assert matrix[paragraph, column("ends like a sentence")] == 1.0
    assert matrix[paragraph, column("inside the 50% prose region")] == 1.0
    assert matrix[menu, column("inside the 50% prose region")] == 0.0


def test_element_sums_equal_a_sum_over_each_elements_blocks():
    html = (
        "<html><body><div><div><div><section><p>Deep paragraph with a <a href='/x'>link</a>.</p>"
        "</section></div></div></div><p>Shallow paragraph.</p></body></html>"
    )
    for doc in (parsed("news_article"), parse_document(html, None, Options())):
        chars = np.array([b.features["chars"] for b in doc.blocks])
        link_chars = np.array([b.features["link_chars"] for b in doc.blocks])
        elements = element_arrays(doc.blocks, np.zeros(len(doc.blocks)), chars, link_chars)
        expected: dict[str, list[float]] = {}
        for block in doc.blocks:
            for prefix in prefixes(block.path):
                entry = expected.setdefault(prefix, [0.0, 0.0, 0.0])
                entry[0] += block.features["chars"]
                entry[1] += block.features["link_chars"]
                entry[2] += 1
        assert sorted(expected) == sorted(elements.paths)
        for element, path in enumerate(elements.paths):
            assert elements.sums[element, 1:] == pytest.approx(expected[path]), path
            parent = elements.paths[elements.parent[element]]
            assert parent == (path.rpartition(" > ")[0] or path)


def test_text_shape_counts_match_plain_python():
    texts = ["Hello, World! This is it.", "menu | home / shop", "© 2024 ACME Ltd.", "x"]
    shape = text_shape(texts)
    for i, text in enumerate(texts):
        tokens = text.split()
        assert shape["tokens"][i] == len(tokens)
        assert shape["capitalised"][i] == sum(1 for t in tokens if t[0].isupper())
        assert shape["commas"][i] == text.count(",")
        assert shape["digits"][i] == sum(c.isdigit() for c in text)
    assert list(shape["sentences"]) == [2, 0, 1, 0]
    assert list(shape["separators"]) == [0, 2, 0, 0]
    assert list(shape["copyright"]) == [0, 0, 1, 0]


def test_text_shape_gives_characters_past_the_basic_plane_no_class():
    # U+1D400 is a capital letter to str.isupper, but the class table covers the BMP only.
    texts = ["\U0001d400bc, \U0001f600 1.", "\U0001f600"]
    shape = text_shape(texts)
    assert list(shape["tokens"]) == [3, 1]
    assert list(shape["capitalised"]) == [0, 0]
    assert list(shape["punctuation"]) == [2, 0] and list(shape["digits"]) == [1, 0]
    assert list(shape["non-space"]) == [len(texts[0]) - 2, 1]


def test_neighbour_columns_read_the_neighbours_values():
    doc = parsed("news_article")
    vocabulary = Vocabulary(())
    names = feature_names(vocabulary)
    matrix = page_matrix(doc, vocabulary)
    previous = names.index("previous block: link density")
    following = names.index("next block: words (log)")
    assert matrix[0, previous] == -1.0  # no block before the first
    assert np.array_equal(matrix[1:, previous], matrix[:-1, column("link density")])
    assert np.array_equal(matrix[:-1, following], matrix[1:, column("words (log)")])


def test_repeated_text_and_list_items_are_counted():
    html = (
        "<html><body><ul>"
        + "".join(f"<li><a href='/{i}'>Item {i}</a></li>" for i in range(5))
        + "</ul><p>Same words here.</p><div><p>Same words here.</p></div></body></html>"
    )
    doc = parse_document(html, None, Options())
    matrix = page_matrix(doc, Vocabulary(()))
    item = block_with(doc, "Item 3").index
    assert math.expm1(matrix[item, column("items in its list (log)")]) == pytest.approx(4)
    assert math.expm1(matrix[item, column("same DOM shape on page (log)")]) == pytest.approx(4)
    twice = [b.index for b in doc.blocks if b.text == "Same words here."]
    same_text = column("same text elsewhere on page (log)")
    assert all(math.expm1(matrix[i, same_text]) == pytest.approx(1) for i in twice)


def test_page_signals_read_the_declared_type_and_the_comment_section():
    doc = parsed("blog_comments")  # JSON-LD BlogPosting, comments under div#comments.comments-area
    names = feature_names(Vocabulary(()))
    matrix = page_matrix(doc, Vocabulary(()))
    declared = {name: matrix[0, names.index(f"page declares type {name}")] for name in PAGE_TYPES}
    assert declared == {name: float(name == "article") for name in PAGE_TYPES}
    comment = block_with(doc, "rye is happier").index
    article = max(doc.blocks, key=lambda b: len(b.text)).index
    assert matrix[comment, column("inside comments")] == 1.0
    assert matrix[article, column("inside comments")] == 0.0
    headings = matrix[:, names.index("page h2/h3 headings (log)")]
    assert np.all(headings == headings[0])  # one value per page, on every row
    assert math.expm1(headings[0]) == pytest.approx(sum(b.tag in ("h2", "h3") for b in doc.blocks))
    assert not declared_types(parsed("news_article").source)  # declares nothing


def test_declared_types_come_from_json_ld_microdata_and_og_type():
    assert declared_types('<script type="application/ld+json">{"@type": ["Product"]}</script>') == {"product"}
    assert declared_types('<div itemscope itemtype="https://schema.org/QAPage">') == {"discussion"}
    assert declared_types('<meta property="og:type" content="article">') == {"article"}
    assert declared_types('<meta content="product" property="og:type">') == {"product"}
    assert declared_types('<meta property="og:type" content="website"><p>"@type" is text</p>') == set()


# ----------------------------------------------------------------- the shipped model


def test_shipped_model_is_small_and_matches_this_feature_set():
    assert MODEL_FILE.stat().st_size < 1024 * 1024
    model = shipped_model()
    assert model.first is None  # single pass (training/README.md: stacking did not pay in the pipeline)
    assert model.names == feature_names(model.vocabulary)
    assert 0 < model.trees <= 100 and model.depth <= 5
    assert 0.0 < model.threshold_probability < 1.0


def _walk(model, row: np.ndarray) -> float:
    """One row down every tree, node by node: the reference for the vectorised code."""
    total = model.baseline
    for tree in range(model.trees):
        node = 0
        while model.left[tree, node] != node:
            go_left = row[model.feature[tree, node]] <= model.threshold[tree, node]
            node = model.left[tree, node] if go_left else model.right[tree, node]
        total += model.value[tree, node]
    return total


def test_vectorised_trees_give_what_walking_each_tree_gives():
    model = shipped_model()
    matrix = model.features(parsed("blog_comments"))
    expected = np.array([_walk(model, row) for row in matrix])
    assert np.allclose(model.log_odds(matrix), expected)


def test_complete_tree_layout_gives_the_padded_walks_log_odds_to_the_last_bit():
    model = shipped_model()
    matrix = model.features(parsed("blog_comments"))
    matrix[::7, ::5] = np.nan  # NaN goes right in both layouts
    padded = model.baseline + model.value.ravel().take(model.leaves(matrix)).sum(axis=1)
    assert model.heap is not None
    assert np.array_equal(model.log_odds(matrix), padded)
    assert not np.array_equal(model.log_odds(matrix), model.log_odds(model.features(parsed("blog_comments"))))


def test_contributions_add_up_to_the_log_odds():
    model = shipped_model()
    matrix = model.features(parsed("in_article_list"))
    roots = model.value[:, 0].sum()
    credit = model.contributions(matrix)
    assert np.allclose(credit.sum(axis=1), model.log_odds(matrix) - model.baseline - roots, atol=1e-6)


def test_model_scores_the_article_above_the_chrome():
    doc = parsed("news_article")
    model = shipped_model()
    probabilities = model.probabilities(model.features(doc))
    expected = (FIXTURES / "news_article.expected.txt").read_text("utf-8")
    content = [probabilities[b.index] for b in doc.blocks if b.text in expected]
    chrome = [probabilities[b.index] for b in doc.blocks if b.text not in expected]
    assert content and chrome
    assert np.mean(content) > np.mean(chrome) + 0.3
    assert np.median(content) >= model.threshold_probability


def test_best_run_is_the_stretch_with_the_largest_gain():
    gain = np.array([-1.0, 2.0, -0.5, 3.0, -4.0, 1.0])
    assert best_run(gain).tolist() == [0, 1, 1, 1, 0, 0]
    assert best_run(np.array([-1.0, -2.0])).tolist() == [0, 0]


def test_second_pass_columns_summarise_the_first_pass_around_each_block():
    doc = parsed("blog_comments")
    # The shipped single-pass model stands in for a first pass (and for the second:
    # only its features() is asked for, which reads the first pass alone).
    model = replace(shipped_model(), first=shipped_model())
    matrix, layout = page_features(doc, model.vocabulary)
    first = model.first.probabilities(matrix)
    stacked = stack_columns(first, layout)
    assert stacked.shape == (len(doc.blocks), len(STACK_NAMES))
    column = {name.removeprefix("first pass: "): i for i, name in enumerate(STACK_NAMES)}
    assert np.allclose(stacked[:, column["probability"]], first, atol=1e-6)
    assert np.allclose(stacked[1:, column["previous block"]], first[:-1], atol=1e-6)
    assert stacked[0, column["previous block"]] == -1.0
    # The 1-up ancestor's mean: first-pass probabilities of every block inside it, weighted by words + 1.
    elements = layout.elements
    paths = [b.path or "" for b in doc.blocks]
    weight = layout.words + 1.0
    for i in range(0, len(doc.blocks), 7):
        ancestor = elements.paths[elements.parent[elements.block_element[i]]]
        below = ancestor + SEPARATOR
        inside = [j for j, path in enumerate(paths) if path == ancestor or path.startswith(below)]
        expected = np.average(first[inside], weights=weight[inside])
        assert stacked[i, column["mean over its 1-up ancestor"]] == pytest.approx(expected, abs=1e-5)
    before = stacked[:, column["content words before it (share)"]]
    assert np.all(np.diff(before) >= -1e-6) and before[0] == 0.0
    assert np.allclose(model.features(doc), np.concatenate([matrix, stacked], axis=1))


# ----------------------------------------------------------------- explanations


def test_readable_values_undo_logs_and_name_flags():
    assert readable_value("words (log)", math.log1p(12)) == ("words", "12")
    assert readable_value("inside nav", 1.0) == ("inside nav", "yes")
    assert readable_value("link density", 0.923) == ("link density", "0.92")


def test_explanations_name_the_probability_and_the_features_that_pushed_most():
    doc = parsed("news_article")
    model = shipped_model()
    matrix = model.features(doc)
    probabilities = model.probabilities(matrix)
    menu = block_with(doc, "Business").index
    reasons = explain_rows(model, matrix, [menu], probabilities, 0.5)
    reason = reasons[menu]
    assert f"content probability {probabilities[menu]:.2f}" in reason or (
        f"content probability {probabilities[menu]:.3f}" in reason
    )
    credit = model.contributions(matrix[[menu]])[0]
    direction = 1 if probabilities[menu] >= 0.5 else -1
    strongest = readable_value(model.names[int(np.argmax(direction * credit))], 0.0)[0]
    assert strongest in reason


# ----------------------------------------------------------------- restore and the stage


def test_restore_undoes_a_removal_and_keeps_it_on_record():
    doc = parsed("news_article")
    block = doc.blocks[3]
    first = doc.remove(block, "main-content", "outside-main-content", "outside")
    override = doc.restore(block, "learned-scorer", "learned-content", "scored as content")
    assert block.kept and override is not None
    assert doc.overridden == [override] and override.removal is first
    assert override.to_dict()["undone"]["rule"] == "outside-main-content"
    assert doc.restore(block, "learned-scorer", "learned-content", "again") is None  # nothing to undo
    assert doc.remove(block, "later", "rule", "removed again") is not None


def test_stage_is_in_the_html_pipeline_on_by_default_and_off_when_asked_and_rejects_unknown_modes():
    assert learned_stage.STAGE in html_stages()
    assert Options().learned_scorer == "decide"
    html = (FIXTURES / "blog_comments.html").read_bytes()
    without = tuple(s for s in html_stages() if s is not learned_stage.STAGE)
    doc = run_stages(parse_document(html, None, Options()), without, Options())
    assert clean.clean_html(html, learned_scorer="off").text == output_text(doc)
    with pytest.raises(ValueError, match="learned_scorer"):
        clean.clean_html(html, learned_scorer="maybe")


def test_public_api_runs_the_scorer_when_asked():
    html = (FIXTURES / "news_article.html").read_bytes()
    result = clean.clean_html(html, learned_scorer="decide")
    learned = [r for r in result.removed if r.stage == learned_stage.STAGE_NAME]
    assert all(r.rule == learned_stage.REMOVE_RULE and "content probability" in r.reason for r in learned)
    assert "Councillors in Port Alder voted" in result.text


@pytest.mark.parametrize("name", ["news_article", "blog_comments", "section_headings"])
def test_remove_mode_records_every_removal_with_its_explanation(name: str):
    doc = run_stages(parsed(name), html_stages(), Options(learned_scorer="remove"))
    baseline = run_stages(parsed(name), html_stages(), Options(learned_scorer="off"))
    learned = [b for b in doc.blocks if b.removal and b.removal.stage == learned_stage.STAGE_NAME]
    for block in learned:
        assert block.removal.rule == learned_stage.REMOVE_RULE
        assert "content probability" in block.removal.reason
        assert baseline.blocks[block.index].kept  # it only judged what the others kept
    kept_before = {b.index for b in baseline.blocks if b.kept}
    kept_after = {b.index for b in doc.blocks if b.kept}
    assert kept_after == kept_before - {b.index for b in learned}


def test_decide_mode_restores_heuristic_removals_but_never_rule_removals():
    html = (
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<main><article><h1>Rivers in spring</h1>"
        + "".join(
            f"<p>Paragraph {i} of the story tells how the river rose after the rain, and how the town "
            "prepared its banks, with sandbags, pumps and volunteers working through the night.</p>"
            for i in range(6)
        )
        + "</article></main><footer><p>Copyright 2024 The Town Paper. All rights reserved.</p></footer>"
        "</body></html>"
    )
    doc = parse_document(html, None, Options())
    run_stages(doc, html_stages(), Options())
    victim = block_with(doc, "Paragraph 3")
    doc.blocks[victim.index].removal = None
    doc.remove(victim, "main-content", "outside-main-content", "pretend the heuristic got it wrong")
    rule_removed = [b.index for b in doc.blocks if b.removal and b.removal.stage == "dom-rules"]
    learned_stage.run(doc, Options(learned_scorer="decide", learned_overrule_above=None))
    assert victim.kept
    assert doc.overridden and doc.overridden[0].removal.rule == "outside-main-content"
    assert doc.notes[victim.index].startswith("restored over main-content/outside-main-content")
    assert "content probability" in doc.notes[victim.index]
    assert all(not doc.blocks[i].kept for i in rule_removed)


@pytest.mark.parametrize("mode", ["remove", "decide"])
def test_a_page_whose_every_block_scores_low_keeps_its_best_block(mode: str):
    # One block of 5,000 repeated words: main-content keeps it (its never-empty
    # rule); with the threshold at 1 the model scores it below, as it scores every
    # block below; the page must not come out empty.
    html = "<html><body><div>" + "word " * 5000 + "</div></body></html>"
    doc = parse_document(html, None, Options())
    assert shipped_model().probabilities(shipped_model().features(doc))[0] < 1.0
    result = clean.clean_html(html, learned_scorer=mode, learned_remove_below=1.0, learned_restore_above=1.0)
    assert result.text.startswith("word word")
    assert not [r for r in result.removed if r.stage == learned_stage.STAGE_NAME]


def test_the_spared_block_is_the_one_the_model_scores_highest():
    html = (
        "<html><body><div><a href='/a'>Home</a> <a href='/b'>Shop</a></div>"
        "<footer><p>Copyright 2024 The Town Paper. All rights reserved.</p></footer></body></html>"
    )
    doc = parse_document(html, None, Options())
    probabilities = shipped_model().probabilities(shipped_model().features(doc))
    everything = [b.index for b in doc.blocks]
    spared = set(everything) - set(learned_stage._spare_one(doc, everything, [], probabilities))
    assert spared == {int(np.argmax(probabilities))}
    # Something else kept, or something restored: nothing to spare.
    assert learned_stage._spare_one(doc, everything[1:], [], probabilities) == everything[1:]
    assert learned_stage._spare_one(doc, everything, [0], probabilities) == everything


# ----------------------------------------------------------------- training labels


def _labels_module():
    spec = importlib.util.spec_from_file_location("training_labels", ROOT / "training" / "labels.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labels_count_a_repeated_paragraph_once_and_ignore_stray_menu_words():
    labels = _labels_module()
    gold = (
        "Rivers\n\nWe walked home along the river after the rain, past the mill and the old bridge.\n\n"
        "The river rose after the rain and the town prepared."
    )
    texts = [
        "Home",  # a menu entry: "home" is in the gold, but only inside a long sentence
        "Rivers",  # the heading: a gold line of its own
        "The river rose after the rain and the town prepared.",
        "The river rose after the rain and the town prepared.",  # the mobile layout's copy
        "Subscribe to the river newsletter",
    ]
    found, sizes = labels.block_labels(texts, gold)
    assert found[0] == 0.0 and found[1] == 1.0
    # The copy keeps only the trigrams the gold has a second time ("after the rain" twice).
    assert found[2] == 1.0 and found[3] < 0.5
    assert found[4] == 0.0
    assert sizes == [1, 1, 10, 10, 5]


def test_the_cli_sets_the_mode_by_word():
    from clean.cli import parse_option_values

    assert parse_option_values(["learned_scorer=decide", "learned_remove_below=0.3"]) == {
        "learned_scorer": "decide",
        "learned_remove_below": 0.3,
    }


def test_overrule_restores_a_dom_rule_removal_only_when_the_model_clears_the_higher_bar():
    # news_article: the DOM rule "share" removes the share bar; the model scores
    # it 0.256, under the default bar (0.7), so it stands by default. With the bar
    # lowered to 0.25 and one threshold (0.25) for every page, the stage undoes it,
    # keeps the removal on record and says why.
    # One threshold for every page (the fixed-threshold mode): the bar alone decides.
    share = "Share on Facebook"
    standing = run_stages(parsed("news_article"), html_stages(), Options())
    assert block_with(standing, share).removal.rule == "share"
    fixed = Options(learned_overrule_above=0.25, learned_remove_below=0.25, learned_restore_above=0.25)
    doc = run_stages(parsed("news_article"), html_stages(), fixed)
    restored = block_with(doc, share)
    assert restored.kept
    undone = next(o for o in doc.overridden if o.removal.stage == "dom-rules")
    assert undone.removal.rule == "share" and undone.stage == learned_stage.STAGE_NAME
    note = doc.notes[restored.index]
    assert note.startswith("restored over dom-rules/share")
    assert "content probability 0.26 (at or above 0.25)" in note
    # Removals the model scores under the bar stay.
    assert not block_with(doc, "Sign up to our free daily newsletter").kept
    assert not block_with(doc, "All rights reserved").kept
    overrulable = learned_stage.RULE_STAGES | learned_stage.OVERRULABLE_STAGES
    assert all(o.removal.stage in overrulable for o in doc.overridden)
    assert not {o.removal.rule for o in doc.overridden} & learned_stage.HARD_RULES


def test_overrule_never_undoes_an_advert_or_comments_however_high_the_model_scores_them():
    # news_article: the advert's copy reads like prose and the model scores it
    # above 0.9; blog_comments: a reader's comment scores 0.45. Both rules are hard.
    doc = run_stages(parsed("news_article"), html_stages(), Options(learned_overrule_above=0.3))
    advert = block_with(doc, "Buy one pair of boots")
    assert shipped_model().probabilities(shipped_model().features(doc))[advert.index] > 0.9
    assert advert.removal.stage == "dom-rules" and advert.removal.rule == "advert"
    blog = run_stages(parsed("blog_comments"), html_stages(), Options(learned_overrule_above=0.3))
    comment = block_with(blog, "I tried the oven light trick")
    assert shipped_model().probabilities(shipped_model().features(blog))[comment.index] > 0.3
    assert comment.removal.rule == "comments"


# ----------------------------------------------------------------- the page's cut


def _expected_f1(p: np.ndarray, tokens: np.ndarray, kept: np.ndarray, open_to_model: np.ndarray) -> float:
    gold = float((p * tokens)[open_to_model].sum())
    return 2.0 * float((p * tokens)[kept].sum()) / (float(tokens[kept].sum()) + gold)


def test_the_cut_keeps_a_doubtful_block_on_an_unsure_page_and_drops_it_on_a_sure_one():
    from clean.learned.page_cut import page_cut

    decoding = shipped_model().decoding
    doubtful = -0.3  # the same block (log-odds, 40 tokens) on two pages
    sure = page_cut(
        np.array([4.0, 4.0, 4.0, doubtful]),
        np.array([200.0, 150.0, 120.0, 40.0]),
        np.ones(4, dtype=bool),
        decoding,
    )
    unsure = page_cut(
        np.array([0.2, -0.1, -1.5, doubtful]),
        np.array([60.0, 50.0, 80.0, 40.0]),
        np.ones(4, dtype=bool),
        decoding,
    )
    assert sure.keep.tolist() == [True, True, True, False]
    assert unsure.keep[3] and not unsure.keep[2]
    assert sure.threshold > unsure.threshold
    # The page's threshold is the model's own probability of the least probable block kept.
    assert unsure.threshold == pytest.approx(1.0 / (1.0 + math.exp(0.3)))
    # A block closed to the model is never kept, and a page without words gets no cut.
    closed = page_cut(np.array([4.0, 4.0]), np.array([10.0, 10.0]), np.array([True, False]), decoding)
    assert closed.keep.tolist() == [True, False]
    assert page_cut(np.array([1.0, 2.0]), np.zeros(2), np.ones(2, dtype=bool), decoding) is None


WCXB = ROOT.parent / "shared" / "data" / "wcxb" / "dev"
# Tune pages (ids not divisible by 5) of different types: article, forum, product, docs, listing;
# 0667 a documentation page with code listings (the Rust book on ownership).
WCXB_PAGES = ("0001", "0002", "0003", "0004", "0006", "0667")


def _page(source: str) -> Document:
    if source.isdigit():
        if not WCXB.exists():
            pytest.skip("the WCXB pages are not at ../shared/data/wcxb")
        html = gzip.decompress((WCXB / "html" / f"{source}.html.gz").read_bytes())
        return parse_document(html, None, Options())
    return parsed(source)


@pytest.mark.parametrize("source", ["news_article", "section_headings", *WCXB_PAGES])
def test_the_stage_keeps_the_open_blocks_up_to_the_cut_with_the_best_expected_f1(source: str):
    from clean.learned.page_cut import code_blocks, shape_groups, with_code_shift, with_shape_mean
    from clean.textmodel.decode import content_probability

    stages = html_stages()
    at = stages.index(learned_stage.STAGE)
    before = run_stages(_page(source), stages[:at], Options())
    model = shipped_model()
    tokens = np.array([b.features["words"] for b in before.blocks], dtype=float)
    # As the stage judges them: moved towards their repeated DOM shape's mean, code blocks'
    # log-odds with the decoding's code shift.
    paths = [b.path for b in before.blocks]
    code = code_blocks([b.kind for b in before.blocks], paths)
    own = with_shape_mean(model.log_odds(model.features(before)), shape_groups(paths, tokens))
    log_odds = with_code_shift(own, code, model.decoding)
    raw = 1.0 / (1.0 + np.exp(-log_odds))
    p = content_probability(log_odds, model.decoding)
    bar = Options().learned_overrule_above
    open_to_model = np.array(
        [
            b.kept
            or b.removal.stage in learned_stage.OVERRULABLE_STAGES
            and b.removal.rule != "repeated-block"
            or b.removal.stage in learned_stage.RULE_STAGES
            and b.removal.rule not in learned_stage.HARD_RULES
            and raw[b.index] >= bar
            for b in before.blocks
        ]
    )
    after = run_stages(_page(source), stages, Options())
    assert output_text(after).strip()
    kept = np.array([b.kept for b in after.blocks])
    spared = [i for i, note in after.notes.items() if "a heading stays with the section" in note]
    judged = kept & open_to_model
    judged[spared] = False
    # Every block the model judged is kept exactly when it scores at or above one threshold ...
    threshold = raw[judged].min()
    assert (raw[open_to_model & ~kept] < threshold).all()
    assert all(raw[i] < threshold and after.blocks[i].kind == "heading" for i in spared)
    # ... and no other threshold expects a better F1 on this page.
    best = max(_expected_f1(p, tokens, open_to_model & (raw >= t), open_to_model) for t in raw[open_to_model])
    assert _expected_f1(p, tokens, judged, open_to_model) == pytest.approx(best)
    for removal in after.removals:
        if removal.stage == learned_stage.STAGE_NAME:
            assert f"the page's cut {threshold:.2f}, expected F1 {best:.2f}" in removal.reason
            assert removal.rule == learned_stage.REMOVE_RULE


def test_code_listings_the_model_doubts_stay_on_a_documentation_page_with_the_code_shift(monkeypatch):
    from clean.learned import model as model_module
    from clean.learned.page_cut import code_blocks

    shipped = shipped_model()
    assert shipped.decoding.get("code_shift", 0.0) > 0
    doc = _page("0667")
    code = code_blocks([b.kind for b in doc.blocks], [b.path for b in doc.blocks])
    listings = [b.index for b in doc.blocks if code[b.index] and b.text.startswith("fn main() {")]
    assert len(listings) >= 2 and all(doc.blocks[i].kind == "pre" for i in listings)
    # The shipped shift (0.5 since the session-9 model, chosen out of fold) is too small to lift
    # this page's doubted listing; a shift of 1.5 (the one before) keeps every listing ...
    shifted = replace(shipped, decoding={**shipped.decoding, "code_shift": 1.5})
    monkeypatch.setattr(model_module, "shipped_model", lambda name=None: shifted)
    after = run_stages(_page("0667"), html_stages(), Options())
    assert all(after.blocks[i].kept for i in listings)
    # ... and without a shift the cut drops some of them, and says why.
    plain = replace(shipped, decoding={**shipped.decoding, "code_shift": 0.0})
    monkeypatch.setattr(model_module, "shipped_model", lambda name=None: plain)
    without = run_stages(_page("0667"), html_stages(), Options())
    dropped = [i for i in listings if not without.blocks[i].kept]
    assert dropped
    assert all(without.blocks[i].removal.rule == learned_stage.REMOVE_RULE for i in dropped)
    assert all("a code block" not in r.reason for r in without.removals)


def test_a_title_under_the_cut_stays_with_the_text_it_heads_and_says_why():
    doc = run_stages(parsed("blog_comments"), html_stages(), Options())
    title = block_with(doc, "Sourdough in a cold kitchen")
    assert title.kept and title.kind == "heading"
    note = doc.notes[title.index]
    assert "below the page's cut" in note and "a heading stays with the section it heads" in note
    probability = shipped_model().probabilities(shipped_model().features(doc))[title.index]
    assert f"content probability {probability:.2f}" in note


@pytest.mark.parametrize("source", ["blog_comments", "0002"])
def test_a_threshold_in_the_options_replaces_the_page_cut(source: str):
    fixed = run_stages(
        _page(source), html_stages(), Options(learned_remove_below=0.6, learned_restore_above=0.6)
    )
    reasons = [r.reason for r in fixed.removals if r.stage == learned_stage.STAGE_NAME]
    assert reasons and all("(below 0.60)" in r for r in reasons)
    per_page = run_stages(_page(source), html_stages(), Options())
    reasons = [r.reason for r in per_page.removals if r.stage == learned_stage.STAGE_NAME]
    assert all("the page's cut" in r for r in reasons)
