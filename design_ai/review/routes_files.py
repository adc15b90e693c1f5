"""Images by content key, and the health check.

A file is served only when three things hold: the URL is exactly `/files/<key>` with a well-formed store key (no
percent-encoding, no dots, no absolute path), the key is referenced by a look or a draft, and the viewer is
logged in. Anything else is a 404 that says no more, and nothing outside the store is ever opened (the key is
checked again by `Store` itself). Keys are content hashes, so a file never changes: browsers may keep it.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from design_ai.errors import UserError
from design_ai.review.deps import ContextDep, CurrentUser
from design_ai.review.web_security import FILES_CSP
from design_ai.store import is_valid_key

__all__ = ["CONTENT_TYPES", "router"]

router = APIRouter(tags=["files"])

CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
}
CACHE = "private, max-age=31536000, immutable"


def _not_found() -> HTTPException:
    return HTTPException(status_code=404, detail="no such file")


@router.get("/files/{key:path}")
def get_file(key: str, request: Request, viewer: CurrentUser, ctx: ContextDep) -> Response:
    raw_path: bytes = request.scope.get("raw_path") or b""
    if not is_valid_key(key) or not raw_path.endswith(b"/files/" + key.encode("ascii")):
        raise _not_found()
    if not ctx.key_is_referenced(key):
        raise _not_found()
    digest, ext = key.rsplit("/", 1)[1].split(".", 1)
    etag = f'"{digest}"'
    headers = {"Cache-Control": CACHE, "ETag": etag, "Content-Security-Policy": FILES_CSP}
    if etag in (h.strip() for h in request.headers.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers=headers)
    try:
        data = ctx.store.get(key)
    except (UserError, OSError):
        raise _not_found() from None
    media_type = CONTENT_TYPES.get(ext)
    if media_type is None:  # referenced but not an image: download it, never render it in our origin
        media_type = "application/octet-stream"
        headers["Content-Disposition"] = f'attachment; filename="{digest[:16]}.{ext}"'
    return Response(content=data, media_type=media_type, headers=headers)


@router.get("/healthz")
def healthz() -> dict[str, bool]:
    return {"ok": True}
