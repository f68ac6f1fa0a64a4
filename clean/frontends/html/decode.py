"""Bytes to text: byte-order mark, then the charset the page declares, then detection.

The order is the one browsers use. A declared charset wins over detection
because detectors guess wrong on short pages; detection (charset-normalizer)
is the last resort for pages that declare nothing and are not UTF-8.
"""

from __future__ import annotations

import codecs
import re

from clean.errors import BinaryInputError, UndecodableError

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">,
# and the XML declaration; browsers look only at the first 1024 bytes, we are a little kinder.
DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{2,40})|<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9._:-]{2,40})""",
    re.IGNORECASE,
)
SNIFF_BYTES = 4096
# Magic numbers of formats that are surely not a page.
BINARY_MAGIC = (
    b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh",
    b"\x7fELF", b"RIFF", b"OggS", b"\x00\x00\x01\x00", b"7z\xbc\xaf", b"ID3", b"wOFF", b"wOF2",
)  # fmt: skip
# Browsers treat these labels as windows-1252 (and so should we: pages that say
# iso-8859-1 routinely contain 1252's curly quotes).
ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
           "ascii": "cp1252", "x-sjis": "shift_jis", "gb2312": "gb18030", "gbk": "gb18030"}  # fmt: skip
# Control characters (other than tab, newline, carriage return, form feed) never
# appear in real text; a sample with many of them is binary.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
MAX_CONTROL_SHARE = 0.02


def _codec(label: bytes | str) -> str | None:
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    name = ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    found = DECLARED_CHARSET.search(data[:SNIFF_BYTES])
    if not found:
        return None
    return _codec(found.group(1) or found.group(2))


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes  # lazily: a few ms to import

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise UndecodableError("cannot decode the input: no charset declared and detection found none")
    return data.decode(best.encoding, errors="replace")


# Code pages of one byte per character: any byte string decodes, so decoding
# succeeding proves nothing.
SINGLE_BYTE = re.compile(r"^(?:cp12[5-9]\d|iso8859-\d+|koi8-[ru]|mac-[a-z]+|cp[89]\d\d|cp4\d\d|tis-620)$")


def _strict_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the NULs of ASCII markup sit in every other byte."""
    sample = data[: SNIFF_BYTES - SNIFF_BYTES % 2]
    half = len(sample) // 2
    if half < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken sequences (a page cut mid-character, a stray byte), as UTF-8.

    When most non-ASCII characters decode as UTF-8 the page is UTF-8 and the
    rest is damage; a legacy code page almost never forms valid sequences.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = len(text) - len(text.encode("ascii", "ignore")) - broken
    return text if valid > broken else None


def decode_html(data: bytes) -> str:
    """The page's text; raises InputError for input that is not text."""
    if data.startswith(BINARY_MAGIC):
        raise BinaryInputError("the input looks like a binary file (PDF, image, archive, ...), not HTML")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if (utf16 := _utf16_without_bom(data)) is not None:
        return data.decode(utf16, errors="replace")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise BinaryInputError("the input contains NUL bytes: it is binary, not HTML")
    charset = declared_charset(data)
    # A page that says UTF-16 but reached here has no BOM and no NULs: the
    # declaration is wrong (it was transcoded); fall through to UTF-8.
    if charset and not charset.startswith("utf-16") and not charset.startswith("utf-32"):
        if SINGLE_BYTE.match(charset) and not data.isascii() and (utf8 := _strict_utf8(data)) is not None:
            return utf8  # valid UTF-8 beyond ASCII is no accident: the declaration is stale
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            pass  # the declaration lies; try UTF-8, then detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _damaged_utf8(data) or _detect(data)


def check_text(text: str) -> None:
    """Raise InputError when decoded text is clearly binary."""
    sample = text[:SNIFF_BYTES]
    if sample and len(CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise BinaryInputError("the input is mostly control characters: it is binary, not HTML")
