"""Text-mode heuristics on handmade page texts (fixtures/text/): what goes, what stays, and why.

Each fixture is a page's full text as a crawler's text dump would hold it
(site name, menus, the article, calls to action, footer), written for these
tests. NAME.expected.txt is the exact clean text; the tests below also check
which rule removed each piece of boilerplate, and that content which looks
like boilerplate (a lone heading, a list of short items) stays.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import clean
from clean.heuristics.menus import breadcrumb, pipe_menu
from clean.options import Options

TEXT = Path(__file__).resolve().parents[1] / "fixtures" / "text"
NAMES = sorted(p.stem for p in TEXT.glob("*.txt") if not p.stem.endswith(".expected"))


def source(name: str) -> str:
    return (TEXT / f"{name}.txt").read_text(encoding="utf-8")


def run(name: str, **options) -> clean.Result:
    return clean.clean_text(source(name), **options)


def rule_of(result: clean.Result, text: str) -> str | None:
    """The rule that removed the line `text`, or None when it was kept."""
    found = [r.rule for r in result.removed if r.text.strip() == text]
    return found[0] if found else None


def paragraphs(result: clean.Result) -> list[str]:
    return result.text.split("\n\n")


@pytest.mark.parametrize("name", NAMES)
def test_fixture_output_is_exact(name):
    expected = (TEXT / f"{name}.expected.txt").read_text(encoding="utf-8").rstrip("\n")
    assert run(name).text == expected


@pytest.mark.parametrize("name", NAMES)
def test_every_removal_names_its_rule_and_a_reason(name):
    text = source(name)
    for removal in run(name).removed:
        assert removal.stage and removal.rule and removal.reason
        assert removal.text.strip() and removal.text in text


def test_lone_section_heading_stays_site_header_goes():
    result = run("section_heading")
    assert "How the survey was done" in paragraphs(result)
    assert paragraphs(result)[0] == "Library extends weekend opening hours after survey"  # the title
    for line in ("Riverside Gazette", "News", "Sport", "Opinion", "Weather"):
        assert rule_of(result, line) == "page-header"
    assert rule_of(result, "Privacy | Terms | Contact") == "page-footer"
    assert rule_of(result, "© 2024 Riverside Gazette. All rights reserved.") == "cue-legal"


def test_header_reason_gives_the_article_span_and_the_numbers():
    result = run("section_heading")
    reason = next(r.reason for r in result.removed if r.text.strip() == "Weather")
    # The article's lines, its content score, and this line's own score.
    assert "the article (lines 10-20, content score +153)" in reason
    assert reason.endswith("this line: short (-1)")


def test_in_article_list_of_short_items_stays():
    result = run("in_article_list")
    kept = paragraphs(result)
    for item in ("Radishes", "Lettuce", "Spinach", "Spring onions", "Peas", "Beetroot"):
        assert item in kept
    assert not [r for r in result.removed if r.rule == "headline-list"]
    assert rule_of(result, "Share on Facebook") == "cue-share"
    assert rule_of(result, "Menu") == "cue-navigation"


def test_unrelated_headline_list_goes_article_stays():
    result = run("headline_list")
    headlines = [r for r in result.removed if r.rule == "headline-list"]
    assert len(headlines) == 5
    assert headlines[0].text == "Central Bank Leaves Interest Rates Unchanged for Third Month in a Row"
    assert "share only 3% of their words with the article" in headlines[0].reason
    assert len(paragraphs(result)) == 5  # the title and the four paragraphs
    assert result.text.endswith("continues through the spring.")


@pytest.mark.parametrize(
    ("name", "cues"),
    [
        ("cues_de", {
            "Lesen Sie auch: Wie Sie Ihren Stromverbrauch im Sommer senken": "cue-related",
            "Anzeige": "cue-sponsored",
            "Artikel teilen": "cue-share",
            "Jetzt abonnieren": "cue-subscribe",
        }),
        ("cues_fr", {
            "Lire aussi : Les bibliothèques de la région attirent de plus en plus de jeunes lecteurs":
                "cue-related",
            "Publicité": "cue-sponsored",
            "Partager sur Facebook": "cue-share",
            "Abonnez-vous à notre newsletter": "cue-subscribe",
        }),
        ("cues_es", {
            "Lee también: Las mejores playas de río para pasar el verano cerca de la ciudad": "cue-related",
            "Publicidad": "cue-sponsored",
            "Compartir en Facebook": "cue-share",
            "Suscríbete a nuestro boletín": "cue-subscribe",
        }),
    ],
)  # fmt: skip
def test_cue_phrases_in_german_french_spanish(name, cues):
    result = run(name)
    assert {r.text.strip(): r.rule for r in result.removed} == cues
    assert len(paragraphs(result)) == 4  # title and three paragraphs, the one under the ad label too


def test_breadcrumb_and_pipe_menu_go():
    result = run("menus")
    assert rule_of(result, "Home > Transport > Cycling") == "breadcrumb"
    # Below the article the pipe menu is the page's footer; page-edges claims it first.
    assert rule_of(result, "About | Advertise | Careers | Contact") == "page-footer"
    alone = run("menus", disable=["page-edges"])
    assert rule_of(alone, "About | Advertise | Careers | Contact") == "pipe-menu"
    assert "Both lanes will be separated" in result.text


@pytest.mark.parametrize(
    "line",
    ["Home > News > Tech", "Startseite › Ratgeber › Garten", "Accueil » Actualités", "Inicio / Deportes",
     "Sofia Health » Price Guides » Meditation Class Cost"],
)  # fmt: skip
def test_breadcrumb_shapes(line):
    assert breadcrumb(line, Options())


@pytest.mark.parametrize(
    "line",
    ["ZTNA / SASE / SDWAN", "5° / 11° / 12°", "If orderAmount > 5000 → Send premium email",
     "Example: Arts > Hobbies > Home", "News > Sport", "Step 1 > Step 2 > Step 3",
     "Go to Settings > Privacy > Location Services to check it."],
)  # fmt: skip
def test_not_breadcrumbs(line):
    assert breadcrumb(line, Options()) is None


@pytest.mark.parametrize(
    ("line", "menu"),
    [("About | Careers | Press | Contact", True), ("Über uns · Karriere · Presse · Kontakt", True),
     ("Size: XL | Colour: red | Fit: slim", False), ("Jan 10, 2018 | Uncategorized | 0 comments", False),
     ("organic cotton | linen | hemp", False), ("Open design • Great controls • Long battery life", False),
     ("Certified company | Engineering the world", False)],
)  # fmt: skip
def test_pipe_menu_shapes(line, menu):
    assert bool(pipe_menu(line, Options())) is menu


def test_glued_date_crumb_cut_sentence_stays():
    result = run("glued_date")
    assert [(r.rule, r.text) for r in result.removed] == [("date-prefix", "Published 12 March 2024 ")]
    assert result.text.startswith("The regional train operator will add a late evening service")
    assert result.metadata["date"] == "2024-03-12"


def test_record_list_is_the_content_of_a_listing():
    result = run("listing")
    kept = paragraphs(result)
    titles = ["Lemon Chicken with Green Beans", "Creamy Tomato Pasta with Spinach",
              "Sesame Noodles with Crispy Tofu", "Black Bean Tacos with Lime Slaw",
              "Pan-Fried Salmon with Herb Potatoes", "Sausage and White Bean Stew"]  # fmt: skip
    assert all(title in kept for title in titles)
    assert "141 reviews / 4.8 average" in kept
    # The listing's own heading stays; the site's menus and footer go.
    assert kept[0] == "Weeknight Recipes"
    header = next(r for r in result.removed if r.text == "Cookbooks")
    assert header.rule == "page-header"
    assert 'it covers a list of 6 records, each with the line "124 reviews / 4.8 average"' in header.reason
    assert rule_of(result, "Careers") == "page-footer"
    # The button under every recipe is the template of each record.
    saves = [r for r in result.removed if r.text == "Save recipe"]
    assert len(saves) == 6 and all(r.rule == "repeated-line" for r in saves)
    assert rule_of(result, "Get our free weekly menu planner in your inbox.") == "cue-subscribe"


def test_without_record_lists_the_listing_shrinks_to_its_intro():
    result = run("listing", disable=["record-list"])
    assert "Lemon Chicken with Green Beans" not in result.text
    assert result.text.startswith("Weeknight Recipes\n\nQuick dinners for busy evenings")


def test_repeated_paragraph_and_menu_kept_once():
    result = run("repeated_lines")
    first = "A new footbridge over the canal will open on Saturday"
    assert result.text.count(first) == 1
    copy = [r for r in result.removed if r.rule == "repeated-line"]
    assert len(copy) == 1 and copy[0].text.startswith(first)
    assert copy[0].reason == "the same words as line 11, which is kept"
    assert [r.rule for r in result.removed].count("page-header") == 6  # both copies of the menu


def test_related_teasers_end_the_article():
    result = run("related_teasers")
    assert result.text.endswith("leave it at home.")
    assert rule_of(result, "Related posts") == "cue-related"
    teaser = "We pitched ten tents on an exposed ridge for a week of autumn storms"
    assert teaser not in result.text
    # The heading is what stops the article: worth nothing, the teasers' prose would join it.
    assert teaser in run("related_teasers", region_section_end_penalty=0).text


def test_blog_comments_are_not_the_article():
    result = run("blog_comments")
    assert result.text.endswith("before you change the flour or throw it away.")
    assert "Thank you, this was exactly my problem." not in result.text
    assert rule_of(result, "2 Comments") == "metadata-crumb"
    assert rule_of(result, "Leave a Reply") == "cue-comments"
    assert (
        "Thank you, this was exactly my problem." in run("blog_comments", region_section_end_penalty=0).text
    )


def test_chinese_page_keeps_title_and_article_drops_menus():
    result = run("chinese")
    assert paragraphs(result)[0] == "市图书馆周末延长开放时间"
    assert len(paragraphs(result)) == 3
    for line in ("首页", "新闻", "体育", "关于我们"):
        assert rule_of(result, line) == "page-header"
    assert rule_of(result, "联系我们") == "page-footer"


def test_a_page_without_prose_is_left_alone():
    """With no sentence to anchor an article, page-edges judges nothing (a best effort beats nothing)."""
    lines = ["Spring Sale", "Garden Tools", "Outdoor Furniture", "Planters and Pots"]
    result = clean.clean_text("\n".join(lines))
    assert result.removed == []
    assert result.text.split("\n\n") == lines


@pytest.mark.parametrize("name", NAMES)
def test_cleaning_the_clean_text_again_removes_nothing(name):
    expected = (TEXT / f"{name}.expected.txt").read_text(encoding="utf-8")
    assert [(r.rule, r.text) for r in clean.clean_text(expected).removed] == []


def test_consent_dialog_goes_and_the_listing_it_outweighed_stays():
    """The dialog's long sentences outweigh a listing of short teasers unless the dialog is found first."""
    result = run("consent_listing")
    assert rule_of(result, "Strictly Necessary Cookies") == "consent-dialog"
    assert rule_of(result, "Confirm my choices") == "consent-dialog"
    assert "These cookies allow us" not in result.text
    teaser = "Trail shoes compared: five pairs after a muddy winter season"
    assert teaser in paragraphs(result)
    without = run("consent_listing", disable=frozenset({"consent-dialog"}))
    assert teaser not in without.text and "These cookies allow us" in without.text


