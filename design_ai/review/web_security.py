"""The review app's web defences: the session signing key, CSRF tokens and security headers.

Sessions are signed cookies (Starlette's SessionMiddleware, itsdangerous underneath), so the key must survive a
restart or every reviewer is logged out; when `settings.secret_key` is unset a random key is made once and kept
in the home folder, readable by its owner only. CSRF tokens are per session and random, compared in constant
time; the headers keep pages out of frames, stop MIME sniffing and allow scripts and styles from our own origin
only (the page has no inline script, so the policy costs nothing).
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from design_ai.config import Settings

__all__ = [
    "CSP",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "FILES_CSP",
    "SecurityHeadersMiddleware",
    "csrf_matches",
    "load_secret_key",
    "new_csrf_token",
    "safe_next",
]

log = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"  # hidden field of every form
CSRF_HEADER = "x-csrf-token"  # header of every JSON API POST
SECRET_FILE = "secret_key"

# Only our own origin: no inline script, no inline style, no frames, forms post only to us.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Stored files are data, never a document that could run something in our origin (an SVG with a script).
FILES_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def load_secret_key(settings: Settings) -> str:
    """The key that signs session cookies: `settings.secret_key`, else one kept in `home/secret_key` (0600).

    The file appears whole and only once (written aside, then hard-linked), so processes starting together agree.
    """
    if settings.secret_key:
        if len(settings.secret_key) < 16:
            raise ValueError("SEAMLINE_SECRET_KEY is too short: use at least 16 random characters")
        return settings.secret_key
    path = Path(settings.home) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return _read_secret_file(path)
    # Write the key beside, then link it into place: the link either creates the file with its content or
    # fails because another process (a second uvicorn worker) won, whose key everyone then reads.
    tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return _read_secret_file(path)


def _read_secret_file(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s was readable by others (mode %o); restricting it to 0600", path, mode)
        path.chmod(0o600)
    key = path.read_text().strip()
    if len(key) < 16:
        raise ValueError(f"{path}: the session key is empty or too short; delete the file to make a new one")
    return key


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(session: Mapping[str, Any], presented: object) -> bool:
    """True when `presented` is this session's token; a session without one matches nothing."""
    expected = session.get("csrf")
    if not isinstance(expected, str) or not expected or not isinstance(presented, str) or not presented:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8"))


def safe_next(target: str | None) -> str:
    """A post-login redirect target, only ever a path on this site (no open redirect to another host)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(c in target for c in "\r\n\\")
    ):
        return "/"
    return target


class SecurityHeadersMiddleware:
    """Adds the security headers to every response (a plain ASGI middleware: no per-request task overhead)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                headers.setdefault("Content-Security-Policy", CSP)
                if path.startswith("/static/"):
                    headers.setdefault("Cache-Control", "public, max-age=86400")
                else:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
