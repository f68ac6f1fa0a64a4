"""Handmade pages in fixtures/html/: exact clean text, and who removed each piece of chrome."""

from __future__ import annotations

from pathlib import Path

import pytest

import clean

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
NAMES = sorted(p.name.removesuffix(".html") for p in FIXTURES.glob("*.html"))


def clean_fixture(name: str) -> clean.Result:
    # Bytes, as a crawler has them: the front end must find the charset itself.
    return clean.clean_html((FIXTURES / f"{name}.html").read_bytes())


def expected_text(name: str) -> str:
    return (FIXTURES / f"{name}.expected.txt").read_text("utf-8").removesuffix("\n")


def rule_that_removed(result: clean.Result, snippet: str) -> str:
    found = [r for r in result.removed if snippet in r.text]
    assert found, f"{snippet!r} was not removed"
    return f"{found[0].stage}/{found[0].rule}"


def test_every_page_has_an_expected_text():
    assert NAMES, "no fixtures found"
    for name in NAMES:
        assert (FIXTURES / f"{name}.expected.txt").exists(), name


@pytest.mark.parametrize("name", NAMES)
def test_clean_text_is_exactly_the_expected_text(name: str):
    assert clean_fixture(name).text == expected_text(name)


@pytest.mark.parametrize("name", NAMES)
def test_every_removed_block_is_recorded_with_a_reason(name: str):
    result = clean_fixture(name)
    for removal in result.removed:
        assert removal.stage and removal.rule and removal.reason and removal.text
    # The input view is the clean text plus exactly the removed pieces.
    input_words = result.input_text().split()
    kept_words = result.text.split()
    removed_words = [w for r in result.removed for w in r.text.split()]
    assert sorted(input_words) == sorted(kept_words + removed_words)


NEWS_CHROME = {
    "We use cookies to improve your experience": "dom-rules/cookie-banner",
    "Sport": "dom-rules/nav-element",
    "Share on Facebook": "dom-rules/share",
    "Buy one pair of boots": "dom-rules/advert",
    "Sign up to our free daily newsletter": "dom-rules/newsletter",
    "Ferry timetable cut for winter months": "dom-rules/related",
    "New bakery opens on the quay": "dom-rules/sidebar",
    "All rights reserved": "dom-rules/site-footer",
    "By Mara Lindqvist": "crumbs/metadata-crumb",
}


@pytest.mark.parametrize(("snippet", "rule"), NEWS_CHROME.items())
def test_news_article_chrome_is_removed_by_the_right_rule(snippet: str, rule: str):
    assert rule_that_removed(clean_fixture("news_article"), snippet) == rule


def test_news_article_never_content_is_not_in_the_input_view():
    result = clean_fixture("news_article")
    view = result.input_text()
    for invisible in ("dataLayer", "display: none", "Secret tracking text", "Accept all"):
        assert invisible not in view


def test_news_article_keeps_the_title_in_the_article_header():
    # The <header> inside the <article> holds the h1: the site-header rule must give way.
    result = clean_fixture("news_article")
    assert result.text.startswith("Harbour town votes to restore its tidal mill\n\n")


def test_news_article_metadata_comes_from_the_dom():
    metadata = clean_fixture("news_article").metadata
    assert metadata["title"] == "Harbour town votes to restore its tidal mill"
    assert metadata["date"] == "2024-03-12"
    assert metadata["author"] == "Mara Lindqvist"
    assert metadata["site_name"] == "The Coastal Courier"
    assert metadata["url"] == "https://courier.example/news/tidal-mill"
    assert metadata["language"] == "en"


BLOG_CHROME = {
    "Recipes": "dom-rules/menu",
    "3 comments": "crumbs/metadata-crumb",
    "Tags: bread, winter": "dom-rules/tags",
    "I tried the oven light trick": "dom-rules/comments",
    "Leave a reply": "dom-rules/comments",
    "Powered by WordPress": "dom-rules/site-footer",
}


@pytest.mark.parametrize(("snippet", "rule"), BLOG_CHROME.items())
def test_blog_chrome_and_comments_are_removed_by_the_right_rule(snippet: str, rule: str):
    assert rule_that_removed(clean_fixture("blog_comments"), snippet) == rule


def test_blog_metadata_comes_from_json_ld():
    metadata = clean_fixture("blog_comments").metadata
    assert metadata["date"] == "2023-11-02"
    assert metadata["author"] == "Tomasz Wren"


def test_latin1_bytes_are_decoded_by_their_declared_charset():
    result = clean_fixture("latin1_page")
    assert "Die Brücke über die Saale wird saniert" in result.text
    assert "Fußgänger" in result.text
    assert "\ufffd" not in result.input_text()
    assert rule_that_removed(result, "Startseite") == "dom-rules/menu"
    assert rule_that_removed(result, "Impressum") == "dom-rules/site-footer"


def test_in_article_list_stays_on_adjacent_lines():
    text = clean_fixture("in_article_list").text
    assert "Fit mudguards that cover most of both wheels.\nSwap to wider tyres with a deeper tread." in text
    assert "Check the brake pads for wear." in text


def test_section_headings_stay_and_the_widgets_go():
    result = clean_fixture("section_headings")
    for heading in ("Choosing the site", "Water and forage", "Talking to the neighbours"):
        assert f"\n\n{heading}\n\n" in result.text
    assert rule_that_removed(result, "Upcoming courses") == "dom-rules/sidebar"
    assert rule_that_removed(result, "Urban Growers Join") == "dom-rules/site-header"
