"""Limits and guards: one hostile document must cost one error record, never the process.

Every limit is an `Options` field (0 switches it off) and every breach is an
`InputError` subclass whose `kind` names it (docs/limits.md lists them):

- size: `check_size`, `text_input` (max_input_bytes) and, for compressed
  input, `decompress` / `read_bounded`, which stop inflating at the size
  limit and tell a gzip bomb (max_compression_ratio) from a large file;
- markup: `check_markup` looks at the HTML before it is parsed, because the
  parser is C code that nothing can interrupt and that is quadratic in the
  nesting of block elements (100,000 nested <div>s take minutes); it
  rejects pages nested deeper than max_dom_depth or with more than
  max_dom_nodes elements, in one pass at regex speed;
- time: `time_budget(seconds)` bounds the Python part of cleaning one
  document (max_seconds): SIGALRM in a process's main thread, where the
  batch runner's workers run; elsewhere (threads, platforms without
  SIGALRM) a deadline the pipeline checks between stages. `hard_deadline`
  is the backstop for a process that may die (a batch worker): it ends the
  process if a call into C never returns.

Nothing here keeps state between documents: the signal handler is installed
for one call and put back afterwards.
"""

from __future__ import annotations

import bz2
import faulthandler
import lzma
import re
import signal
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

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

# Ratios are judged only past this much output: a small page of repeated
# markup compresses 100:1 and is no bomb.
RATIO_FLOOR_BYTES = 1024 * 1024
CHUNK_BYTES = 256 * 1024
ZSTD_FEED_BYTES = 1024


# --- size --------------------------------------------------------------------------------


def _bytes(size: int) -> str:
    return f"{size:,} bytes"


def check_size(size: int, options: Options, what: str = "the input") -> None:
    limit = options.max_input_bytes
    if limit and size > limit:
        raise TooLargeError(
            f"{what} is {_bytes(size)}, over the limit of {_bytes(limit)} (option max_input_bytes)"
        )


_SURROGATE = re.compile("[\ud800-\udfff]")


def text_input(text: str, options: Options) -> str:
    """The text, checked for size, with lone surrogates made U+FFFD.

    A Python str can hold surrogate code points (from JSON "\\ud800" escapes,
    or bytes decoded with surrogateescape) that no UTF-8 writer accepts; left
    in, they would make the result unwritable far from their cause.
    """
    # A str takes at most 4 UTF-8 bytes per character: measure exactly only when it can matter.
    if options.max_input_bytes and len(text) * 4 > options.max_input_bytes:
        check_size(len(text.encode("utf-8", "surrogatepass")), options)
    if not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


# --- decompression -----------------------------------------------------------------------

GZIP_MAGIC, BZIP2_MAGIC, XZ_MAGIC, ZSTD_MAGIC = b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd"


def compression_of(data: bytes) -> str | None:
    """'gzip', 'bzip2', 'xz', 'zstd' from the magic number, or None."""
    for magic, name in ((GZIP_MAGIC, "gzip"), (BZIP2_MAGIC, "bzip2"), (XZ_MAGIC, "xz"), (ZSTD_MAGIC, "zstd")):
        if data.startswith(magic):
            return name
    return None


class _Budget:
    """Counts inflated bytes against the size limit and the ratio limit."""

    def __init__(self, options: Options, what: str) -> None:
        self.limit = options.max_input_bytes
        self.ratio = options.max_compression_ratio
        self.what = what
        self.out = 0

    def add(self, produced: int, consumed: int) -> None:
        self.out += produced
        if self.ratio and self.out > RATIO_FLOOR_BYTES and self.out > self.ratio * max(consumed, 1):
            raise DecompressionBombError(
                f"{self.what} inflates more than {self.ratio:g} times (over {_bytes(self.out)} from "
                f"{_bytes(consumed)}): a decompression bomb (option max_compression_ratio)"
            )
        if self.limit and self.out > self.limit:
            raise TooLargeError(
                f"{self.what} inflates to more than {_bytes(self.limit)}, the limit "
                "(option max_input_bytes)"
            )


