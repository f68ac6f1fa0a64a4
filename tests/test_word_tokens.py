"""word_tokens' ASCII fast path finds exactly the tokens of \\w+ on the lowered text."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from clean.vocabulary import word_tokens

ROOT = Path(__file__).resolve().parents[1]
WCXB = ROOT.parent / "shared" / "data" / "wcxb" / "dev" / "html"
WORD = re.compile(r"\w+")


def reference(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text.lower()))


@pytest.mark.parametrize(
    "text",
    [
        "Snake_case and CamelCase, 42 times: x-ray/Y2K!",
        "Caf\u00e9 na\u00efve \u00fcber \u00c5ngstr\u00f6m",  # Latin letters beyond ASCII
        "\u212a is the Kelvin sign: it lowers to an ASCII k",
        "\u0130stanbul \u0414\u043e\u0431\u0440\u044b\u0439 \u4e2d\u6587\u5b57 \u0661\u0662\u0663",
        "tab\tnew\nline\u00a0nbsp\u2003em-space",
        "",
    ],
)
def test_same_tokens_as_the_unicode_pattern(text):
    assert word_tokens(text) == reference(text)


@pytest.mark.skipif(not WCXB.is_dir(), reason="the shared WCXB data is not present")
def test_same_tokens_on_real_pages():
    lines: list[str] = []
    for path in sorted(WCXB.glob("*.html.gz"))[:5]:
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        lines += [line for line in html.splitlines() if line.strip()][:400]
    assert any(line.isascii() for line in lines) and not all(line.isascii() for line in lines)
    for line in lines:
        assert word_tokens(line) == reference(line)
