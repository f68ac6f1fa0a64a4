"""Text-mode benchmark: cleaning text that was already pulled out of a page.

    python -m benchmarks.textmode [--systems none,c4,clean] [--jobs 2] [--limit N]

Each page's input is its full visible text, html_text.extract_text(html,
guess_layout=True) (cached in benchmarks/.cache/textmode/), and every system
cleans that text; outputs are scored against the page's gold text exactly
like the HTML benchmark (see benchmarks/wcxb.py).

`c4` is C4's line filter (a cleaner, like the others); `c4_page` adds C4's
page rules, which turn a whole page into nothing (see c4_page).
"""

from __future__ import annotations

import argparse
import html
import re

from benchmarks import wcxb
from benchmarks.wcxb import Page

# --------------------------------------------------------------------------- C4
# The C4 filter from Raffel et al. 2020, "Exploring the Limits of Transfer
# Learning with a Unified Text-to-Text Transformer", section 2.2. Where the
# paper is vague, the constants follow its published implementation
# (tensorflow_datasets, c4_utils.clean_page).

# "We only retained lines that ended in a terminal punctuation mark (i.e. a
# period, exclamation mark, question mark, or end quotation mark)." The
# implementation's end quotation mark is the ASCII '"' only.
C4_END_MARKS = (".", "?", "!", '"')
# The implementation also drops lines ending in an ellipsis (not in the paper).
C4_ELLIPSIS = "..."
# "... only retained lines that contained at least 3 words."
C4_MIN_WORDS_PER_LINE = 3
# "We discarded any page with fewer than 5 sentences" (sentences of kept lines).
C4_MIN_SENTENCES = 5
# Implementation: lines with a "word" over 1000 characters are dropped.
C4_MAX_WORD_LENGTH = 1000
# "we removed any lines containing the strings 'terms of use', 'privacy
# policy', 'cookie policy', 'uses cookies', 'use of cookies', or 'use cookies'."
C4_POLICY_SUBSTRINGS = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
# "we removed any such [citation] markers" (e.g. [1], [citation needed]).
C4_CITATION_RE = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")
# The implementation counts sentences with NLTK's punkt; NLTK (and its data)
# is not installed here, so a split after . ! ? (plus closing quotes or
# brackets) followed by whitespace stands in. It only decides the 5-sentence
# page rule, where the difference is small.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]\u201d\u2019]*\s+(?=\S)")


def c4_line(line: str) -> str | None:
    """The C4 line rules: the line as kept (citation markers removed), or None."""
    line = line.strip()
    if any(len(word) > C4_MAX_WORD_LENGTH for word in line.split()):
        return None
    line = C4_CITATION_RE.sub("", line)
    if not line.endswith(C4_END_MARKS) or line.endswith(C4_ELLIPSIS):
        return None
    if len(line.split()) < C4_MIN_WORDS_PER_LINE:
        return None
    lower = line.lower()
    # "we removed any line with the word Javascript" (enable-JavaScript notices).
    if "javascript" in lower:
        return None
    if any(policy in lower for policy in C4_POLICY_SUBSTRINGS):
        return None
    return line


def c4_lines(text: str) -> str:
    """C4's line rules alone: the cleaning part of C4, which never drops a page."""
    kept = (c4_line(line) for line in text.splitlines())
    return "\n".join(line for line in kept if line is not None)


def count_sentences(text: str) -> int:
    return sum(len(_SENTENCE_END_RE.split(line)) for line in text.splitlines() if line.strip())


def c4_page(text: str) -> str:
    """The full C4 filter: the line rules, then the paper's page rules.

    The paper drops a page "where the phrase 'lorem ipsum' appeared" and
    "any pages that contained a curly bracket", so both are checked on the
    whole input page; then pages whose kept lines hold fewer than 5 sentences
    are dropped. (The published implementation checks lorem ipsum and "{"
    only on lines that survived the end-mark and length rules, which drops
    fewer pages.) A dropped page becomes an empty output. Not applied: the
    bad-words page rule (its word list is not available offline), language
    identification, and the corpus-wide three-sentence de-duplication, which
    needs other pages.
    """
    if "lorem ipsum" in text.lower() or "{" in text:
        return ""
    kept = c4_lines(text)
    return kept if count_sentences(kept) >= C4_MIN_SENTENCES else ""


# --------------------------------------------------------------------------- systems


def page_to_text(page: Page) -> str:
    import html_text

    return html_text.extract_text(page.read_html(), guess_layout=True)


def lines_as_html(text: str) -> str:
    """Each non-blank line as a <p>: the only way to give HTML tools plain text."""
    body = "".join(f"<p>{html.escape(line.strip())}</p>\n" for line in text.splitlines() if line.strip())
    return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n{body}</body></html>'


def run_none(text: str, page: Page) -> str:
    return text


def run_c4(text: str, page: Page) -> str:
    return c4_lines(text)


def run_c4_page(text: str, page: Page) -> str:
    return c4_page(text)


def run_justext(text: str, page: Page) -> str:
    import justext

    document = lines_as_html(text).encode("utf-8")
    paragraphs = justext.justext(document, justext.get_stoplist("English"), encoding="utf-8")
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def run_trafilatura(text: str, page: Page) -> str:
    import trafilatura

    return trafilatura.extract(lines_as_html(text)) or ""


def run_clean(text: str, page: Page) -> str:
    import clean

    return clean.clean_text(text).text


EXTRACTORS: dict[str, wcxb.Extractor] = {
    "none": run_none,
    "c4": run_c4,
    "c4_page": run_c4_page,
    "justext": run_justext,
    "trafilatura": run_trafilatura,
    "clean": run_clean,
}

# Bump when lines_as_html changes, so cached peer outputs are redone.
WRAPPER_VERSION = "p-per-line v1"


def cache_keys() -> dict[str, str]:
    v = wcxb.package_version
    return {
        "justext": f"justext {v('justext')} English stoplist, {WRAPPER_VERSION}",
        "trafilatura": f"trafilatura {v('trafilatura')} defaults, {WRAPPER_VERSION}",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", help=f"comma-separated, from {','.join(EXTRACTORS)}")
    wcxb.add_common_args(parser, wcxb.RESULTS_DIR / "textmode.json")
    args = parser.parse_args(argv)
    systems = wcxb.choose_systems(args.systems, list(EXTRACTORS))
    suite = wcxb.Suite(
        name="textmode",
        extractors=EXTRACTORS,
        cache_keys=cache_keys(),
        make_input=page_to_text,
        input_cache_key=f"html-text {wcxb.package_version('html-text')} guess_layout=True",
    )
    names = ["html-text", "trafilatura", "justext", "lxml"]
    meta = {
        "benchmark": "textmode",
        "versions": {name: wcxb.package_version(name) for name in names},
    }
    wcxb.run_and_report(suite, args, systems, meta=meta)


if __name__ == "__main__":
    main()
