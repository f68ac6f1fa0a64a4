"""page_signals finds '"@type"' by its rare "@" (_find_by_rare_character), not by str.find.

Both must give the same positions, and the declared types the same matches,
wherever the literal sits: at the start, cut by the scan's end, overlapping
another "@", or next to a '"@' that does not go on as '"@type"'.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clean.learned import page_signals
from clean.learned.page_signals import _JSONLD_TYPE, _find_by_rare_character, _literal_led_matches

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "html").glob("*.html"))
LITERAL = '"@type"'

TRICKY = [
    '"@type": "Article"',
    '@"@type"@type"@@"@type" : ["NewsArticle"]',
    'x"@typ"@type"',
    '{"@context":"https://schema.org","@type":"Product","@id":"#p","offers":{"@type":"Offer"}}',
    "mail me @ home, @media screen {}, \"@type\"",
    "",
    "@",
    '"@type',
]


def _texts() -> list[str]:
    return TRICKY + [p.read_text("utf-8", "replace") for p in PAGES]


@pytest.mark.parametrize("text", TRICKY)
def test_found_where_str_find_finds_it(text):
    for end in range(len(text) + 1):
        for start in range(len(text) + 1):
            expected = text.find(LITERAL, start, end)
            assert _find_by_rare_character(text, LITERAL, start, end, 1) == expected, (start, end)


def test_the_same_matches_on_pages():
    found_any = False
    for text in _texts():
        for end in (len(text), len(text) // 2, 40):
            plain = [m.span() for m in _literal_led_matches(_JSONLD_TYPE, LITERAL, text, end)]
            by_at = [m.span() for m in _literal_led_matches(_JSONLD_TYPE, LITERAL, text, end, rare=1)]
            assert by_at == plain
            found_any = found_any or bool(plain)
    assert found_any


def test_declared_types_read_json_ld():
    page = '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product"}'
    assert page_signals.declared_types(page) == {"product"}
