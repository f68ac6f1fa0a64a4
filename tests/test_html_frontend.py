"""The HTML front end on small inputs: decoding, never-content, segmentation, paths, DOM rules."""

from __future__ import annotations

import codecs

import pytest

import clean
from clean.errors import InputError
from clean.frontends.html import parse_document
from clean.frontends.html.path import parse_step
from clean.frontends.html.segment import HIDDEN_CLASSES
from clean.options import Options

PROSE = (
    "The committee met on Thursday evening to discuss the new budget for the library, and after a long "
    "debate it agreed to extend the opening hours on weekends for the whole of next year."
)


def blocks(html: str | bytes):
    return parse_document(html, None, Options()).blocks


def test_bytes_with_a_bom_win_over_the_declared_charset():
    page = '<meta charset="iso-8859-1"><p>Grüße aus Köln</p>'
    doc = parse_document(codecs.BOM_UTF8 + page.encode("utf-8"), None, Options())
    assert doc.blocks[0].text == "Grüße aus Köln"


def test_bytes_in_a_declared_charset():
    page = '<meta charset="windows-1251"><p>Привет, мир</p>'
    assert blocks(page.encode("windows-1251"))[0].text == "Привет, мир"


def test_undeclared_non_utf8_bytes_are_detected():
    page = "<p>" + "Der Bürgermeister und die Straßenbahn fahren über die Brücke. " * 8 + "</p>"
    assert "Bürgermeister" in blocks(page.encode("cp1252"))[0].text


@pytest.mark.parametrize(
    "bad",
    [b"%PDF-1.7 binary", b"\x89PNG\r\n\x1a\n....", b"abc\x00\x01\x02\x00" * 10, 42, None, ["<p>x</p>"]],
)
def test_input_that_is_not_a_page_is_a_clear_error(bad):
    with pytest.raises(InputError):
        clean.clean_html(bad)


def test_input_over_the_size_limit_is_a_clear_error():
    with pytest.raises(InputError, match="over the limit"):
        clean.clean_html("<p>" + "x" * 5000 + "</p>", max_input_bytes=1000)


def test_never_content_and_hidden_elements_are_not_blocks():
    page = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<script>var x = 1;</script><noscript>Enable JS</noscript><template><p>tmpl</p></template>"
        '<p hidden>h1</p><p aria-hidden="true">h2</p><p style="display: none">h3</p>'
        '<p style="visibility:hidden">h4</p><button>Click</button><select><option>o</option></select>'
        "<p>Visible</p></body></html>"
    )
    assert [b.text for b in blocks(page)] == ["Visible"]


def test_whitespace_collapses_and_br_breaks_a_line():
    page = "<p>  one\n   two <b>three</b>\t<i>four</i><br>  five  </p><pre>a  b\n  c</pre>"
    found = blocks(page)
    assert found[0].text == "one two three four\nfive"
    assert found[1].text == "a  b\n  c"
    assert found[1].kind == "pre"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # Items laid out apart by CSS: a space between them, as the reader sees.
        ("<p><a href=/>Home</a><a href=/n>News</a></p>", "Home News"),
        ("<p><span>Merrell</span><span>Moab 3</span><span>Size 9</span></p>", "Merrell Moab 3 Size 9"),
        ("<p><span>Posted 2026</span><span>1h 54m</span></p>", "Posted 2026 1h 54m"),
        # One word cut into runs (editors, drop caps): no space before a lower-case letter.
        ("<p><span>child</span><span>ren play</span></p>", "children play"),
        ("<p><b>L</b><b>unch</b> is served</p>", "Lunch is served"),
        # Text against an element, a <wbr>, React's comment markers, uncased scripts: joined.
        ("<p>19.<sup>95</sup> and <span>T</span>he end</p>", "19.95 and The end"),
        ("<p><span>Super</span><wbr><span>Califragilistic</span></p>", "SuperCalifragilistic"),
        ("<p><span>Price</span><!-- --><span>Ten</span></p>", "PriceTen"),
        ("<p><span>\u4e2d\u6587</span><span>\u6587\u672c</span></p>", "\u4e2d\u6587\u6587\u672c"),
        ("<pre><span>a</span><span>B</span></pre>", "aB"),
    ],
)
def test_inline_siblings_are_separate_words_unless_one_word_is_cut_into_runs(html: str, text: str):
    assert [b.text for b in blocks(html)] == [text]


