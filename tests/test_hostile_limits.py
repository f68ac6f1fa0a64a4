"""clean/limits.py on its own: bounded decompression and reading, bounded lines, the markup
pre-scan, and the time budget."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import signal
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean import limits
from clean.errors import (
    CorruptInputError,
    DecompressionBombError,
    DocumentTimeout,
    InputError,
    TooDeepError,
    TooLargeError,
    TruncatedInputError,
)
from clean.options import Options

# Text that compresses like a page (about 5:1), not like a bomb.
PAGE = b"".join(b"<p>paragraph %d of the story, word %d</p>\n" % (i, i * 7919 % 10007) for i in range(20_000))
COMPRESSORS = {
    "gzip": lambda d: gzip.compress(d, mtime=0),
    "gzip-members": lambda d: gzip.compress(d[:5000], mtime=0) + gzip.compress(d[5000:], mtime=0),
    "bzip2": bz2.compress,
    "xz": lzma.compress,
}


@pytest.mark.parametrize("name", sorted(COMPRESSORS))
def test_decompress_round_trips_real_sized_pages(name):
    assert limits.decompress(COMPRESSORS[name](PAGE), Options()) == PAGE


@pytest.mark.parametrize("name", sorted(COMPRESSORS))
def test_decompress_calls_a_cut_stream_truncated(name):
    data = COMPRESSORS[name](PAGE)
    with pytest.raises(TruncatedInputError) as caught:
        limits.decompress(data[: len(data) // 2], Options())
    assert caught.value.kind == "truncated"


def test_decompress_passes_plain_data_through_and_flags_garbage_after_a_magic_number():
    assert limits.decompress(PAGE, Options()) == PAGE
    with pytest.raises(CorruptInputError):
        limits.decompress(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4, Options())


def bomb(size: int = 64 * 1024 * 1024) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9, mtime=0)


def test_a_bomb_is_told_from_a_big_file_by_its_ratio_and_stops_early():
    data = bomb()
    started = time.perf_counter()
    with pytest.raises(DecompressionBombError) as caught:
        limits.decompress(data, Options())
    assert time.perf_counter() - started < 2  # stopped after a few MB, not 64 MB
    assert "max_compression_ratio" in str(caught.value)
    # The same data with the ratio check off is only too large.
    with pytest.raises(TooLargeError):
        limits.decompress(data, Options(max_compression_ratio=0, max_input_bytes=8 * 1024 * 1024))
    # And with both off it inflates.
    inflated = limits.decompress(data, Options(max_compression_ratio=0, max_input_bytes=0))
    assert len(inflated) == 64 * 1024 * 1024


def test_small_repetitive_pages_are_no_bombs():
    tiny = b"<tr><td>0</td></tr>" * 10_000  # 190 KB at a ratio of several hundred: below the floor
    assert limits.decompress(gzip.compress(tiny), Options()) == tiny


def test_read_bounded_reads_files_and_gzip_handles_within_the_limits():
    assert limits.read_bounded(io.BytesIO(PAGE), Options()) == PAGE
    assert limits.read_bounded(gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(PAGE))), Options()) == PAGE
    with pytest.raises(TooLargeError):
        limits.read_bounded(io.BytesIO(PAGE), Options(max_input_bytes=1000))
    with pytest.raises(DecompressionBombError):
        limits.read_bounded(gzip.GzipFile(fileobj=io.BytesIO(bomb())), Options())
    cut = gzip.compress(PAGE)[:2000]
    with pytest.raises(TruncatedInputError):
        limits.read_bounded(gzip.GzipFile(fileobj=io.BytesIO(cut)), Options())


def lines(data: bytes, limit: int, chunk: int | None = None, monkeypatch=None) -> list:
    if chunk is not None:
        monkeypatch.setattr(limits, "CHUNK_BYTES", chunk)
    out = limits.iter_lines(io.BytesIO(data), Options(max_input_bytes=limit))
    return [x if isinstance(x, bytes) else ("too-large", x.kind) for x in out]


@pytest.mark.parametrize("chunk", [None, 1, 2, 3, 7])
def test_iter_lines_bounds_each_line_and_keeps_the_count(chunk, monkeypatch):
    data = b"short\n" + b"x" * 25 + b"\n\nten bytes!\r\n" + b"y" * 11 + b"\nend"
    assert lines(data, 10, chunk, monkeypatch) == [
        b"short\n", ("too-large", "too-large"), b"\n", b"ten bytes!\r\n", ("too-large", "too-large"), b"end",
    ]


def test_iter_lines_needs_only_read():
    class ReadOnly(io.RawIOBase):  # like zstandard's stream reader: no readline
        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            piece = self.data.read(len(buffer))
            buffer[: len(piece)] = piece
            return len(piece)

        def readline(self, size=-1):
            raise io.UnsupportedOperation("readline")

    assert list(limits.iter_lines(ReadOnly(b"a\nb\n"), Options())) == [b"a\n", b"b\n"]


# --- markup pre-scan -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 2000,
        "<section></div>" * 2000,  # end tags of another name close nothing
        "<div><script></div></script>" * 2000,  # end tags inside scripts are text
        "<div><!--</div>-->" * 2000,  # and inside comments
        '<p title="<script>">' + "<div>" * 2000 + "</script>",  # a "script" inside an attribute
        "<DIV>" * 1000 + "<Section >" * 1000,
    ],
    ids=["plain", "other-end-tags", "script-end-tags", "comment-end-tags", "attribute-script", "case"],
)
def test_deep_nesting_is_seen_through_the_usual_disguises(html):
    assert limits.block_nesting(html) >= 2000
    with pytest.raises(TooDeepError) as caught:
        limits.check_markup(html, Options())
    assert "max_dom_depth" in str(caught.value)


def test_block_nesting_reads_real_structure():
    assert limits.block_nesting("") == 0
    assert limits.block_nesting("<div></div>" * 100) == 1
    assert limits.block_nesting("<div><ul><li><div></div></ul></div><div>") == 3
    assert limits.block_nesting("<span>" * 1000 + "<p>x</p>") == 0  # inline nesting is the DOM walk's
    assert limits.block_nesting("<script>" + "<div>" * 50 + "</script><div>") == 51  # errs high


def test_element_count_is_a_limit():
    html = "<p>x</p>" * 3000
    limits.check_markup(html, Options())
    with pytest.raises(TooLargeError) as caught:
        limits.check_markup(html, Options(max_dom_nodes=2000))
    assert "3,000 elements" in str(caught.value)
    limits.check_markup(html, Options(max_dom_nodes=0))  # off


BLOCK = frozenset(limits._BLOCK_NAMES)
# Markup without scope boundaries (<object>, <td>, <template>, ...) and <form>, whose
# end tags the parser may ignore or apply out of order (see block_nesting's docstring).
PIECES = [
    "<div>", "</div>", "<section>", "</section>", "<ul>", "</ul>", "<p>", "</p>", "<h1>", "</h1>",
    "<li>", "<script>", "</script>", "<!--", "-->", "<style>", "</style>", "x", "<pre>", "</pre>",
    "<span>", "</span>", "<b>", "</b>", "<a>", "</a>", "<dl>", "<dd>", "<blockquote>", "<nav>", "</nav>",
    "<main>", "<details>", "<center>", "<DIV class=a>", "</Div >", "<div/>",
]  # fmt: skip


def dom_block_depth(html: str) -> int:
    from selectolax.lexbor import LexborHTMLParser

    deepest, stack = 0, [(LexborHTMLParser(html).root, 0)]
    while stack:
        node, depth = stack.pop()
        if node is None:
            continue
        depth += node.tag in BLOCK
        deepest = max(deepest, depth)
        child = node.child
        while child is not None:
            stack.append((child, depth))
            child = child.next
    return deepest


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=80).map("".join))
def test_block_nesting_is_never_below_what_the_parser_builds(html):
    assert limits.block_nesting(html) >= dom_block_depth(html)


# --- time ------------------------------------------------------------------------------------------


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_time_budget_interrupts_python_code_in_the_main_thread():
    started = time.monotonic()
    with pytest.raises(DocumentTimeout) as caught:
        with limits.time_budget(0.2):
            spin(5)
    assert time.monotonic() - started < 2
    assert caught.value.kind == "timeout" and isinstance(caught.value, InputError)
    # Nothing is left behind: no timer, the default handler back.
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)


def test_time_budget_is_not_swallowed_by_except_exception():
    def stage_with_a_broad_handler():
        try:
            spin(5)
        except Exception:  # noqa: BLE001 - what careless stage code does
            return "swallowed"
        return "finished"

    with pytest.raises(DocumentTimeout):
        with limits.time_budget(0.2):
            stage_with_a_broad_handler()


def test_time_budget_leaves_a_programs_own_alarm_alone():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        with limits.time_budget(0.1) as deadline:
            spin(0.3)
            with pytest.raises(DocumentTimeout):
                deadline.check("spin")  # cooperative only: the program owns SIGALRM
        assert fired == []
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_time_budget_in_a_thread_is_a_deadline_checked_between_stages():
    outcome = []

    def work():
        try:
            with limits.time_budget(0.1) as deadline:
                spin(0.3)
                deadline.check("stage")
        except DocumentTimeout as error:
            outcome.append(str(error))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome and "in stage" in outcome[0]


def test_zero_switches_the_budget_off():
    with limits.time_budget(0) as deadline:
        spin(0.05)
        deadline.check()


def test_zstd_is_inflated_within_the_limits_too():
    zstandard = pytest.importorskip("zstandard")
    data = zstandard.ZstdCompressor().compress(PAGE)
    assert limits.decompress(data, Options()) == PAGE
    with pytest.raises(DecompressionBombError):
        limits.decompress(zstandard.ZstdCompressor(level=19).compress(b"\0" * (64 * 1024 * 1024)), Options())
    with pytest.raises((TruncatedInputError, CorruptInputError)):
        limits.decompress(data[: len(data) // 2], Options())
