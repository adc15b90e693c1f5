"""The artifact store: files addressed by their SHA-256, over fsspec (a local folder, or s3:// at scale).

Content addressing makes every write idempotent (a retried task writes the same key again, harmlessly) and
makes a released file verifiable by its key alone. Keys look like `sha256/ab/abcdef….png`; anything else is
refused before it reaches the filesystem, so a key from a URL can never walk out of the store.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

from design_ai.errors import UserError

__all__ = ["Store", "is_valid_key", "key_for"]

_KEY = re.compile(r"^sha256/([0-9a-f]{2})/([0-9a-f]{64})\.([a-z0-9]{1,8})$")


def key_for(data: bytes, ext: str) -> str:
    """The key `data` is stored under: its SHA-256 and an extension (png, pdf, dxf, svg, json ...)."""
    ext = ext.lower().lstrip(".")
    if not re.fullmatch(r"[a-z0-9]{1,8}", ext):
        raise ValueError(f"bad extension {ext!r}")
    digest = hashlib.sha256(data).hexdigest()
    return f"sha256/{digest[:2]}/{digest}.{ext}"


def is_valid_key(key: str) -> bool:
    m = _KEY.match(key)
    return bool(m) and m.group(1) == m.group(2)[:2]


@dataclass
class Store:
    """Put, get and locate content-addressed files under one fsspec URL."""

    url: str

    def __post_init__(self) -> None:
        self.fs, root = fsspec.core.url_to_fs(self.url)
        self.root = root.rstrip("/")
        self.is_local = isinstance(self.fs, LocalFileSystem)

    def _path(self, key: str) -> str:
        if not is_valid_key(key):
            raise UserError(f"not a store key: {key!r}")
        return f"{self.root}/{key}"

    def put(self, data: bytes, ext: str) -> str:
        """Store `data` once and return its key; an existing key is left untouched (it has the same bytes)."""
        key = key_for(data, ext)
        path = self._path(key)
        if self.fs.exists(path):
            return key
        parent = path.rsplit("/", 1)[0]
        self.fs.makedirs(parent, exist_ok=True)
        if self.is_local:
            # Write beside, then rename: a reader never sees half a file, and rename is atomic on POSIX.
            tmp = f"{path}.tmp-{uuid.uuid4().hex}"
            with self.fs.open(tmp, "wb") as fh:
                fh.write(data)
            Path(tmp).replace(path)
        else:
            self.fs.pipe_file(path, data)  # an S3 PUT is atomic already
        return key

    def freeze(self, key: str) -> None:
        """Make a stored file read-only (a released revision's files); on S3 keys are never rewritten anyway."""
        if self.is_local:
            Path(self._path(key)).chmod(0o444)

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return self.fs.cat_file(path)
        except FileNotFoundError:
            raise UserError(f"no such file in the store: {key}") from None

    def exists(self, key: str) -> bool:
        return is_valid_key(key) and self.fs.exists(self._path(key))

    def verify(self, key: str) -> bool:
        """True when the bytes under `key` still hash to it (tamper and corruption check)."""
        m = _KEY.match(key)
        return bool(m) and hashlib.sha256(self.get(key)).hexdigest() == m.group(2)

    def locate(self, key: str) -> str:
        """A path on disk for a local store (what the CLI prints), else the object's URL."""
        path = self._path(key)
        if self.is_local:
            return str(Path(path).resolve())
        return self.fs.unstrip_protocol(path)

    def link(self, key: str) -> str:
        """A URL for links (Prefect artifacts): file:// for a local store, the object's URL otherwise."""
        where = self.locate(key)
        return Path(where).as_uri() if self.is_local else where
