"""The database layer on SQLite and on a real PostgreSQL: migrations, constraints, idempotent writes."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from design_ai.db.models import Brief, Draft, Look
from design_ai.db.session import get_engine, session_scope


def test_migrations_create_every_table(db_url: str) -> None:
    engine = get_engine(db_url)
    tables = set(inspect(engine).get_table_names())
    assert {"brief", "look", "draft", "alembic_version"} <= tables


def test_migrations_match_the_models(db_url: str) -> None:
    """A model change without a migration fails here, on both databases."""
    engine = get_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def _brief(session, content_hash: str = "a" * 64) -> Brief:  # type: ignore[no-untyped-def]
    brief = Brief(content_hash=content_hash, collection="C", season="SS27", source_path="/x.yaml", spec={})
    session.add(brief)
    session.flush()
    return brief


def _look(session, brief_id: int, position: int = 0) -> Look:  # type: ignore[no-untyped-def]
    look = Look(
        brief_id=brief_id, position=position, name="L", garment="tshirt", prompt="p", material="m",
        control_type="canny", drafts_requested=1, seed=2**32 - 1, sketch_key="k", spec={"a": [1, 2]},
    )  # fmt: skip
    session.add(look)
    session.flush()
    return look


def _draft(look_id: int, params_hash: str = "h" * 64) -> Draft:
    return Draft(
        look_id=look_id, position=0, engine="flat", model_ids={"renderer": "x"}, prompt="p", seed=2**32 + 5,
        steps=1, guidance=1.0, controlnet_scale=1.0, scheduler="s", width=64, height=64, control_type="canny",
        control_detector="d", control_key="k", image_key="i", params_hash=params_hash, params={"seed": 1},
    )  # fmt: skip


def test_round_trip_json_bigint_and_timezones(db_url: str) -> None:
    with session_scope(db_url) as session:
        brief = _brief(session)
        look = _look(session, brief.id)
        session.add(_draft(look.id))
    with session_scope(db_url) as session:
        look = session.exec(select(Look)).one()
        draft = session.exec(select(Draft)).one()
        assert look.spec == {"a": [1, 2]} and look.seed == 2**32 - 1
        assert draft.seed == 2**32 + 5 and draft.model_ids == {"renderer": "x"}
        assert look.created_at.tzinfo is not None or db_url.startswith("sqlite")


def test_duplicate_draft_is_refused_by_the_database(db_url: str) -> None:
    with session_scope(db_url) as session:
        look = _look(session, _brief(session).id)
        session.add(_draft(look.id))
        look_id = look.id
    with pytest.raises(IntegrityError), session_scope(db_url) as session:
        session.add(_draft(look_id))
    with session_scope(db_url) as session:
        assert len(session.exec(select(Draft)).all()) == 1  # the failed transaction left nothing


def test_duplicate_brief_hash_and_look_position_are_refused(db_url: str) -> None:
    with session_scope(db_url) as session:
        _look(session, _brief(session).id)
    with pytest.raises(IntegrityError), session_scope(db_url) as session:
        _brief(session)
    with pytest.raises(IntegrityError), session_scope(db_url) as session:
        brief = session.exec(select(Brief)).one()
        _look(session, brief.id, position=0)


def test_foreign_keys_are_enforced(db_url: str) -> None:
    with pytest.raises(IntegrityError), session_scope(db_url) as session:
        session.add(_draft(look_id=999))