def test_blocks_are_paragraph_level_with_kinds_and_groups():
    page = (
        "<div>Loose text<p>Para</p><h2>Head</h2><ul><li>a</li><li>b</li></ul>"
        "<table><tr><td>r1c1</td><td>r1c2</td></tr><tr><td>r2c1</td><td>r2c2</td></tr></table></div>"
    )
    found = blocks(page)
    assert [(b.text, b.kind) for b in found] == [
        ("Loose text", "text"), ("Para", "paragraph"), ("Head", "heading"),
        ("a", "list-item"), ("b", "list-item"), ("r1c1 r1c2", "table-row"), ("r2c1 r2c2", "table-row"),
    ]  # fmt: skip
    assert found[3].group == found[4].group
    assert found[5].group == found[6].group
    assert len({found[0].group, found[1].group, found[2].group, found[3].group, found[5].group}) == 5


def test_paths_name_ancestors_and_tell_siblings_apart():
    page = '<div id="main" class="a b"><p>one</p><p>two</p></div><nav role="navigation"><p>x</p></nav>'
    found = blocks(page)
    assert found[0].path == "html > body > div#main.a.b > p"
    assert found[1].path == "html > body > div#main.a.b > p:2"
    assert found[2].path.endswith("nav[role=navigation] > p")
    words = parse_step("div#main.post-header__title.adSlot:2").words
    assert words == {"main", "post", "header", "title", "adslot"}
    # Generated class names are not split at camelCase humps: no "ad" here.
    assert "ad" not in parse_step("div.mdx-table_root__adKqa").words


def test_a_long_class_attribute_of_blanks_names_no_class():
    # Over MAX_NAME_CHARS of whitespace there are no class names to cut (this
    # used to raise); the path is the one a short blank class list gives.
    def paths(blanks: int) -> list[str | None]:
        html = f'<div class="{" " * blanks}"><p>An ordinary paragraph of the article.</p></div>'
        return [b.path for b in parse_document(html, None, Options()).blocks]

    assert paths(80) == paths(1)
    assert paths(80)[0].endswith(" > p")


def test_link_density_counts_characters_inside_links():
    found = blocks('<p><a href="/">abcde</a>fghij</p>')
    assert found[0].features["link_density"] == pytest.approx(0.5)


def page_with(chrome: str) -> str:
    return f"<html><body><div class='story'><p>{PROSE}</p><p>{PROSE}</p></div>{chrome}</body></html>"


@pytest.mark.parametrize(
    "false_friend",
    ['<div class="shareholder-letter"><p>Shareholder letter text</p></div>',
     '<div class="download-section"><p>Download the report</p></div>',
     '<div class="shadow-box"><p>Quiet box text</p></div>',
     '<div class="headline"><p>Quiet headline text</p></div>',
     '<div class="review-score"><p>Our verdict: four stars</p></div>',
     '<dl><dt class="sig sig-object py">json.dumps(obj, indent=None)</dt><dd>Serialize obj</dd></dl>'],
)  # fmt: skip
def test_class_words_are_words_not_substrings(false_friend: str):
    result = clean.clean_html(page_with(false_friend))
    assert not [r for r in result.removed if r.stage == "dom-rules"]


