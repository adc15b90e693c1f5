"""The two kinds of failure Seamline tells apart: a user's mistake (exit 2) and our own fault (exit 1)."""

from __future__ import annotations

__all__ = ["UserError"]


class UserError(Exception):
    """A mistake in what the user gave us (a file, a field, an option).

    The message is one line that says what was wrong and where (file and field), so the CLI can print it
    without a traceback and exit with code 2. Raise it before anything is written, never half-way.
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
