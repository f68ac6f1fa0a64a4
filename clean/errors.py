"""Errors a caller can act on. Each has a `kind` used in batch error records."""


class CleanError(Exception):
    kind = "error"


class InputError(CleanError, ValueError):
    """The input cannot be read as a page: wrong type, undecodable, too large."""

    kind = "input"


# Kinds of unreadable input, so that a batch's error records can be counted and
# acted on by kind. All are InputErrors: `except clean.InputError` catches them all.


class TooLargeError(InputError):
    """Over a size limit: input bytes, decompressed bytes, elements (Options.max_input_bytes, ...)."""

    kind = "too-large"


class TooDeepError(InputError):
    """Elements nested deeper than Options.max_dom_depth."""

    kind = "too-deep"


class BinaryInputError(InputError):
    """A PDF, an image, an archive or other bytes that are not text."""

    kind = "binary"


class UndecodableError(InputError):
    """Bytes that no known character encoding makes into text."""

    kind = "undecodable"


class DecompressionBombError(InputError):
    """Compressed data that inflates far more than real pages do (Options.max_compression_ratio)."""

    kind = "decompression-bomb"


class TruncatedInputError(InputError):
    """A compressed stream or archive that ends early."""

    kind = "truncated"


class CorruptInputError(InputError):
    """A compressed stream or archive with broken data."""

    kind = "corrupt"


class DocumentTimeout(InputError):
    """Cleaning took longer than Options.max_seconds."""

    kind = "timeout"