@pytest.mark.parametrize(
    ("chrome", "rule"),
    [('<div class="adSlot"><p>Buy now</p></div>', "advert"),
     ('<div class="social-share"><p>Tweet this</p></div>', "share"),
     ('<div role="contentinfo"><p>Imprint</p></div>', "site-footer"),
     ('<div class="gdpr-notice"><p>We value your privacy</p></div>', "cookie-banner"),
     ('<div class="pdp-disclaimer"><p>Rates between 0% and 36% APR.</p></div>', "disclaimer"),
     ('<section class="customer-reviews"><p>Great mug, five stars</p></section>', "reviews"),
     ('<div class="review-text-content"><p>Arrived late</p></div>', "reviews"),
     ('<div role="tooltip"><p>Free returns within 30 days</p></div>', "popup"),
     ('<aside class="message-signature"><p>My rig: 2 GPUs, lots of fans</p></aside>', "signature"),
     ('<div class="shipping-popover"><p>Arrives by Friday</p></div>', "popup")],
)  # fmt: skip
def test_dom_rules_fire_on_their_markup(chrome: str, rule: str):
    result = clean.clean_html(page_with(chrome))
    assert [(r.stage, r.rule) for r in result.removed] == [("dom-rules", rule)]


def test_a_long_dialog_and_a_consent_managers_preference_centre_go_whatever_their_size():
    purpose = (
        "Measure content performance. Content performance can be measured, for example to learn "
        "how many people read an article and which parts of it they found most useful to them. "
    )
    long_text = purpose * 16  # over the 300 and 400 words a pop-up or a cookie banner may hold
    dialog = f"<div role='dialog'><p>{long_text}</p></div>"
    centre = f"<div id='onetrust-pc-sdk'><p>{long_text}</p></div>"
    for overlay, rule in ((dialog, "dialog"), (centre, "consent-manager")):
        story = "".join(f"<p>{PROSE}</p>" for _ in range(30))  # the overlay is not most of the prose
        page = f"<html><body><h1>Budget</h1><div class='story'>{story}</div>{overlay}</body></html>"
        result = clean.clean_html(page, learned_overrule_above=0.0)
        assert "Measure content performance" not in result.text
        assert {r.rule for r in result.removed if "Measure content" in r.text} == {rule}
        assert PROSE in result.text


def test_a_consent_managers_preference_centre_goes_though_it_holds_most_of_the_prose():
    # A listing of short cards under a preference centre of long purpose descriptions: the
    # page-wrapper guard spares an element holding most of the prose, but not a vendor's.
    purpose = "Store and access information on a device to measure how people use this website. " * 3
    centre = "".join(f"<p>{purpose}</p>" for _ in range(8))
    cards = "".join(f"<li><a href='/r{i}'>Recipe number {i}</a></li>" for i in range(12))
    page = (
        f"<html><body><h1>Soup recipes</h1><ul class='cards'>{cards}</ul>"
        f"<div id='onetrust-consent-sdk'><div id='onetrust-pc-sdk'>{centre}</div></div></body></html>"
    )
    result = clean.clean_html(page)
    assert "measure how people use" not in result.text
    assert {r.rule for r in result.removed if "measure how people use" in r.text} == {"consent-manager"}


def test_a_review_article_is_kept_where_customers_reviews_are_not():
    # "review" alone names the body of a review article; customers' reviews are named by pairs.
    review = f"<article class='review'><h1>The mug, reviewed</h1><p>{PROSE}</p><p>{PROSE}</p></article>"
    customers = "<div class='user-reviews'><p>Mine chipped after a week of use.</p></div>"
    result = clean.clean_html(f"<html><body>{review}{customers}</body></html>")
    assert PROSE in result.text
    assert [r.rule for r in result.removed if "chipped" in r.text] == ["reviews"]


@pytest.mark.parametrize(
    ("words", "rule"),
    [("legal-disclaimer", "disclaimer"), ("customer-reviews", "reviews"), ("post-signature", "signature")],
)
def test_the_model_never_undoes_small_print_or_readers_words_however_much_they_read_like_prose(
    words: str, rule: str
):
    prose = (
        "All investing is subject to risk, including the possible loss of the money you invest, "
        "and past performance is no guarantee of future returns for any of the funds described here."
    )
    page = page_with(f"<div class='{words}'><p>{prose}</p></div>")
    result = clean.clean_html(page, learned_overrule_above=0.0)
    assert prose not in result.text
    assert [r.rule for r in result.removed if r.text == prose] == [rule]


