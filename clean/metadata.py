"""Metadata found in plain text (the HTML front end reads its own from the DOM)."""

from __future__ import annotations

from clean.heuristics.article import article_profile
from clean.model import Document

TITLE_MAX_WORDS = 25


def find_text_title(doc: Document) -> None:
    """The first kept short line above the article's prose, when it shares its words."""
    profile = article_profile(doc)
    if profile is None or "title" in doc.metadata:
        return
    for block in doc.blocks:
        if block.index >= profile.first:
            return
        text = block.kept_text()
        if block.kept and len(text.split()) <= TITLE_MAX_WORDS and not text.endswith("."):
            if profile.shared(text) > 0:
                doc.metadata["title"] = text
            return
