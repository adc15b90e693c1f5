"""What can run here: each engine and control detector, and for each that cannot, why.

Only files and imports are checked, never weights loaded, so `seamline models check` answers in seconds
and a sprint can refuse an impossible engine before it writes anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from design_ai.config import Settings
from design_ai.generate.control import annotator_status

__all__ = ["check_all", "check_engine"]


def check_engine(name: str, settings: Settings, control_types: Sequence[str] | None = None) -> tuple[bool, list[str]]:
    """(can run, reasons it cannot) for one engine."""
    if name == "flat":
        return True, []
    from design_ai.generate.engines.diffusion import engine_status

    return engine_status(settings, name, control_types)


def check_all(settings: Settings) -> dict[str, Any]:
    details = {
        "flat": "procedural colorway render, no model",
        "tiny": f"tiny random-weight diffusers pipeline (noise) at {settings.resolved_tiny_model_path}",
        "controlnet": f"Stable Diffusion + ControlNet from {settings.base_model or '(SEAMLINE_BASE_MODEL unset)'}",
    }
    engines = []
    for name in ("flat", "tiny", "controlnet"):
        ok, reasons = check_engine(name, settings)
        engines.append({"name": name, "ok": ok, "detail": details[name], "reasons": reasons})
    return {"engines": engines, "controls": annotator_status(settings.annotators_path)}
