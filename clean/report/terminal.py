"""Colour for the diff report when it goes to a terminal.

The diff text itself stays plain (it is a real patch); colour is only added
on the way to a TTY, so piping `clean --format diff` into a file or into
patch(1) never carries escape codes.
"""

from __future__ import annotations

import re

RED = "\x1b[31m"
GREEN = "\x1b[32m"
CYAN = "\x1b[36m"
RESET = "\x1b[0m"

_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


def colour_diff(diff_text: str) -> str:
    """Colour a unified diff with ANSI codes: removed red, added green, headers and labels cyan.

    Hunk bodies are read with the line counts from their headers, so a removed
    line whose text starts with "-- " is red, not mistaken for a "--- input"
    file label. Each colour is reset before the newline, so a pager or a
    truncated terminal never bleeds colour into the next line.
    """
    out: list[str] = []
    old_left = new_left = 0
    for line in diff_text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        colour: str | None = None
        if old_left > 0 or new_left > 0:
            tag = body[:1]
            if tag == "-":
                colour, old_left = RED, old_left - 1
            elif tag == "+":
                colour, new_left = GREEN, new_left - 1
            elif tag == "\\":  # "\ No newline at end of file"
                pass
            else:
                old_left, new_left = old_left - 1, new_left - 1
        elif found := _HUNK.match(body):
            colour = CYAN
            old_left = int(found.group(1) or 1)
            new_left = int(found.group(2) or 1)
        elif body.startswith(("--- ", "+++ ", "# ")):
            # File labels, and the "# rule: reason" lines written before each hunk.
            colour = CYAN
        out.append(f"{colour}{body}{RESET}{ending}" if colour else line)
    return "".join(out)
