"""Wiring every Seamline task shares: which failures are worth a retry."""

from __future__ import annotations

from typing import Any

from design_ai.errors import UserError

__all__ = ["RETRY_DELAYS", "is_transient"]

RETRY_DELAYS = [2, 10, 30]


def is_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a locked database, a flaky store or a worker hiccup; never a user's mistake, which stays wrong."""
    try:
        state.result()
    except UserError:
        return False
    except Exception:
        return True
    return True
