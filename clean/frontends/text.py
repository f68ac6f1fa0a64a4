"""Plain-text front end: one block per non-blank line.

Lines, not blank-line paragraphs, are the unit because boilerplate is often
glued to content by a single newline (an "Also Read:" line directly above a
paragraph). In page text a line is a paragraph, so each line is its own group
and the clean text separates them by one blank line, as the API promises.
"""

from __future__ import annotations

from clean.frontends.mojibake import repaired_block_text
from clean.model import Block, Document

# Characters that are whitespace to a reader but not to str.strip().
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def segment_text(text: str, url: str | None = None) -> Document:
    text = normalise_newlines(text)
    doc = Document(kind="text", source=text, url=url)
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip().strip(INVISIBLE).strip()
        if line:
            index = len(doc.blocks)
            if not line.isascii():
                line = repaired_block_text(doc, index, line)
            doc.blocks.append(Block(index=index, text=line, kind="line", group=index, lines=(number, number)))
    return doc
