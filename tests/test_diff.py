"""The diff report is a real unified diff: applied to the input's text view it gives the clean text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import clean

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds" / "input"
HUNK = re.compile(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@")


def apply_unified_diff(source: list[str], diff: str) -> list[str]:
    """A minimal patch(1): checks every context and removed line against the source."""
    out: list[str] = []
    cursor = 0  # next unread source line (0-based)
    lines = diff.splitlines()
    i = 0
    while i < len(lines):
        found = HUNK.match(lines[i])
        i += 1
        if not found:
            continue
        start = int(found.group(1)) - 1
        out.extend(source[cursor:start])
        cursor = start
        old_left, new_left = int(found.group(2)), int(found.group(4))
        while old_left or new_left:
            tag, text = lines[i][:1], lines[i][1:]
            i += 1
            if tag in " -":
                assert source[cursor] == text, f"diff does not match the input at line {cursor + 1}"
                cursor += 1
                old_left -= 1
            if tag in " +":
                out.append(text)
                new_left -= 1
    out.extend(source[cursor:])
    return out


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_diff_turns_the_input_view_into_the_clean_text(path):
    result = clean.clean_text(path.read_text(encoding="utf-8"))
    patched = apply_unified_diff(result.input_text().split("\n"), result.diff())
    assert patched == result.text.split("\n")


def test_a_document_with_no_removals_has_an_empty_diff():
    result = clean.clean_text("A plain sentence that stays, because nothing here is boilerplate at all.")
    assert result.removed == [] and result.diff() == ""
