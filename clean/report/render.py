"""The two text views every report compares: the input's and the output's.

Both join blocks the same way (adjacent lines within a group, a blank line
between groups) so that a diff of them shows only what the stages removed.
"""

from __future__ import annotations

from collections.abc import Iterator

from clean.model import Block, Document


def laid_out(blocks: list[Block], *, kept_only: bool) -> Iterator[tuple[Block, bool, list[str]]]:
    """Yield (block, blank line before it?, its lines) in the chosen view."""
    previous: Block | None = None
    for block in blocks:
        if kept_only and not block.kept:
            continue
        text = block.kept_text() if kept_only else block.text
        if not text:
            continue
        separated = previous is not None and previous.group != block.group
        yield block, separated, text.split("\n")
        previous = block


def join_view(doc: Document, *, kept_only: bool) -> str:
    out: list[str] = []
    for _, separated, lines in laid_out(doc.blocks, kept_only=kept_only):
        if separated:
            out.append("")
        out.extend(lines)
    return "\n".join(out)


def input_view(doc: Document) -> str:
    return join_view(doc, kept_only=False)


def output_text(doc: Document) -> str:
    return join_view(doc, kept_only=True)
