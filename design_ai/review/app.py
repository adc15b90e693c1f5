"""The review app: FastAPI with server-rendered pages, a small JSON API, and images by content key.

`create_app` wires the parts and holds no global state, so tests build one app per database and the CLI's
`seamline review serve` builds one with the Prefect resumer. The layers, outermost first: security headers,
signed-cookie sessions (the cookie holds a CSRF token, flash messages and the token of a server-side login
session, `sessions`), then the routers (pages, API, files). Logins go through `login` (throttled, hashes
bounded). Templates and the vendored CSS/JS live in the project's `templates/` folder; nothing is fetched from
another origin, so the page works offline.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response

import design_ai
from design_ai.config import Settings, get_settings
from design_ai.db.session import get_engine
from design_ai.review import routes_api, routes_files, routes_pages
from design_ai.review.deps import LoginRequired
from design_ai.review.login import LoginGuard
from design_ai.review.queue_cache import QueueCache
from design_ai.review.sessions import SESSION_TTL
from design_ai.review.state import Resumer
from design_ai.review.web_context import AppContext, BackgroundRunner, Redraft
from design_ai.review.web_security import SecurityHeadersMiddleware, load_secret_key
from design_ai.store import Store

__all__ = ["SESSION_COOKIE", "SESSION_MAX_AGE", "TEMPLATES_DIR", "create_app"]

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(design_ai.__file__).resolve().parent.parent / "templates"
SESSION_COOKIE = "seamline_session"
SESSION_MAX_AGE = int(SESSION_TTL.total_seconds())  # the cookie lives as long as its server-side session
_MACHINE_PREFIXES = ("/api/", "/files/", "/healthz")


def create_app(
    settings: Settings | None = None,
    *,
    resumer: Resumer | None = None,
    redraft: Redraft | None = None,
    https_only: bool | None = None,
    login_guard: LoginGuard | None = None,
) -> FastAPI:
    """The review app for `settings` (default: the environment's).

    resumer: called as `resumer(run_id, run_input, api_url)` after a decision on a round a flow run waits on.
    redraft: called as `redraft(look_id)` after a send-back that no flow run waits on (to draft the next round),
        and at start-up for each look a send-back left drafting (its server was killed before the drafts existed).
    https_only: mark the session cookie Secure; default: when `settings.review_url` is https.
    login_guard: the login throttle and password-hash gate (tests pass one with their own clock).
    Both callbacks run on a background thread after the decision is committed; their failures are logged.
    """
    settings = settings or get_settings()
    if not (TEMPLATES_DIR / "review").is_dir():
        raise RuntimeError(f"review templates not found in {TEMPLATES_DIR} (run from a source checkout)")
    secure = settings.review_url.startswith("https://") if https_only is None else https_only
    ctx = AppContext(
        settings=settings,
        db_url=settings.resolved_database_url,
        store=Store.from_settings(settings),
        templates=_templates(),
        https_only=secure,
        resumer=resumer,
        redraft=redraft,
        runner=BackgroundRunner(),
        queue_cache=QueueCache(settings.review_queue_cache_s),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        get_engine(ctx.db_url)  # migrate before the first request, not during it
        # Everything imported so far lives as long as the server: kept out of the collector's full passes, which
        # otherwise walk it all (a 150 ms pause every few seconds under load, the queue's slowest answers); and
        # collections come less often, as request objects are freed by reference counting, not by the collector.
        gc.collect()
        gc.freeze()
        gc.set_threshold(20_000, 20, 20)
        ctx.resume_stalled_send_backs()  # a server killed mid-redraft left looks drafting: draft them now
        sweep = asyncio.create_task(ctx.sweep_stalled_send_backs())  # and a redraft that fails later, in time
        yield
        sweep.cancel()
        ctx.runner.shutdown()

    app = FastAPI(
        title="Seamline review",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ctx = ctx
    app.state.login_guard = login_guard or LoginGuard()
    app.add_middleware(
        SessionMiddleware,
        secret_key=load_secret_key(settings),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=secure,
    )
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: error pages get the headers too
    app.mount("/static", StaticFiles(directory=TEMPLATES_DIR / "static"), name="static")
    app.include_router(routes_pages.router)
    app.include_router(routes_api.router)
    app.include_router(routes_files.router)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        return routes_pages.login_redirect(exc.next_path)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith(_MACHINE_PREFIXES) or exc.status_code in (304, 405):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return ctx.render(
            request, "error.html", {"status": exc.status_code, "detail": exc.detail}, status_code=exc.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith(_MACHINE_PREFIXES):
            return await request_validation_exception_handler(request, exc)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "form"
        detail = f"{where}: {first.get('msg', 'invalid input')}"
        return ctx.render(request, "error.html", {"status": 422, "detail": detail}, status_code=422)

    return app


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every value a user typed (comments, prompts, names) is escaped
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["age"] = format_age
    env.filters["age_class"] = age_class
    env.filters["when"] = format_when
    env.filters["since"] = seconds_since
    versions = {name: _digest(TEMPLATES_DIR / "static" / name) for name in ("review.css", "review.js")}
    env.globals["static_url"] = lambda name: f"/static/{name}?v={versions.get(name, '0')}"
    return Jinja2Templates(env=env)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else "0"


def format_age(seconds: int | float | None) -> str:
    """A short age for badges: 45 s, 12 min, 5 h, 3 d."""
    if seconds is None:
        return ""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} h"
    return f"{s // 86400} d"


def age_class(seconds: int | float | None) -> str:
    """Badge colour: fresh under a day, waiting under three, late after."""
    s = int(seconds or 0)
    return "fresh" if s < 86400 else "waiting" if s < 3 * 86400 else "late"


def _parse(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def format_when(value: str | datetime | None) -> str:
    dt = _parse(value)
    return dt.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC") if dt else ""


def seconds_since(value: str | datetime | None) -> int:
    dt = _parse(value)
    return int((datetime.now(UTC) - dt).total_seconds()) if dt else 0
