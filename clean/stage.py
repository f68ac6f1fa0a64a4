"""What a stage is: a name, the input kinds it serves, and a function that marks removals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clean.model import Document, InputKind
from clean.options import Options


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    run: Callable[[Document, Options], None]
    kinds: tuple[InputKind, ...] = ("html", "text")
    # One line for `clean --list-rules` and the README.
    summary: str = ""
