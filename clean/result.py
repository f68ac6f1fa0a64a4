"""What a caller gets back: the clean text, the removals, the metadata, the diff."""

from __future__ import annotations

from dataclasses import dataclass, field

from clean.model import Document, Override, Removal, Repair
from clean.options import Options
from clean.report.diff import unified_diff
from clean.report.render import input_view, output_text


@dataclass(slots=True)
class Result:
    document: Document
    options: Options = field(default_factory=Options)
    text: str = ""
    removed: list[Removal] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    # Rule removals a later stage undid (the learned scorer judged the block content):
    # the block is in `text`, and this says which rule had removed it and why it stayed.
    restored: list[Override] = field(default_factory=list)
    # Blocks whose text the front end repaired (mojibake), before any stage read them.
    repaired: list[Repair] = field(default_factory=list)

    @classmethod
    def from_document(cls, document: Document, options: Options) -> Result:
        return cls(
            document=document,
            options=options,
            text=output_text(document),
            removed=document.removals,
            metadata=dict(document.metadata),
            restored=document.overridden,
            repaired=document.repaired,
        )

    def input_text(self) -> str:
        """The input's text view: every block, before any removal."""
        return input_view(self.document)

    def diff(self, context: int = 1) -> str:
        """Unified diff of the input's text view against `text`, hunks labelled by rule."""
        return unified_diff(self.document, context)

    def records(self) -> dict[str, list[dict]]:
        """The removals, the removals undone and the repairs, JSON-ready: what to_dict(), batch
        lines and Spark's column carry beside the text."""
        return {
            "removed": [r.to_dict() for r in self.removed],
            "restored": [o.to_dict() for o in self.restored],
            "repaired": [r.to_dict() for r in self.repaired],
        }

    def to_dict(self, *, with_diff: bool = True) -> dict:
        data = {
            "url": self.document.url,
            "kind": self.document.kind,
            "text": self.text,
            **self.records(),
            "metadata": self.metadata,
        }
        if with_diff:
            data["diff"] = self.diff()
        return data
