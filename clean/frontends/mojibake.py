"""Text that was decoded twice, repaired before any stage reads it.

Two faults come from the page itself, so decoding its bytes correctly does
not remove them (3% of the WCXB pages have one or both):

- UTF-8 read as Windows-1252 or Latin-1 and stored again: "â€œ" or
  "â\\x80\\x9c" for "“", "Ã©" for "é", "â‚¬" for "€";
- Windows-1252 punctuation stored as C1 control characters: U+0092 for "’",
  U+0097 for "—".

Both make words a reader cannot use (and "â" a word of its own). ftfy
(https://ftfy.readthedocs.io) repairs them; it is asked only about a text
that holds a C1 control or a UTF-8 lead byte's Windows-1252 reading followed
by a continuation byte's, since it costs 20-100 us a text and nearly every
text has neither. Its other fixes (quotes, ligatures, widths, Unicode
normalisation, HTML entities, dropping control characters) are turned off:
they would change correct text, or take characters out without a record.
"""

from __future__ import annotations

import re
from functools import cache

from clean.model import Document, Repair

# What UTF-8's continuation bytes (0x80-0xBF) become when read as Windows-1252
# (five of them are undefined there and read as the C1 control of Latin-1).
_CONTINUATIONS = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xC0))
SUSPECT = re.compile("[\x80-\x9f]|[\xc2-\xf4][" + re.escape(_CONTINUATIONS) + "]")


@cache
def _fixer():
    import ftfy  # lazily: ~30 ms to import, and most runs never need it

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        remove_control_chars=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        normalization=None,
    )

    def fix(text: str) -> tuple[str, list[str]]:
        # As ftfy.fix_text does it (a line at a time, at most max_decode_length characters,
        # which bounds its time on a hostile text), keeping each piece's explanation.
        pieces: list[str] = []
        steps: list[str] = []
        position = 0
        while position < len(text):
            end = text.find("\n", position) + 1 or len(text)
            end = min(end, position + config.max_decode_length)
            fixed, explanation = ftfy.fix_and_explain(text[position:end], config)
            pieces.append(fixed)
            for action, name in explanation or ():
                if (step := f"{action} {name}") not in steps:
                    steps.append(step)
            position = end
        return "".join(pieces), steps

    return fix


def repair_mojibake(text: str) -> str:
    """The text with double-decoded UTF-8 and C1 punctuation repaired; itself when it has neither."""
    explained = explain_mojibake(text)
    return text if explained is None else explained[0]


def explain_mojibake(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(the repaired text, ftfy's steps) when the text holds mojibake that ftfy repairs, else None."""
    if text.isascii() or SUSPECT.search(text) is None:
        return None
    fixed, steps = _fixer()(text)
    return None if fixed == text else (fixed, tuple(steps))


def repaired_block_text(doc: Document, index: int, text: str) -> str:
    """Block `index`'s text as the stages will read it: repaired, with a Repair in doc.repaired,
    when it holds mojibake; else itself. (The front ends test isascii() first: most blocks are.)"""
    explained = explain_mojibake(text)
    if explained is None:
        return text
    doc.repaired.append(Repair(index, text, *explained))
    return explained[0]
