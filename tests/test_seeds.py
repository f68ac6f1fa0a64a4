"""The user's five seed texts: exact output, and one named removal per boilerplate piece.

The expected removals below are written from the issue's description of each
seed, not copied from the program's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import clean

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
NAMES = sorted(p.stem for p in (SEEDS / "input").glob("*.txt"))


def run(name: str) -> clean.Result:
    return clean.clean_text((SEEDS / "input" / f"{name}.txt").read_text(encoding="utf-8"))


def seed(prefix: str) -> str:
    return next(n for n in NAMES if n.startswith(prefix))


def removed_by(result: clean.Result) -> dict[str, str]:
    """Removed text (stripped) -> rule."""
    return {r.text.strip(): r.rule for r in result.removed}


def test_all_five_seeds_are_bundled():
    assert len(NAMES) == 5


@pytest.mark.parametrize("name", NAMES)
def test_seed_output_is_exact(name):
    expected = (SEEDS / "expected" / f"{name}.txt").read_text(encoding="utf-8").rstrip("\n")
    assert run(name).text == expected


@pytest.mark.parametrize("name", NAMES)
def test_every_removal_is_a_full_record(name):
    source = (SEEDS / "input" / f"{name}.txt").read_text(encoding="utf-8")
    for removal in run(name).removed:
        assert removal.stage and removal.rule and removal.reason
        assert removal.text.strip() and removal.text in source


def test_clean_seed_000_loses_nothing():
    result = run(seed("000"))
    assert result.removed == []
    assert "Challenges for Huawei" in result.text.splitlines()


def test_seed_001_headline_list_removed_article_kept():
    result = run(seed("001"))
    removed = removed_by(result)
    headlines = [
        "Instagram Outage Disrupts Thousands of U.S. Users",
        "SpaceX Prioritizes Moon Mission Before Mars as Starship Development Accelerates",
        "Nvidia CEO Jensen Huang Says AI Investment Boom Is Just Beginning as NVDA Shares Surge",
    ]
    for headline in headlines:
        assert removed[headline] == "headline-list"
    assert len([r for r in result.removed if r.rule == "headline-list"]) == 15
    assert result.text.endswith("closer to its lofty ambitions.")
    assert len(result.text.split("\n\n")) == 6


def test_seed_002_date_crumb_cut_sentence_kept():
    result = run(seed("002"))
    assert [(r.rule, r.text.strip()) for r in result.removed] == [("date-prefix", "date 2017-12-15")]
    assert result.text.startswith("While Apple has the lead in the U.S.")
    assert result.metadata["date"] == "2017-12-15"


def test_seed_003_related_and_sponsored_removed_title_kept():
    result = run(seed("003"))
    removed = removed_by(result)
    related = "[Related: CES 2018: Huawei Launches New U.S. Phone Through Retailers, Not Carriers]"
    assert removed == {related: "cue-related", "Sponsored post": "cue-sponsored"}
    title = "Huawei Loses U.S. Carrier Support, But Partners Can Still Resell The Latest Huawei Smartphone"
    assert result.text.splitlines()[0] == title


def test_seed_004_header_crumb_also_read_and_footer_removed():
    result = run(seed("004"))
    removed = removed_by(result)
    assert removed["Certified company | Engineering the world"] == "page-header"
    assert removed["Get in touch"] == "cue-call-to-action"
    assert removed["Jan 10, 2018 | Uncategorized | 0 comments"] == "metadata-crumb"
    also_read = [text for text, rule in removed.items() if text.startswith("Also Read")]
    assert len(also_read) == 4 and all(removed[t] == "cue-related" for t in also_read)
    footer = [
        "let’s get connected",
        "Have a Question?",
        "If you have any questions or need to discuss about your project",
        "Feel free to reach out to our friendly team.",
    ]
    for line in footer:
        assert line in removed and removed[line] in {"page-footer", "cue-call-to-action"}
    assert len(result.removed) == 11
    lines = result.text.splitlines()
    assert lines[0] == "AT&T Bails On Huawei In The US"
    # The paragraph glued under the last "Also Read:" line stays.
    assert lines[-1].startswith("And now the manufacturer is also torpedoed")
    assert result.metadata["date"] == "2018-01-10"


def test_disabling_a_rule_keeps_its_text():
    result = clean.clean_text(
        (SEEDS / "input" / f"{seed('003')}.txt").read_text(encoding="utf-8"), disable=["cue-sponsored"]
    )
    assert "Sponsored post" in result.text
    assert {r.rule for r in result.removed} == {"cue-related"}


def test_diff_labels_each_removal_with_its_rule():
    diff = run(seed("004")).diff()
    assert diff.startswith("--- input\n+++ clean\n")
    for rule in ("page-header", "cue-call-to-action", "metadata-crumb", "cue-related", "page-footer"):
        assert f"# {rule}: " in diff
    assert "-Also Read:\u00a0Huawei P20 New Leaks" in diff
    assert "+And now the manufacturer" not in diff  # kept lines are context, not changes


def test_to_dict_has_the_documented_keys():
    data = run(seed("002")).to_dict()
    assert {"text", "removed", "metadata", "diff"} <= set(data)
    assert set(data["removed"][0]) >= {"text", "stage", "rule", "reason"}
