# ruff: noqa: E501  (the page texts keep their lines as the page printed them)
"""The forum and Q&A software's own labels (cue-interface), and why they do not end an article.

The inputs are page texts as html_text prints a Stack Exchange question and a
XenForo thread: the software's sort control, quote expander and browser
notices sit between the posts. They are removed by name, and they score as a
short line in page-edges, so the question above the sort control stays with
the answers below it (a boilerplate penalty of two removed lines cut it off).
Both texts are under 41 lines: the rules alone decide them.
"""

from __future__ import annotations

import clean

QUESTION_PAGE = """\
Stack Exchange Network
Home
Questions
Tags
Users
How do I keep cut basil fresh for a week?
Asked 3 years ago
Modified 1 year ago
Viewed 2k times
I buy a large bunch of basil every Sunday for the cooking I do during the week.
By Wednesday the leaves have turned black and limp in the fridge, even in a closed box.
What should I do differently to keep it fresh?
herbs
storage
Share
Improve this question
2 Answers
Sorted by: Reset to default
Highest score (default) Date modified (newest first) Date created (oldest first)
Basil is a warm weather plant and the cold of the refrigerator damages its leaves, which is why they turn black within a couple of days. Treat it like a bunch of cut flowers instead: trim the stems, stand them in a glass of water on the counter and change the water every day.
A loose plastic bag over the top keeps the leaves from drying out while the stems drink, and the bunch will stay fresh for most of a week in a cool kitchen.
Share
Improve this answer
answered May 3, 2021 at 9:12
If you cannot use it all in time, blend the leaves with olive oil and freeze the paste in an ice cube tray. The flavour survives freezing far better than the texture of whole leaves does, and a cube or two goes straight into a sauce or a soup.
Share
Improve this answer
answered May 4, 2021 at 18:40
Your Answer
Post Your Answer
By clicking "Post Your Answer", you agree to our terms of service and acknowledge you have read our privacy policy.
Hot Network Questions
Why does bread go stale faster in the fridge?
Is it safe to eat sprouted garlic?
Site design / logo © 2024 Stack Exchange Inc; user contributions licensed under CC BY-SA.
"""

THREAD_PAGE = """\
Home
Forums
What's new
JavaScript is disabled. For a better experience, please enable JavaScript in your browser before proceeding.
You are using an out of date browser. It may not display this or other websites correctly.
You should upgrade or use an alternative browser.
Which hand plane should a beginner buy first?
I am setting up a small workshop in the garage and would like to start with one good plane rather than a cheap set.
Most of the work will be flattening boards for boxes and small tables, nothing larger than a meter long.
Would a jack plane or a smoothing plane be the better first purchase for that kind of work?
Reply
woodchuck said:
I am setting up a small workshop in the garage and would like to start with one good plane.
Click to expand...
A number five jack plane is the one to start with, because it can flatten, joint and smooth well enough for boxes and small tables.
Buy a used one from a flea market and spend the money you save on a good sharpening stone instead of a second plane.
Reply
Click to expand...
I agree with the jack plane, and would add that learning to sharpen the iron properly matters far more than which brand you buy.
Reply
Follow along with the video below to see how to install our site as a web app on your home screen.
Note: This feature may not be available in some browsers.
"""


def removed_by(result: clean.Result, rule: str) -> list[str]:
    return [r.text.strip() for r in result.removed if r.rule == rule]


def test_question_page_sort_control_goes_question_stays():
    result = clean.clean_text(QUESTION_PAGE)
    assert removed_by(result, "cue-interface") == [
        "Sorted by: Reset to default",
        "Highest score (default) Date modified (newest first) Date created (oldest first)",
    ]
    # The question is above the sort control, the answers below it: both stay.
    assert "What should I do differently to keep it fresh?" in result.text
    assert "freeze the paste in an ice cube tray" in result.text


def test_thread_quote_expander_and_browser_notices_go():
    result = clean.clean_text(THREAD_PAGE)
    removed = removed_by(result, "cue-interface")
    assert removed.count("Click to expand...") == 2
    for notice in (
        "You are using an out of date browser. It may not display this or other websites correctly.",
        "You should upgrade or use an alternative browser.",
        "Note: This feature may not be available in some browsers.",
    ):
        assert notice in removed
        assert notice not in result.text
    assert "A number five jack plane is the one to start with" in result.text


def test_interface_cue_is_the_whole_line_only():
    # A sentence that merely starts like the control is text.
    text = (
        "Sorted by date, the letters show how the family moved west over three generations.\n"
        "Each letter was written on the paper of the town the family lived in at the time."
    )
    assert clean.clean_text(text).removed == []
