"""Unified diff of the input's text view against the clean text.

Built from the removal records rather than by a text-diff algorithm, so every
hunk is labelled with the rule that caused it and repeated lines (a "Share"
that occurs twice) are never attributed to the wrong removal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clean.model import Block, Document
from clean.report.render import laid_out


@dataclass(slots=True)
class Op:
    """A run of lines: unchanged (context) or changed (removed / rewritten)."""

    changed: bool
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def _label(block: Block) -> list[str]:
    records = [block.removal] if block.removal else block.trims
    return [f"{r.rule}: {r.reason}" for r in records if r is not None]


def _ops(doc: Document) -> list[Op]:
    kept_layout = {b.index: (sep, lines) for b, sep, lines in laid_out(doc.blocks, kept_only=True)}
    ops: list[Op] = []
    for block, old_sep, old_lines in laid_out(doc.blocks, kept_only=False):
        old = ([""] if old_sep else []) + old_lines
        if block.index not in kept_layout:
            ops.append(Op(True, old, [], _label(block)))
            continue
        new_sep, new_lines = kept_layout[block.index]
        new = ([""] if new_sep else []) + new_lines
        if block.trims:
            ops.append(Op(True, old, new, _label(block)))
        elif old == new:
            ops.append(Op(False, old, new))
        else:
            # Only the blank separator differs, because a neighbour was removed.
            ops.append(Op(True, old[: len(old) - len(old_lines)], new[: len(new) - len(new_lines)]))
            ops.append(Op(False, old_lines, new_lines))
    return ops


def unified_diff(doc: Document, context: int = 1) -> str:
    ops = _ops(doc)
    if not any(op.changed for op in ops):
        return ""
    out = ["--- input", "+++ clean"]
    old_line = new_line = 1
    i = 0
    while i < len(ops):
        if not ops[i].changed:
            old_line += len(ops[i].old)
            new_line += len(ops[i].new)
            i += 1
            continue
        # A hunk: leading context, changed ops (joined across short context), trailing context.
        lead = ops[i - 1].old[-context:] if i > 0 and context else []
        start_old, start_new = old_line - len(lead), new_line - len(lead)
        body = [" " + line for line in lead]
        labels: list[str] = []
        while i < len(ops):
            op = ops[i]
            if op.changed:
                body += ["-" + line for line in op.old] + ["+" + line for line in op.new]
                labels += [label for label in op.labels if label not in labels]
            elif len(op.old) < 2 * context and i + 1 < len(ops) and ops[i + 1].changed:
                body += [" " + line for line in op.old]
            else:
                break
            old_line += len(op.old)
            new_line += len(op.new)
            i += 1
        if i < len(ops) and context:
            body += [" " + line for line in ops[i].old[:context]]
        old_count = sum(1 for line in body if line[0] in " -")
        new_count = sum(1 for line in body if line[0] in " +")
        rules = sorted({label.split(":", 1)[0] for label in labels})
        # Reasons go before the header, where patch tools skip text between hunks.
        out += [f"# {label}" for label in labels]
        out.append(f"@@ -{start_old},{old_count} +{start_new},{new_count} @@ {', '.join(rules)}")
        out += body
    return "\n".join(out) + "\n"
