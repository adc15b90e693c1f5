"""The bounds Seamline puts on what users give it, in one place, so the brief, the CLI and the web app agree.

Each bound is checked at the boundary, before any work: a number past it would otherwise pass validation and
fail late (a MemoryError in a release, a panic in the nesting library, an overflow in the database driver).
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

from design_ai.errors import UserError, quoted

__all__ = [
    "MAX_BRIEF_BYTES",
    "MAX_ID",
    "MAX_IMAGE_BYTES",
    "MAX_INSTANCE_BYTES",
    "MAX_MARKER_COPIES",
    "MAX_MARKER_EXTENT",
    "MAX_MARKER_GARMENTS",
    "MAX_MARKER_ITEMS",
    "MAX_MARKER_SECONDS",
    "MAX_POLYGON_POINTS",
    "MAX_RATIO_COUNT",
    "MAX_SIZES",
    "SIZE_LABEL",
    "control_character",
    "read_bounded",
]

MAX_ID = 2**63 - 1  # the largest database id (BIGINT; SQLite's INTEGER): past it the driver overflows
MAX_BRIEF_BYTES = 1 << 20  # a brief is a page of YAML; refused unread past this
MAX_IMAGE_BYTES = 128 << 20  # a sketch or a flat: a 50 MP PNG fits with room to spare
MAX_INSTANCE_BYTES = 32 << 20  # a nesting-benchmark JSON file (the largest public ones are a few MB)
MAX_SIZES = 30  # sizes in a range
MAX_RATIO_COUNT = 100  # garments of one size in a marker's lay
MAX_MARKER_GARMENTS = 200  # garments in one marker (the sum of a size ratio)
MAX_MARKER_ITEMS = 10_000  # kinds of piece in an instance
MAX_MARKER_COPIES = 10_000  # pieces placed in one marker (demands summed)
MAX_POLYGON_POINTS = 10_000  # points of one piece's outline
MAX_MARKER_EXTENT = 1e7  # |coordinate| and strip width, in the instance's units
MAX_MARKER_SECONDS = 3600.0  # nesting time limit
SIZE_LABEL = re.compile(r"^[A-Za-z0-9/.+-]{1,12}$")  # a size's label (XS, 3XL, 38, 10/12), in a brief or the CLI

# Line and paragraph separators and the bidirectional overrides and isolates: they break a line or reorder
# what a reviewer reads without being C0/C1 controls.
_INVISIBLE = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def control_character(text: str, *, allow: str = "") -> str | None:
    """The first control character in `text` (C0, DEL, C1, separators, bidi overrides) not in `allow`, or None."""
    for ch in text:
        if ch in allow:
            continue
        if ch in _INVISIBLE or unicodedata.category(ch) == "Cc":
            return ch
    return None


def _size_text(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 2 << 20 else f"{n >> 10} KiB"


def read_bounded(
    path: Path, *, where: str, max_bytes: int, what: str = "file", follow_symlinks: bool = True
) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, read once (what is checked is what is used).

    The size comes from `fstat` of the opened file, before any byte is read, so a huge file is refused without
    holding it; the open does not block on a FIFO, and `follow_symlinks=False` refuses a symlink as the last part
    of the path at the open itself (O_NOFOLLOW), so it cannot be swapped in later. Errors opening or reading
    (`OSError`: missing, unreadable, a symlink) are the caller's to word.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow_symlinks else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)  # on the descriptor: a directory cannot even be wrapped as a file object
        if not stat.S_ISREG(info.st_mode):
            raise UserError(f"not a file: {quoted(str(path), 120)}", where=where)
        limit = _size_text(max_bytes)
        if info.st_size > max_bytes:
            raise UserError(f"{what} is {info.st_size / 2**20:.1f} MiB, over the {limit} limit", where=where)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew since the stat
        raise UserError(f"{what} is over the {limit} limit", where=where)
    return data
