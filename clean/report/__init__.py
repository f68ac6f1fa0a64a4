"""Rendering a Document: the clean text, the input's text view, the diff."""
