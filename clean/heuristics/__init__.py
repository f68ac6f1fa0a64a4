"""Heuristic stages: scores, not patterns."""
