"""Engines, sessions and schema migrations, for SQLite (default) and PostgreSQL (by URL).

The schema is created and upgraded only by Alembic (never `create_all`), so a database made by one release
upgrades cleanly to the next. `get_engine` upgrades once per process and URL, under a lock, because flows
open sessions from several task threads at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

__all__ = ["alembic_config", "get_engine", "session_scope", "upgrade"]

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("design_ai.db").joinpath("migrations")))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below), as SQLAlchemy's docs advise
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer (review app + flows)
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:  # type: ignore[no-untyped-def]
            # A deciding transaction takes the write lock up front (BEGIN IMMEDIATE): two writers then queue
            # behind busy_timeout instead of one failing when its read snapshot went stale.
            immediate = conn.get_execution_options().get("sqlite_immediate", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True)


def upgrade(url: str, engine: Engine | None = None) -> None:
    """Bring the database at `url` to the newest migration."""
    cfg = alembic_config(url)
    engine = engine or _make_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def get_engine(url: str) -> Engine:
    """One engine per URL and process, its schema upgraded on first use."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _make_engine(url)
            upgrade(url, engine)
            _engines[url] = engine
        return engine


def dispose_all() -> None:
    """Close every pooled connection (tests, and before a process forks)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(url: str, *, readonly: bool = False) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any exception.

    On SQLite a transaction that may write takes the write lock at BEGIN (BEGIN IMMEDIATE): a read-then-write
    transaction that began deferred would fail at once ("database is locked") when another writer committed
    since its read, instead of waiting its turn. `readonly=True` scopes (pages, listings) begin deferred and
    never block writers. PostgreSQL relies on the row locks the code takes.
    """
    engine = get_engine(url)
    bind = engine if readonly else engine.execution_options(sqlite_immediate=True)
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
