"""Plain-text front end: one block per non-blank line.

Lines, not paragraphs, are the unit because boilerplate is often glued to
content by a single newline (an "Also Read:" line directly above a paragraph);
blank-line paragraphs become groups, so the output keeps the input's layout.
"""

from __future__ import annotations

from clean.model import Block, Document

# Characters that are whitespace to a reader but not to str.strip().
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def segment_text(text: str, url: str | None = None) -> Document:
    text = normalise_newlines(text)
    doc = Document(kind="text", source=text, url=url)
    group, previous_blank = 0, False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip().strip(INVISIBLE).strip()
        if not line:
            previous_blank = True
            continue
        if previous_blank and doc.blocks:
            group += 1
        previous_blank = False
        doc.blocks.append(
            Block(index=len(doc.blocks), text=line, kind="line", group=group, lines=(number, number))
        )
    return doc