def test_article_about_cookies_and_consent_is_not_a_dialog():
    """The terms without the dialog's buttons and headings: an article about privacy stays whole."""
    result = run("consent_article")
    assert not [r for r in result.removed if r.rule == "consent-dialog"]
    assert "an opt-out buried in a settings page does not meet the law" in result.text


@pytest.mark.parametrize(
    "line",
    [
        "Replies 154",  # label first
        "Views 26.2k",  # abbreviated number
        "25.8k posts",
        "40.8k Reputation",
        "Asked 6 years, 9 months ago",
        "Created 1 yr 1 yr",
        "vor 2 Tagen",
        "answered Mar 26, 2019 at 16:59",
        "August 26, 2024 1 yr",
        "2019-03-26 16:40:42 +00:00",
    ],
)
def test_forum_and_qa_counters_are_metadata_crumbs(line):
    assert clean.clean_text(f"{line}\n{ARTICLE_LINE}").removed[0].rule == "metadata-crumb"


@pytest.mark.parametrize(
    "line",
    ["6 years", "Warranty: 2 years", "84 reviews / 4.8 average", "William Overington 56 posts"],
)
def test_facts_that_look_like_counters_stay(line):
    removed = clean.clean_text(f"{line}\n{ARTICLE_LINE}").removed
    assert [r.text for r in removed if r.stage == "crumbs"] == []


