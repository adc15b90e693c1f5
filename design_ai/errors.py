"""The two kinds of failure Seamline tells apart: a user's mistake (exit 2) and our own fault (exit 1)."""

from __future__ import annotations

import reprlib

__all__ = ["UserError", "escaped", "quoted"]


class UserError(Exception):
    """A mistake in what the user gave us (a file, a field, an option).

    The message is one line that says what was wrong and where (file and field), so the CLI can print it
    without a traceback and exit with code 2. Raise it before anything is written, never half-way.
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


def quoted(value: object, limit: int = 60) -> str:
    """User input as an error may quote it: cut to `limit` characters and repr-escaped, so one line stays one
    short line whatever was given (a megabyte string, a NUL, an ESC sequence that would rewrite the terminal)."""
    if isinstance(value, str):
        return repr(value[:limit] + ("…" if len(value) > limit else ""))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"<a {value.bit_length()}-bit integer>"  # repr of a huge int is slow, even refused past 4300 digits
    text = _SHORT_REPR.repr(value)
    return text[:limit] + ("…" if len(text) > limit else "")


def escaped(text: str, limit: int = 60) -> str:
    """`quoted` without the quotes, for a name shown in running text (a file name, a field path)."""
    return quoted(text, limit)[1:-1]


def _short_repr() -> reprlib.Repr:
    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother, short.maxlong = 3, 60, 60, 60
    short.maxlist = short.maxtuple = short.maxdict = short.maxset = 6
    return short


_SHORT_REPR = _short_repr()