def _inflate_zlib(data: bytes, budget: _Budget) -> bytes:
    # wbits 47: the header is detected. Concatenated gzip members are one stream.
    pieces: list[bytes] = []
    rest = data
    while rest:
        inflater = zlib.decompressobj(47)
        pending = rest
        while not inflater.eof:
            # With all input taken, zlib may still hold output: call again with none.
            piece = inflater.decompress(pending, CHUNK_BYTES)
            if not piece and not inflater.unconsumed_tail and not inflater.eof:
                raise TruncatedInputError(f"{budget.what} ends in the middle of its compressed data")
            pending = inflater.unconsumed_tail
            pieces.append(piece)
            budget.add(len(piece), len(data) - len(pending) - len(inflater.unused_data))
        rest = inflater.unused_data
        if rest.strip(b"\0") == b"":  # padding after the last member
            break
    return b"".join(pieces)


def _inflate_with(decompressor, data: bytes, budget: _Budget) -> bytes:
    # bz2 and lzma decompressors take max_length and keep the rest of the input.
    pieces: list[bytes] = []
    feed = data
    while True:
        piece = decompressor.decompress(feed, CHUNK_BYTES)
        feed = b""
        pieces.append(piece)
        budget.add(len(piece), len(data))
        if decompressor.eof:
            return b"".join(pieces)
        if not piece and decompressor.needs_input:
            raise TruncatedInputError(f"{budget.what} ends in the middle of its compressed data")


def _inflate_zstd(data: bytes, budget: _Budget) -> bytes:
    import zstandard  # lazily, and only for zstd input

    # zstd's decompressor takes no output limit, and one block of a few bytes
    # can stand for 128 KiB: feed it a little input at a time and check after each.
    pieces: list[bytes] = []
    rest = data
    try:
        while rest:
            inflater, fed = zstandard.ZstdDecompressor().decompressobj(), 0
            while fed < len(rest) and not inflater.eof:
                piece = inflater.decompress(rest[fed : fed + ZSTD_FEED_BYTES])
                fed += ZSTD_FEED_BYTES
                pieces.append(piece)
                budget.add(len(piece), len(data) - len(rest) + fed)
            if not inflater.eof:
                raise TruncatedInputError(f"{budget.what} ends in the middle of its compressed data")
            rest = inflater.unused_data + rest[fed:]  # the next frame
    except zstandard.ZstdError as error:
        raise CorruptInputError(f"{budget.what} is not valid zstd data: {error}") from None
    return b"".join(pieces)


def decompress(data: bytes, options: Options, what: str = "the input") -> bytes:
    """Inflate gzip, bzip2, xz or zstd data (known by its magic number) within the limits.

    Other data is returned as it is.

    Raises DecompressionBombError (kind "decompression-bomb") when the output
    outgrows max_compression_ratio times the input, TooLargeError when it
    outgrows max_input_bytes, TruncatedInputError / CorruptInputError when
    the stream ends early or is broken.
    """
    kind = compression_of(data)
    if kind is None:
        return data
    budget = _Budget(options, what)
    try:
        if kind == "gzip":
            return _inflate_zlib(data, budget)
        if kind == "bzip2":
            return _inflate_with(bz2.BZ2Decompressor(), data, budget)
        if kind == "xz":
            return _inflate_with(lzma.LZMADecompressor(), data, budget)
        return _inflate_zstd(data, budget)
    except InputError:  # ours: too large, a bomb, truncated, corrupt
        raise
    except (zlib.error, OSError, lzma.LZMAError, ValueError, EOFError) as error:
        raise CorruptInputError(f"{what} is not valid {kind} data: {error}") from None