def test_a_class_on_the_page_wrapper_does_not_remove_the_article():
    wrapper = "<div class='layout-with-sidebar footer-fixed'>"
    page = f"<html><body>{wrapper}<p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
    # The DOM rules and main-content are under test; the learned scorer judges this
    # toy page (two copies of one paragraph, nothing else) on its own and drops one.
    result = clean.clean_html(page, learned_scorer="off")
    assert result.text == f"{PROSE}\n\n{PROSE}"


def test_a_wrapper_that_has_a_sidebar_is_not_one():
    # As on a news site whose comments outweigh the story: the story's wrapper does not
    # hold most of the page's prose, and "has-rail-right" says it comes with a rail.
    comments = "".join(f"<div class='comment'><p>{FORUM_POST}</p></div>" for _ in range(6))
    page = (
        "<html><body><div class='main-wrap has-rail-right'>"
        f"<article><h1>The story</h1><p>{PROSE}</p></article>"
        "<aside class='rail'><p>Most read this week</p></aside></div>"
        f"<div id='comments'>{comments}</div></body></html>"
    )
    result = clean.clean_html(page, learned_scorer="off")
    assert PROSE in result.text
    assert {r.rule for r in result.removed if "Most read" in r.text} == {"sidebar"}
    assert not [r for r in result.removed if r.stage == "dom-rules" and PROSE in r.text]


def test_dom_rules_can_be_disabled_by_name():
    result = clean.clean_html(
        page_with('<div class="social-share"><p>Tweet this</p></div>'), disable=["share"]
    )
    assert not [r for r in result.removed if r.rule == "share"]


def test_a_long_noscript_is_the_page_for_crawlers_and_a_short_one_is_not():
    fallback = " ".join([PROSE] * 3)
    notice = "<noscript>Please enable JavaScript.</noscript>"
    page = f"<body>{notice}<noscript><div><p>{fallback}</p></div></noscript></body>"
    assert [b.text for b in blocks(page)] == [fallback]


FORUM_POST = (
    "I replaced the chain on my bicycle last week and now it skips under load on the two smallest cogs, "
    "even though the cassette looks fine and the derailleur was adjusted at the shop a month ago."
)


def test_comments_are_removed_beside_an_article_but_kept_when_they_are_the_page():
    comments = "".join(f'<div class="comment"><p>{FORUM_POST}</p></div>' for _ in range(3))
    forum = clean.clean_html(f"<body><h1>Chain skips</h1><div class='comment-list'>{comments}</div></body>")
    assert forum.text.count(FORUM_POST) == 3
    article = f"<article><p>{PROSE}</p><p>{PROSE} Again.</p><p>{PROSE} Once more.</p></article>"
    blog = clean.clean_html(f"<body>{article}<div class='comment-list'>{comments}</div></body>")
    assert FORUM_POST not in blog.text
    assert {r.rule for r in blog.removed} == {"comments"}


def test_a_run_of_paragraphs_laid_out_twice_is_kept_once():
    paragraphs = "".join(f"<p>{PROSE} Part {n}.</p>" for n in range(3))
    page = f"<body><div class='desktop'>{paragraphs}</div><div class='mobile'>{paragraphs}</div></body>"
    result = clean.clean_html(page)
    assert result.text.count("Part 1.") == 1
    assert [r.rule for r in result.removed] == ["repeated-block"] * 3


def test_utility_classes_hide_unless_a_responsive_class_shows_the_element():
    page = (
        '<p class="sr-only">Opens in a new window</p><p class="hidden">Thanks for signing up!</p>'
        '<p class="hidden md:block">Desktop only</p><p class="d-none d-lg-block">Large screens</p>'
        "<p>Always</p>"
    )
    assert [b.text for b in blocks(page)] == ["Desktop only", "Large screens", "Always"]


