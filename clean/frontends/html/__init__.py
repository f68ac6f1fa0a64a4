"""HTML front end: decode, parse once with selectolax (Lexbor), segment into blocks.

parse_document(html, url, options) -> Document(kind="html")
HTML_STAGES: the stages that run on HTML documents, in order.
"""

from __future__ import annotations

from clean.errors import InputError
from clean.frontends.html.decode import check_text, decode_html
from clean.frontends.html.metadata import page_metadata
from clean.frontends.html.segment import segment
from clean.frontends.html.streaming import place_streamed_segments
from clean.limits import check_markup, check_size
from clean.model import Document
from clean.options import Options
from clean.stage import Stage
from clean.vocabulary import block_tokens, stopwords

__all__ = ["HTML_STAGES", "parse_document"]


def html_stages() -> tuple[Stage, ...]:
    """DOM rules first (they see the page's structure), then the text rules that
    also serve text mode, then main content (it judges what the rules left),
    then headline lists within what remains."""
    # Imported here: the stages import the front end's helpers (paths, elements).
    from clean.heuristics import html_headline_list, main_content
    from clean.rules import crumbs, cues, dom

    return (dom.STAGE, cues.STAGE, crumbs.STAGE, main_content.STAGE, html_headline_list.STAGE)


def __getattr__(name: str):
    # HTML_STAGES is built on first use (PEP 562), so that the stage modules can
    # import this package's helpers without an import cycle.
    if name == "HTML_STAGES":
        return html_stages()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _text_of(html: str | bytes, options: Options) -> tuple[str, bytes | str]:
    """The page's text, checked, and what the parser is fed: the text's UTF-8 bytes
    (the markup checks read them too), or the text itself if it has none (lone
    surrogates, which the parser's own encoding drops)."""
    if not isinstance(html, str | bytes | bytearray):
        raise InputError(f"clean_html expects str or bytes, got {type(html).__name__}")
    size = len(html)
    if isinstance(html, str) and size * 4 > options.max_input_bytes:
        size = len(html.encode("utf-8", "surrogatepass"))  # exact only when it could matter
    check_size(size, options)
    text = decode_html(bytes(html)) if not isinstance(html, str) else html
    check_text(text)
    try:
        data: bytes | None = text.encode("utf-8")
    except UnicodeEncodeError:
        data = None
    check_markup(text, options, data)  # before the parser: it cannot be interrupted
    return text, text if data is None else data


def parse_document(html: str | bytes, url: str | None, options: Options) -> Document:
    from selectolax.lexbor import LexborHTMLParser  # lazily: importing clean stays cheap

    text, parsed = _text_of(html, options)
    tree = LexborHTMLParser(parsed)
    doc = Document(kind="html", source=text, url=url)
    doc.metadata.update(page_metadata(tree))
    place_streamed_segments(tree)
    root = tree.root
    if root is not None:
        segment(root, doc)
    _finish_features(doc)
    if "title" not in doc.metadata:
        first_h1 = next((b for b in doc.blocks if b.tag == "h1"), None)
        if first_h1 is not None:
            doc.metadata["title"] = first_h1.text
    if url and "url" not in doc.metadata:
        doc.metadata["url"] = url
    return doc


def _finish_features(doc: Document) -> None:
    last = max(len(doc.blocks) - 1, 1)
    is_stopword = stopwords().__contains__
    for block, tokens in zip(doc.blocks, block_tokens(doc), strict=True):
        features = block.features
        features["words"] = float(len(block.text.split()))
        features["position"] = block.index / last
        # As clean.vocabulary.stopword_density, counted in C (map) for speed.
        features["stopword_density"] = sum(map(is_stopword, tokens)) / len(tokens) if tokens else 0.0
