"""The artifact store: files addressed by their SHA-256, over fsspec (a local folder, or s3:// at scale).

Content addressing makes every write idempotent (a retried task writes the same key again, harmlessly) and
makes a released file verifiable by its key alone. Keys look like `sha256/ab/abcdef….png`; anything else is
refused before it reaches the filesystem, so a key from a URL can never walk out of the store.

On S3 (AWS, or MinIO/SeaweedFS through `SEAMLINE_STORE_ENDPOINT_URL`) the credentials are boto's own:
`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (or a profile, or an instance role), never a Seamline setting, so
they stay out of `seamline.toml` and out of Prefect's stored parameters.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import fsspec
from fsspec.implementations.local import LocalFileSystem

from design_ai.errors import UserError

if TYPE_CHECKING:
    from design_ai.config import Settings

__all__ = ["Store", "is_valid_key", "key_for"]

_KEY = re.compile(r"^sha256/([0-9a-f]{2})/([0-9a-f]{64})\.([a-z0-9]{1,8})$")
_S3 = ("s3", "s3a")


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
    """Put, get and locate content-addressed files under one fsspec URL.

    `options` are fsspec storage options (for s3fs: `client_kwargs`, `config_kwargs`, `key`/`secret`, ...).
    A remote store is checked once, at its first read or write (one HEAD of the bucket), so a wrong bucket,
    refused credentials or an endpoint that does not answer become one `UserError` naming the setting to fix,
    instead of a botocore traceback half-way through a flow. Errors after that check (a store that went away
    mid-run) stay what they are, so Prefect's retries see them as transient.
    """

    url: str
    options: dict[str, Any] = field(default_factory=dict)
    _checked: bool = field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            self.fs, root = fsspec.core.url_to_fs(self.url, **self.options)
        except ImportError as exc:  # fsspec names the package: "Install s3fs to access S3"
            raise UserError(f"the store {self.url} needs a package that is not installed: {exc}",
                            where="SEAMLINE_STORE_URL") from None  # fmt: skip
        except ValueError as exc:  # "Protocol not known: ..."
            raise UserError(f"not a store URL {self.url!r}: {exc}", where="SEAMLINE_STORE_URL") from None
        self.root = root.rstrip("/")
        self.is_local = isinstance(self.fs, LocalFileSystem)
        protocols = (self.fs.protocol,) if isinstance(self.fs.protocol, str) else tuple(self.fs.protocol)
        self.is_s3 = any(p in _S3 for p in protocols)
        if self.is_s3 and not self.root.split("/", 1)[0]:
            raise UserError(f"no bucket in {self.url!r} (expected s3://bucket/prefix)", where="SEAMLINE_STORE_URL")

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """The configured store: `SEAMLINE_STORE_URL` with `SEAMLINE_STORE_OPTIONS` and, for s3://,
        `SEAMLINE_STORE_ENDPOINT_URL` as the S3 client's endpoint (MinIO, SeaweedFS; unset means AWS)."""
        url = settings.resolved_store_url
        options = dict(settings.store_options)
        if settings.store_endpoint_url and url.split("://", 1)[0] in _S3:
            client_kwargs = dict(options.get("client_kwargs") or {})
            client_kwargs["endpoint_url"] = settings.store_endpoint_url  # the named setting beats the options
            options["client_kwargs"] = client_kwargs
            options.pop("endpoint_url", None)
        return cls(url, options)

    @property
    def endpoint_url(self) -> str | None:
        """The S3 endpoint in use (None: AWS's own, or not S3)."""
        if not self.is_s3:
            return None
        found = self.options.get("endpoint_url") or (self.options.get("client_kwargs") or {}).get("endpoint_url")
        return str(found).rstrip("/") if found else None

    def check(self) -> None:
        """Make sure the store can be used: a no-op for a local folder, one HEAD of the bucket on S3.

        Called by every read and write the first time; call it directly to fail before any other work.
        """
        if self._checked:
            return
        if self.is_s3:
            bucket = self.root.split("/", 1)[0]
            with self._explained():
                self.fs.call_s3("head_bucket", Bucket=bucket)
        self._checked = True

    @contextmanager
    def _explained(self) -> Iterator[None]:
        """Turn the S3 client's failures at the first contact into one line naming the setting to fix."""
        # Only S3 stores come here, and s3fs requires botocore.
        from botocore.exceptions import BotoCoreError, NoCredentialsError, PartialCredentialsError
        from botocore.exceptions import ConnectionError as EndpointError

        where = f"store {self.url} at {self.endpoint_url or 'AWS S3'}"
        creds = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        try:
            yield
        except (NoCredentialsError, PartialCredentialsError):
            raise UserError(f"no S3 credentials for the {where}: {creds}", where="SEAMLINE_STORE_URL") from None
        except PermissionError as exc:
            raise UserError(f"the {where} refused the credentials ({exc}): check AWS_ACCESS_KEY_ID and "
                            "AWS_SECRET_ACCESS_KEY", where="SEAMLINE_STORE_URL") from None  # fmt: skip
        except FileNotFoundError:
            raise UserError(f"no such bucket: {self.url} (create it first; at {self.endpoint_url or 'AWS S3'})",
                            where="SEAMLINE_STORE_URL") from None  # fmt: skip
        except EndpointError as exc:
            raise UserError(f"the {where} does not answer ({exc})", where="SEAMLINE_STORE_ENDPOINT_URL") from None
        except (BotoCoreError, OSError) as exc:
            raise UserError(f"the {where} cannot be used: {exc}", where="SEAMLINE_STORE_URL") from None

    def _path(self, key: str) -> str:
        if not is_valid_key(key):
            raise UserError(f"not a store key: {key!r}")
        return f"{self.root}/{key}"

    def put(self, data: bytes, ext: str) -> str:
        """Store `data` once and return its key; an existing key is left untouched (it has the same bytes)."""
        key = key_for(data, ext)
        path = self._path(key)
        self.check()
        if self.fs.exists(path):
            return key
        self._write(path, data)
        return key

    def _write(self, path: str, data: bytes) -> None:
        """All of `data` at `path` or nothing, for any reader at any moment."""
        if self.is_local:
            # Write beside, then rename: a reader never sees half a file, and rename is atomic on POSIX (it
            # replaces even a read-only file: the folder's mode decides).
            self.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
            tmp = f"{path}.tmp-{uuid.uuid4().hex}"
            with self.fs.open(tmp, "wb") as fh:
                fh.write(data)
            Path(tmp).replace(path)
        else:
            # One PUT, atomic on S3: readers see all of the object or none. No makedirs: S3 has no folders,
            # and s3fs's makedirs would create a missing bucket instead of reporting it.
            self.fs.pipe_file(path, data)

    def freeze(self, key: str) -> None:
        """Make a stored file read-only (a released revision's files).

        A no-op on S3 and other object stores: Seamline never rewrites a key (its name is its content's hash),
        and immutability there belongs to the bucket's policy or object lock, not to this process.
        """
        if self.is_local:
            Path(self._path(key)).chmod(0o444)

    def is_frozen(self, key: str) -> bool:
        """Whether a stored file is read-only, as `freeze` leaves it; always True on object stores (see there).

        A release checks this on every read: a crash between writing a file and freezing it must not leave a
        released file that anyone with write access to the folder could silently change.
        """
        if not self.is_local:
            return True
        return not Path(self._path(key)).stat().st_mode & 0o222

    def repair(self, key: str, data: bytes) -> None:
        """Write `data` back over the file under `key` when that file no longer holds it.

        The one overwrite a content-addressed store allows: the key says what the bytes must be, so putting
        those bytes back can only undo damage. Anything else under the key is refused.
        """
        ext = key.rsplit(".", 1)[-1]
        if key_for(data, ext) != key:
            raise ValueError(f"these bytes do not belong under {key}")
        path = self._path(key)
        self.check()
        self._write(path, data)

    def get(self, key: str) -> bytes:
        path = self._path(key)
        self.check()
        try:
            return self.fs.cat_file(path)
        except FileNotFoundError:
            raise UserError(f"no such file in the store: {key}") from None

    def exists(self, key: str) -> bool:
        if not is_valid_key(key):
            return False
        self.check()
        return self.fs.exists(self._path(key))

    def verify(self, key: str) -> bool:
        """True when the bytes under `key` still hash to it (tamper and corruption check)."""
        m = _KEY.match(key)
        return bool(m) and hashlib.sha256(self.get(key)).hexdigest() == m.group(2)

    def locate(self, key: str) -> str:
        """A path on disk for a local store (what the CLI prints), else the object's URL (s3://bucket/...).

        Only a local store's answer can be opened as a file: code that needs the bytes calls `get`.
        """
        path = self._path(key)
        if self.is_local:
            return str(Path(path).resolve())
        return self.fs.unstrip_protocol(path)

    def link(self, key: str) -> str:
        """A URL for links in Prefect artifacts, which people open in a browser.

        A local store gives a file:// URI. S3 gives the object's HTTP(S) URL: path-style on the configured
        endpoint (MinIO, SeaweedFS), virtual-hosted on AWS. It opens where the bucket's policy lets the viewer
        read (e.g. MinIO's `mc anonymous set download`, or an AWS bucket policy for the office); it is never a
        presigned URL because Prefect keeps artifacts far longer than a signature lives (7 days at most).
        `locate` gives the s3:// URL that tools (aws s3 cp, s3fs) take.
        """
        where = self.locate(key)
        if self.is_local:
            return Path(where).as_uri()
        if not self.is_s3:
            return where
        bucket, _, prefix = self._path(key).partition("/")
        if self.endpoint_url:
            return f"{self.endpoint_url}/{quote(bucket)}/{quote(prefix)}"
        return f"https://{bucket}.s3.amazonaws.com/{quote(prefix)}"