def _compressed_position(handle: IO[bytes]):
    """How far into the compressed file a gzip.GzipFile has read, as a callable; None if unknown."""
    raw = getattr(handle, "fileobj", None)
    try:
        raw.tell()  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):  # no file underneath, or one that cannot tell
        return None
    return raw.tell  # type: ignore[union-attr]


def read_bounded(
    handle: IO[bytes], options: Options, *, compressed_size: int | None = None, what: str = "the input"
) -> bytes:
    """Read a (possibly decompressing) file object to its end within the limits.

    For a handle that inflates as it reads (gzip.open, zstd), pass the size on
    disk as `compressed_size`; a gzip handle's own position in the file is
    used when it has one. With either, a bomb is told from a big file by its
    ratio. A stream that ends early raises TruncatedInputError, a broken one
    CorruptInputError.
    """
    budget = _Budget(options, what)
    position = _compressed_position(handle)
    pieces: list[bytes] = []
    try:
        while piece := handle.read(CHUNK_BYTES):
            pieces.append(piece)
            if position is not None:
                budget.add(len(piece), position())
            elif compressed_size is not None:
                budget.add(len(piece), compressed_size)
            else:
                check_size(budget.out + len(piece), options, what)
                budget.out += len(piece)
    except EOFError as error:
        raise TruncatedInputError(f"{what} ends in the middle of its compressed data ({error})") from None
    except (zlib.error, lzma.LZMAError) as error:
        raise CorruptInputError(f"{what} has broken compressed data: {error}") from None
    except OSError as error:
        if type(error).__name__ in ("BadGzipFile", "ZstdError"):
            raise CorruptInputError(f"{what} has broken compressed data: {error}") from None
        raise
    return b"".join(pieces)


def iter_lines(handle: IO[bytes], options: Options) -> Iterator[bytes | TooLargeError]:
    """The lines of a binary stream (with their newline), each at most max_input_bytes long.

    A longer line is skipped to its end without being held in memory, and
    yields a TooLargeError in its place so that the caller can make it an
    error record: the line count, and so every later record, stays right.
    Needs only `read()`, so it serves decompressing readers without
    `readline` (zstd) too.
    """
    limit = options.max_input_bytes or sys.maxsize
    pending = bytearray()
    skipped: int | None = None  # length so far of an over-long line being skipped

    def too_long(size: int) -> TooLargeError:
        return TooLargeError(
            f"the line is {_bytes(size)}, over the limit of {_bytes(limit)} (option max_input_bytes)"
        )

    while chunk := handle.read(CHUNK_BYTES):
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            stop = len(chunk) if end < 0 else end + 1
            if skipped is not None:
                skipped += stop - start
            else:
                pending += chunk[start:stop]
                if len(pending.rstrip(b"\r\n")) > limit:
                    skipped = len(pending)
                    pending.clear()
            if end >= 0:
                if skipped is not None:
                    yield too_long(skipped)
                    skipped = None
                else:
                    yield bytes(pending)
                    pending.clear()
            start = stop
    if skipped is not None:
        yield too_long(skipped)
    elif pending:
        yield bytes(pending)


# --- markup ------------------------------------------------------------------------------

# The elements whose start tag makes an HTML parser search the stack of open
# elements (they close an open <p>): nested without end, they make parsing
# quadratic. Inline elements nest cheaply and are left to the DOM walk.
_BLOCK_NAMES = (
    "address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer "
    "form header hgroup h1 h2 h3 h4 h5 h6 listing main menu nav ol pre search section summary table ul"
).split()