@pytest.mark.parametrize("name", sorted(HIDDEN_CLASSES))
def test_every_hiding_class_hides_among_other_classes(name: str):
    # The walk screens class lists with substring hints before splitting them: none may be missed.
    page = f'<p class="card {name} text-muted">Thanks for signing up!</p><p>Always</p>'
    assert [b.text for b in blocks(page)] == ["Always"]


def test_ids_and_classes_with_path_syntax_characters_are_made_safe():
    page = '<div id="a.b c" class="x:1 y[2] z"><p>Text</p></div><div class="plain other"><p>More</p></div>'
    first, second = blocks(page)
    assert first.path.endswith("div#a_b_c.x_1.y_2_.z > p")
    assert second.path.endswith("div.plain.other:2 > p")


def test_content_a_script_reveals_is_read_but_a_hidden_modal_is_not():
    body = "".join(f"<p>{PROSE} ({n})</p>" for n in range(4))
    deferred = f'<body><nav>Menu</nav><div style="display:none" class="product-wrapper">{body}</div></body>'
    assert len(blocks(deferred)) == 5
    modal = f'<body><p>{PROSE}</p><div style="display:none" role="dialog">{body}</div></body>'
    assert [b.text for b in blocks(modal)] == [PROSE]
    small = f'<body>{body}<div style="display:none"><p>Thanks for subscribing!</p></div></body>'
    assert "Thanks for subscribing!" not in [b.text for b in blocks(small)]


def test_closed_tab_and_accordion_panels_are_read_but_other_hidden_elements_are_not():
    page = (
        '<div role="tablist"><button id="t1">Specs</button><button id="t2">Care</button></div>'
        '<div role="tabpanel" aria-labelledby="t1"><p>Made of solid oak.</p></div>'
        '<div role="tabpanel" aria-labelledby="t2" hidden><p>Wipe with a damp cloth.</p></div>'
        '<h3 id="q1">Does it ship abroad?</h3>'
        '<div aria-labelledby="q1" style="display: none"><p>Yes, to every country in Europe.</p></div>'
        '<div role="region" aria-labelledby="q1" hidden><p>Returns are free for a month.</p></div>'
        '<div class="faq__answer" style="display:none"><p>We reply within a day.</p></div>'
        '<div class="c-accordion-item" aria-hidden="true"><p>Assembly takes an hour.</p></div>'
        '<div class="answers-count" hidden><p>3 answers</p></div>'
        '<ul role="menu" aria-labelledby="t1" hidden><li>Account settings</li></ul>'
        "<div hidden><p>Sign in to continue.</p></div>"
        '<div role="dialog" aria-labelledby="q1" hidden><p>Join our newsletter.</p></div>'
        '<div class="modal fade" aria-labelledby="q1" aria-hidden="true"><p>Get 10% off.</p></div>'
    )
    assert [b.text for b in blocks(page)] == [
        "Made of solid oak.",
        "Wipe with a damp cloth.",
        "Does it ship abroad?",
        "Yes, to every country in Europe.",
        "Returns are free for a month.",
        "We reply within a day.",
        "Assembly takes an hour.",
    ]


def test_streamed_segments_are_read_where_the_page_script_puts_them():
    page = (
        '<body><h1>Title</h1><!--$?--><template id="B:0"></template><p>Loading...</p><!--/$-->'
        '<p>After the boundary</p><div hidden id="S:0"><p>The streamed paragraph</p></div>'
        '<script>$RC("B:0","S:0")</script></body>'
    )
    assert [b.text for b in blocks(page)] == ["Title", "The streamed paragraph", "After the boundary"]


