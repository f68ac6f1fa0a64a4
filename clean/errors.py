"""Errors a caller can act on. Each has a `kind` used in batch error records."""


class CleanError(Exception):
    kind = "error"


class InputError(CleanError, ValueError):
    """The input cannot be read as a page: wrong type, undecodable, too large."""

    kind = "input"