def _case_insensitive_trie(words: list[str]) -> str:
    """One regex for the words, branching letter by letter: a few times faster than re.I alternation."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = []
        for char, child in sorted(node.items()):
            if not char:
                branches.append("")
                continue
            head = f"[{char}{char.upper()}]" if char.isalpha() else re.escape(char)
            branches.append(head + emit(child))
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    if len(tree) > 1 and "" not in tree:
        # Most "<" in a page start no listed word ("</", "<a ", "<span"): one class test of
        # the first letter turns them away, where the alternation tries its branches one
        # by one (check_markup's bound: 0.47 -> 0.41 ms per WCXB page).
        first = "".join(f"{c}{c.upper()}" if c.isalpha() else re.escape(c) for c in sorted(tree))
        return f"(?=[{first}])" + emit(tree)
    return emit(tree)


# "<" or "</" before a block element's name; groups: "/" for an end tag, the name.
_BLOCK_TAG = re.compile(r"<(/?)(" + _case_insensitive_trie(_BLOCK_NAMES) + r")(?=[\s/>])")
# "<" before a block element's name, start tags only (the cheap bound in check_markup).
_BLOCK_START_TAG = re.compile(r"<(?:" + _case_insensitive_trie(_BLOCK_NAMES) + r")(?=[\s/>])")
_START_TAG = re.compile(r"<[A-Za-z]")
# Where the parser reads text, not tags: comments, scripts, styles.
_RAW_START = re.compile(r"<(?:(!--)|(" + _case_insensitive_trie(["script", "style"]) + r")(?=[\s/>]))")
_RAW_END = {
    "!--": re.compile("-->"),
    "script": re.compile("</" + _case_insensitive_trie(["script"])),
    "style": re.compile("</" + _case_insensitive_trie(["style"])),
}


def _block_tags(html: str) -> Iterator[tuple[bool, list[tuple[str, str]]]]:
    """(inside a comment, script or style?, the block tags there), in document order."""
    position = 0
    while True:
        raw = _RAW_START.search(html, position)
        yield False, _BLOCK_TAG.findall(html, position, raw.start() if raw else len(html))
        if raw is None:
            return
        close = _RAW_END[raw.group(1) or raw.group(2).lower()].search(html, raw.end())
        position = close.end() if close else len(html)
        yield True, _BLOCK_TAG.findall(html, raw.end(), position)


def block_nesting(html: str, runs: list[tuple[bool, list[tuple[str, str]]]] | None = None) -> int:
    """How deep the page's block elements nest, estimated from its tags alone, erring high.

    An end tag closes one open element of its own name, if there is one (a
    stray </section> closes no <div>); the parser's implied end tags are not
    modelled, which errs high. Two readings are taken and the deeper wins:
    one that skips comments, scripts and styles as the parser does, and one
    that reads their tags too, so that neither a "</div>" inside a script
    nor a "<script" inside an attribute value hides real nesting.

    Not a tokenizer: markup crafted to combine such tricks, or end tags the
    parser ignores behind a scope boundary (<object>, <td>, <marquee>), can
    nest deeper than this says. Behind a boundary the parser stays fast; the
    time budget and, in batch workers, the hard deadline bound the rest.
    `runs`: the page's tags as _block_tags reads them, when already read.
    """
    open_all: dict[str, int] = {}
    open_markup: dict[str, int] = {}
    depth_all = depth_markup = deepest = 0
    for inside_raw, tags in runs if runs is not None else _block_tags(html):
        for slash, name in tags:
            name = name.lower()
            if slash:
                if open_all.get(name):
                    open_all[name] -= 1
                    depth_all -= 1
                if not inside_raw and open_markup.get(name):
                    open_markup[name] -= 1
                    depth_markup -= 1
                continue
            open_all[name] = open_all.get(name, 0) + 1
            depth_all += 1
            if not inside_raw:
                open_markup[name] = open_markup.get(name, 0) + 1
                depth_markup += 1
            deepest = max(deepest, depth_all, depth_markup)
    return deepest


# The piece of a page whose block start tags are counted at a time (_more_block_starts_than).
_COUNTED_PIECE = 32_000


def _more_block_starts_than(html: str, limit: int) -> bool:
    """Whether the page has more than `limit` block start tags, counted a piece at a time.

    A page with more (29% of WCXB pages over 512) is then read in full by
    block_nesting anyway: counting stops at the piece where the count passes
    the limit, not at the page's end. Every piece ends just before a "<", so
    no tag is cut in two: a start tag's name never holds a "<", and the
    pattern's look-ahead fails on a "<" as it does at a piece's end.
    """
    position, size, found = 0, len(html), 0
    while position < size:
        end = html.find("<", position + _COUNTED_PIECE)
        if end < 0:
            end = size
        found += len(_BLOCK_START_TAG.findall(html, position, end))
        if found > limit:
            return True
        position = end
    return False


def check_markup(html: str, options: Options) -> None:
    """Raise TooDeepError / TooLargeError for a page the parser or the DOM walk cannot afford."""
    # A page has fewer tags than characters: a short page needs no count (most pages).
    nodes = options.max_dom_nodes
    if nodes and len(html) > nodes and html.count("<") > nodes:
        elements = len(_START_TAG.findall(html))
        if elements > options.max_dom_nodes:
            raise TooLargeError(
                f"the page has {elements:,} elements, over the limit of {options.max_dom_nodes:,} "
                "(option max_dom_nodes)"
            )
    if options.max_dom_depth and len(html) > options.max_dom_depth:
        # Nesting needs a start tag per level, and both of block_nesting's
        # readings open at most one level per block start tag anywhere in the
        # page: with no more of them than the limit, the page cannot nest
        # deeper (most pages; one regex pass instead of the walk).
        if not _more_block_starts_than(html, options.max_dom_depth):
            return
        depth = block_nesting(html)
        if depth > options.max_dom_depth:
            raise TooDeepError(
                f"the page nests block elements {depth:,} deep, over the limit of {options.max_dom_depth:,} "
                "(option max_dom_depth)"
            )


# --- time --------------------------------------------------------------------------------


class _Alarm(BaseException):
    """Raised by the SIGALRM handler.

    A BaseException, so that no `except Exception` (or `except ValueError`)
    inside a stage can swallow it; `time_budget` turns it into a
    DocumentTimeout at its boundary.
    """


class Deadline:
    """The cooperative half of a time budget: checked between stages."""

    __slots__ = ("seconds", "ends")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds if seconds > 0 else float("inf")

    def check(self, where: str = "") -> None:
        if time.monotonic() > self.ends:
            raise _timeout(self.seconds, where)


def _timeout(seconds: float, where: str = "") -> DocumentTimeout:
    at = f" (in {where})" if where else ""
    return DocumentTimeout(f"cleaning took longer than {seconds:g} s{at} (option max_seconds)")


def _raise_alarm(signum, frame) -> None:
    raise _Alarm


def _can_use_alarm() -> bool:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    # Never take SIGALRM from a program that uses it, nor nest inside a budget already running.
    if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
        return False
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@contextmanager
def time_budget(seconds: float) -> Iterator[Deadline]:
    """Bound the time of the enclosed block; DocumentTimeout (kind "timeout") when it runs over.

    In a process's main thread the block is interrupted by SIGALRM wherever
    it is in Python code (C code, such as the HTML parser, finishes its call
    first). Elsewhere the yielded Deadline must be checked by the block.
    """
    deadline = Deadline(seconds)
    if seconds <= 0 or not _can_use_alarm():
        yield deadline
        return
    previous = signal.signal(signal.SIGALRM, _raise_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield deadline
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Alarm:
        raise _timeout(seconds) from None
    finally:
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def hard_deadline(seconds: float) -> Iterator[None]:
    """End the whole process if the block has not finished after `seconds`.

    For batch worker processes only: a watchdog thread (faulthandler) dumps
    the stacks to stderr and exits, even while the main thread is stuck in C
    code, and the batch records the document as a worker crash. Never use it
    in a process that must survive.
    """
    if seconds <= 0:
        yield
        return
    faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