def test_crumb_lines_are_read_alike_with_and_without_the_digit_screen():
    # crumb_fields skips the per-field patterns on lines with neither a digit nor a
    # byline; on every line of the text fixtures it must name what the patterns name.
    from clean.rules import crumbs

    lines = {line for name in NAMES for line in source(name).splitlines() if line.strip()}
    lines |= {"By Jane Doe | Opinion", "Home | About | Contact", "Von Anna Schmidt", "News | Sport"}
    found = 0
    for line in lines:
        fields = [f for f in crumbs.FIELD_SEPARATOR.split(line.strip()) if f.strip()]
        kinds = [crumbs._field_kind(f) for f in fields]
        expected = None
        named = zip(kinds, fields, strict=True)
        short_fields = all(k is not None or len(f.split()) <= crumbs.MAX_FIELD_WORDS for k, f in named)
        if (
            len(line.split()) <= crumbs.MAX_CRUMB_WORDS
            and not line.rstrip().endswith((".", "?", "!"))
            and {"date", "byline", "count", "ago"} & set(kinds)
            and short_fields
        ):
            expected = [k or "category" for k in kinds]
        assert crumbs.crumb_fields(line) == expected, line
        found += expected is not None
    assert found >= 5  # bylines, dates and counts among them
    assert crumbs.crumb_fields("By Jane Doe | Opinion") == ["byline", "category"]


# A sentence long enough to be an article on its own (page-edges keeps it).
ARTICLE_LINE = (
    "The council approved the new cycle lanes on Tuesday after a long debate about parking, "
    "and work on the first stretch along the river is expected to begin in the spring."
)