def test_a_streamed_segment_fills_a_placeholder_inside_another_segment():
    # "S:0" fills boundary B:0 and holds placeholder P:5, which segment "S:5" fills;
    # the segments come in either order at the end of the page.
    for order in ((0, 5), (5, 0)):
        segments = {
            0: '<div hidden id="S:0"><h2>Section</h2><template id="P:5"></template></div>',
            5: '<div hidden id="S:5"><p>The nested paragraph</p></div>',
        }
        page = (
            '<body><h1>Title</h1><template id="B:0"></template><p>Loading...</p><!--/$-->'
            "<p>After</p>" + "".join(segments[k] for k in order) + "</body>"
        )
        assert [b.text for b in blocks(page)] == ["Title", "Section", "The nested paragraph", "After"], order


def test_streamed_segments_are_found_however_their_id_is_quoted():
    # The segments are found in the parsed tree, not by searching the page's text for id="S:.
    for quoted in ("'S:0'", "S:0"):
        page = (
            '<body><template id="B:0"></template><p>Loading...</p><!--/$-->'
            f"<p>After</p><div hidden id={quoted}><p>Streamed</p></div></body>"
        )
        assert [b.text for b in blocks(page)] == ["Streamed", "After"], quoted


def _element_totals_by_prefix(blocks_in: list, prose: list[float]) -> dict[str, tuple]:
    """element_stats's totals worked out the slow way: every prefix of a block's path holds it."""
    from clean.frontends.html.path import prefixes

    totals: dict[str, list] = {}
    for block, weight in zip(blocks_in, prose, strict=True):
        for path in prefixes(block.path):
            if path not in totals:
                totals[path] = [0.0, 0.0, 0.0, 0.0, 0, False]
            entry = totals[path]
            entry[0] += block.features["words"]
            entry[1] += block.features["chars"]
            entry[2] += block.features["link_chars"]
            entry[3] += weight
            entry[4] += 1
            entry[5] = entry[5] or block.tag == "h1"
    return {path: tuple(entry) for path, entry in totals.items()}


@pytest.mark.parametrize("every", [1, 2, 3])
def test_element_totals_match_the_blocks_each_element_holds(every):
    # Siblings (the list items, the cards), elements nested deeper and shallower than the
    # block before them, and subsets of the blocks (a stage passes its kept blocks) with gaps.
    from clean.frontends.html.elements import element_stats, element_table

    page = (
        "<html><body><header><nav><ul><li><a href='/'>Home</a></li><li><a href='/a'>About</a></li>"
        "<li><a href='/b'>Blog</a></li></ul></nav></header><main><article><h1>Budget news</h1>"
        f"<p>{PROSE}</p><p>Second paragraph of the story, <a href='/x'>with a link</a>.</p>"
        "<div class='card'><h2>One</h2><p>First card text here.</p></div>"
        "<div class='card'><h2>Two</h2><div><div><p>Deep text in the second card.</p></div></div>"
        "<p>Back up one level.</p></div><blockquote>A quote.</blockquote></article>"
        "<aside><p>Aside text.</p></aside></main><footer><p>Footer text.</p></footer></body></html>"
    )
    doc = parse_document(page, None, Options())
    chosen = doc.blocks[::every]
    prose = [float(b.features["chars"]) for b in chosen]  # whole numbers: any order of sums is exact
    table = element_table(doc)
    found = element_stats(table, chosen, prose)
    expected = _element_totals_by_prefix(chosen, prose)
    held = [e for e, count in enumerate(found.blocks) if count]
    assert [table.paths[e] for e in held] == list(expected)  # element ids: document order, parents first
    for element, path in enumerate(table.paths):
        sums = (found.words[element], found.chars[element], found.link_chars[element], found.prose[element])
        row = (*sums, found.blocks[element], found.holds_h1[element])
        # An element that holds none of the chosen blocks has zero totals.
        assert row == expected.get(path, (0.0, 0.0, 0.0, 0.0, 0, False)), path
    assert found.holds_h1[table.ids["html > body > main > article"]] is (every != 2)
