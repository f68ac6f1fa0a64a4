"""ANSI colour for the diff on a terminal: removed red, added green, headers and labels cyan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import clean
from clean.report.terminal import CYAN, GREEN, RED, RESET, colour_diff

SEEDS = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "seeds" / "input").glob("*.txt"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def colour_of(line: str) -> str | None:
    found = re.match(r"(\x1b\[[0-9;]*m)", line)
    return found.group(1) if found else None


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_colouring_a_seed_diff_keeps_its_text_and_colours_each_line_by_kind(path):
    diff = clean.clean_text(path.read_text(encoding="utf-8")).diff()
    coloured = colour_diff(diff)
    assert ANSI.sub("", coloured) == diff
    in_hunk = False
    for plain, line in zip(diff.splitlines(), coloured.splitlines(), strict=True):
        in_hunk = in_hunk or plain.startswith("@@")
        if plain.startswith(("@@", "# ")) or (not in_hunk and plain.startswith(("---", "+++"))):
            expected = CYAN
        elif in_hunk and plain.startswith("-"):
            expected = RED
        elif in_hunk and plain.startswith("+"):
            expected = GREEN
        else:
            expected = None
        assert colour_of(line) == expected, plain
        assert expected is None or line.endswith(RESET)


def test_a_seed_with_removals_gets_red_lines():
    coloured = "".join(colour_diff(clean.clean_text(p.read_text(encoding="utf-8")).diff()) for p in SEEDS)
    assert RED in coloured and CYAN in coloured


def test_removed_lines_that_look_like_file_labels_stay_red():
    diff = "--- input\n+++ clean\n@@ -1,3 +1,3 @@ signature\n kept\n--- the author\n+++ shouting\n \n"
    lines = colour_diff(diff).splitlines()
    assert [colour_of(line) for line in lines] == [CYAN, CYAN, CYAN, None, RED, GREEN, None]


def test_an_empty_diff_stays_empty_and_line_endings_survive():
    assert colour_diff("") == ""
    assert (
        colour_diff("@@ -1 +1 @@\r\n-a\r\n+b\r\n")
        == f"{CYAN}@@ -1 +1 @@{RESET}\r\n{RED}-a{RESET}\r\n{GREEN}+b{RESET}\r\n"
    )
