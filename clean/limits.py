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
from functools import cache
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


# --- markup read from the page's bytes ----------------------------------------------------
#
# The readings above scan the text with regexes; their cost is the scan for
# "<" through the megabytes of scripts and JSON that pages carry (sre's
# one-character prefix loop, ~1 ns a character: the start-tag bound 0.28 ms
# a page, the nesting 2.3 ms on the 29% of pages over max_dom_depth block
# start tags, and the "<" count 0.2). The same readings from the UTF-8 bytes
# the parser is fed: numpy finds every "<" at once (~0.1 ms) and classifies
# the few thousand of them together, by the 16 bytes after each; only the
# raw regions (comments, scripts, styles) are paired in a Python loop.
# Same answers as the regexes (tests/test_speed11a_markup_scan.py compares
# them on fuzzed markup); the regexes stay for text that has no UTF-8 form
# (lone surrogates) and for pages with more "<" than _SCAN_MAX_TAGS.

_SCAN_MAX_TAGS = 200_000  # the arrays hold ~100 bytes per "<": 20 MB at most
_WINDOW = 16  # bytes read after a "<" (and its "/"): the longest name, 10, and what follows


@cache
def _scan_tables():
    import numpy as np  # lazily: importing clean stays cheap

    def key(name: bytes) -> tuple[int, int]:
        padded = name.ljust(_WINDOW, b"\0")
        return int.from_bytes(padded[:8], "little"), int.from_bytes(padded[8:], "little")

    keys = sorted(key(name.encode()) for name in _BLOCK_NAMES)
    # What re's \s matches among ASCII characters (str.isspace), and the end of a start tag.
    follows_name = np.zeros(256, bool)
    follows_name[np.frombuffer(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f />", np.uint8)] = True
    # A name of L characters: its first 16 bytes masked to the first L, as two 64-bit words.
    low = np.array([(1 << (8 * min(n, 8))) - 1 for n in range(_WINDOW + 1)], np.uint64)
    high = np.array([(1 << (8 * min(max(n - 8, 0), 8))) - 1 for n in range(_WINDOW + 1)], np.uint64)
    return (
        np,
        np.array([k[0] for k in keys], np.uint64),
        np.array([k[1] for k in keys], np.uint64),
        follows_name,
        low,
        high,
        key(b"script")[0],
        key(b"style")[0],
    )


class _TagScan:
    """Every "<" of a page's UTF-8 bytes, read as the markup regexes above read it.

    For each "<" (at `points`, from numpy.flatnonzero): whether a "/" follows,
    the name after it (the run of ASCII letters and digits) and whether that
    name is one of _BLOCK_NAMES followed by what _BLOCK_TAG's look-ahead
    accepts. UTF-8 puts no ASCII byte inside a multi-byte character, so the
    bytes hold the same tags as the text.
    """

    def __init__(self, data: bytes, array, points) -> None:
        np, keys_low, keys_high, follows_name, low, high, script, style = _scan_tables()
        self.data, self.array, self.points = data, array, points
        size = len(data)
        following = array[np.minimum(points + 1, size - 1)]
        following[points + 1 >= size] = 0  # a "<" that ends the page
        self.following = following
        self.slash = slash = following == 47
        start = points + 1 + slash
        # Row i: the 16 bytes from start[i], from a strided view of the page (no copy of it).
        rows = max(size - _WINDOW + 1, 1)
        padded = array if size >= _WINDOW else np.frombuffer(data.ljust(_WINDOW, b"\0"), np.uint8)
        view = np.ndarray((rows, _WINDOW), np.uint8, buffer=padded, strides=(1, 1))
        self.window = window = view[np.minimum(start, rows - 1)]
        for row in np.flatnonzero(start > rows - 1).tolist():  # "<" near the page's end
            window[row] = np.frombuffer(data[int(start[row]) :].ljust(_WINDOW, b"\0")[:_WINDOW], np.uint8)
        lowered = window | 0x20  # exact for letters and digits, the only bytes of a name
        is_name = ((lowered - 97) < 26) | ((window - 48) < 10)
        length = np.argmin(is_name, axis=1)  # 0 if all 16 are: no block name
        after = window[np.arange(len(window)), length]
        words = lowered.view(np.uint64)
        self.words = words[:, 0]  # the name's first 8 bytes, lower-cased, and what follows
        self.key = key = words[:, 0] & low[length]
        self.name = found = np.minimum(np.searchsorted(keys_low, key), len(keys_low) - 1)
        named = (keys_low[found] == key) & (keys_high[found] == (words[:, 1] & high[length]))
        self.ends_name = ends_name = follows_name[after]
        self.raw_name = raw_name = ~slash & ((key == script) | (key == style))
        # A name followed by a non-ASCII character: \s accepts it if it is whitespace
        # (U+00A0, U+2028, ...). Rare: decoded one by one.
        for row in np.flatnonzero((named | raw_name) & (after >= 128)).tolist():
            at = int(start[row] + length[row])
            ends_name[row] = data[at : at + 4].decode("utf-8", "ignore")[:1].isspace()
        self.block = named & ends_name

    def start_tags(self) -> int:
        """len(_START_TAG.findall(html)): "<" before an ASCII letter."""
        np = _scan_tables()[0]
        return int(np.count_nonzero(((self.following | 0x20) - 97) < 26))

    def block_starts(self) -> int:
        """len(_BLOCK_START_TAG.findall(html))."""
        np = _scan_tables()[0]
        return int(np.count_nonzero(self.block & ~self.slash))

    def _raw_regions(self) -> tuple[list[int], list[int]]:
        """(starts, ends) of the text inside comments, scripts and styles, as _block_tags
        reads them: from the end of "<!--", "<script" or "<style" to the end of the first
        "-->", "</script" or "</style" that starts after it (or the page's end)."""
        np, _, _, _, _, _, script, _ = _scan_tables()
        window, slash, points = self.window, self.slash, self.points
        comment = (self.following == 33) & (window[:, 1] == 45) & (window[:, 2] == 45)  # "<!--"
        rows = np.flatnonzero(comment | (self.raw_name & self.ends_name))
        if not len(rows):
            return [], []
        opens = points[rows]
        kinds = np.where(comment[rows], 2, np.where(self.key[rows] == script, 0, 1))
        inside = opens + np.array([7, 6, 4])[kinds]  # after "<script", "<style", "<!--"
        # Each region's end, were it read: the first closer of its kind that starts
        # inside it. "</script" and "</style" (any case, anything after) are at a "<";
        # "-->" is found by bytes.find (memchr), cheaper than a pass for ">" over the page.
        size = len(self.data)
        stop = np.full(len(rows), size)
        for kind, name in enumerate((b"script", b"style")):
            mask = (1 << (8 * len(name))) - 1
            found = points[slash & ((self.words & mask) == int.from_bytes(name, "little"))]
            mine = np.flatnonzero(kinds == kind)
            at = np.searchsorted(found, inside[mine])
            ended = at < len(found)
            stop[mine[ended]] = found[at[ended]] + 2 + len(name)
        mine = np.flatnonzero(kinds == 2)
        find = self.data.find
        ends = [find(b"-->", start) for start in inside[mine].tolist()]
        stop[mine] = [size if end < 0 else end + 3 for end in ends]
        # The regions read are a chain: the first, then the first that opens after it ends
        # (a "<!--" or "<script" inside a region is its text).
        read_next = np.searchsorted(opens, stop).tolist()
        chain, index = [], 0
        while index < len(read_next):
            chain.append(index)
            index = read_next[index]
        return inside[chain].tolist(), stop[chain].tolist()

    def nesting(self) -> int:
        """block_nesting(html): the deeper of the two readings, with and without raw regions."""
        np = _scan_tables()[0]
        rows = np.flatnonzero(self.block)
        at = self.points[rows]
        ends = self.slash[rows]
        names = self.name[rows]
        starts, stops = self._raw_regions()
        if starts:
            region = np.searchsorted(np.array(starts), at, side="right") - 1
            raw = (region >= 0) & (at < np.array(stops)[np.maximum(region, 0)])
        else:
            raw = np.zeros(len(at), bool)
        markup = ~raw
        return max(_deepest(np, ends, names), _deepest(np, ends[markup], names[markup]))


def _deepest(np, ends, names) -> int:
    """The most block elements open at once, for tags in document order (end tag? name id).

    Per name, the open count is a walk that an end tag steps down only when it is
    above 0 (block_nesting's "closes one open element of its own name, if there is
    one"): the walk's sum minus its running minimum below 0. The page's depth
    moves by each tag's change of its name's count.
    """
    if not len(names):
        return 0
    steps = np.where(ends, -1, 1)
    order = np.argsort(names, kind="stable")  # by name, in document order within a name
    by_name = names[order]
    first = np.ones(len(order), bool)
    first[1:] = by_name[1:] != by_name[:-1]
    group = np.cumsum(first) - 1
    total = np.cumsum(steps[order])
    base = (total - steps[order])[first][group]  # the sum before each name's first tag
    walk = total - base
    # The running minimum restarted at each name: later names are shifted far below.
    shift = (group.max() - group) * (2 * len(order) + 2)
    floor = np.minimum.accumulate(walk + shift) - shift
    opened = walk - np.minimum(floor, 0)
    before = np.empty_like(opened)
    before[0] = 0
    before[1:] = opened[:-1]
    before[first] = 0
    change = np.empty_like(opened)
    change[order] = opened - before
    return int(max(np.cumsum(change).max(), 0))


def _tag_scan(html: str, data: bytes | None) -> _TagScan | None:
    """The page's tags read from its UTF-8 bytes; None when the regexes must read them."""
    if data is None:
        try:
            data = html.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            return None
    np = _scan_tables()[0]
    array = np.frombuffer(data, np.uint8)
    is_open = array == 60
    if np.count_nonzero(is_open) > _SCAN_MAX_TAGS:
        return None
    return _TagScan(data, array, np.flatnonzero(is_open))


def check_markup(html: str, options: Options, data: bytes | None = None) -> None:
    """Raise TooDeepError / TooLargeError for a page the parser or the DOM walk cannot afford.

    `data`: the page as UTF-8 bytes (html.encode("utf-8")), when the caller has
    them; the HTML front end feeds the parser the same bytes.
    """
    nodes, depth = options.max_dom_nodes, options.max_dom_depth
    # A page has fewer tags than characters: a short page needs no count (most pages).
    count_nodes = nodes and len(html) > nodes
    if not (count_nodes or (depth and len(html) > depth)):
        return
    scan = _tag_scan(html, data)
    if scan is None:
        return _check_markup_by_regex(html, options)
    if count_nodes and len(scan.points) > nodes:
        _refuse_nodes(scan.start_tags(), nodes)
    # As in _check_markup_by_regex: no more block start tags than the limit, no deeper.
    if depth and len(html) > depth and scan.block_starts() > depth:
        _refuse_depth(scan.nesting(), depth)


def _refuse_nodes(elements: int, limit: int) -> None:
    if elements > limit:
        raise TooLargeError(
            f"the page has {elements:,} elements, over the limit of {limit:,} (option max_dom_nodes)"
        )


def _refuse_depth(depth: int, limit: int) -> None:
    if depth > limit:
        raise TooDeepError(
            f"the page nests block elements {depth:,} deep, over the limit of {limit:,} "
            "(option max_dom_depth)"
        )


def _check_markup_by_regex(html: str, options: Options) -> None:
    """check_markup reading the text with the regexes."""
    nodes = options.max_dom_nodes
    if nodes and len(html) > nodes and html.count("<") > nodes:
        _refuse_nodes(len(_START_TAG.findall(html)), nodes)
    if options.max_dom_depth and len(html) > options.max_dom_depth:
        # Nesting needs a start tag per level, and both of block_nesting's
        # readings open at most one level per block start tag anywhere in the
        # page: with no more of them than the limit, the page cannot nest
        # deeper (most pages; one regex pass instead of the walk).
        if not _more_block_starts_than(html, options.max_dom_depth):
            return
        _refuse_depth(block_nesting(html), options.max_dom_depth)


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
