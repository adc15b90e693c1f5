"""Draft engines by name. Each module is imported only when its engine is asked for, so `flat` never
pulls in torch, and `tiny`/`controlnet` pay their import cost once, when a sprint needs them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from design_ai.errors import UserError

if TYPE_CHECKING:
    from design_ai.config import Settings
    from design_ai.generate.base import Engine

__all__ = ["ENGINES", "get_engine"]

ENGINES: tuple[str, ...] = ("flat", "tiny", "controlnet")


def get_engine(name: str, settings: Settings) -> Engine:
    """The engine called `name`, built from settings (pipelines load lazily, on first use)."""
    if name == "flat":
        from design_ai.generate.engines.flat import FlatEngine

        return FlatEngine(settings)
    if name == "tiny":
        from design_ai.generate.engines.diffusion import TinyEngine

        return TinyEngine(settings)
    if name == "controlnet":
        from design_ai.generate.engines.diffusion import ControlNetEngine

        return ControlNetEngine(settings)
    raise UserError(f"unknown engine {name!r} (choose one of {', '.join(ENGINES)})", where="--engine")
