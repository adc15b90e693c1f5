"""Seamline's database: SQLModel tables, the session factory and Alembic migrations."""

from design_ai.db.models import Brief, Draft, Look, LookStatus
from design_ai.db.session import get_engine, session_scope, upgrade

__all__ = ["Brief", "Draft", "Look", "LookStatus", "get_engine", "session_scope", "upgrade"]
