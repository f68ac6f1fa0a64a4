"""clean: strip boilerplate from web pages and page text, and show what was removed.

    >>> import clean
    >>> result = clean.clean_text(page_text)
    >>> result.text        # the article
    >>> result.removed     # every removed piece: .text, .stage, .rule, .reason
    >>> print(result.diff())
"""

from __future__ import annotations

from typing import Any

from clean.errors import CleanError, InputError
from clean.model import Removal
from clean.options import Options
from clean.result import Result

__all__ = ["clean_html", "clean_text", "Result", "Removal", "Options", "CleanError", "InputError"]
__version__ = "0.1.0"


def clean_text(text: str, options: Options | None = None, **kwargs: Any) -> Result:
    """Clean text already extracted from a page (one block per line)."""
    from clean import pipeline

    return pipeline.clean_text(text, Options.from_kwargs(options, **kwargs))


def clean_html(
    html: str | bytes, url: str | None = None, options: Options | None = None, **kwargs: Any
) -> Result:
    """Extract the clean article text from a page's HTML (str, or bytes in any charset)."""
    from clean import pipeline

    return pipeline.clean_html(html, url, Options.from_kwargs(options, **kwargs))
