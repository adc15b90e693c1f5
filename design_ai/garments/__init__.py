"""The garment library: one module per garment (or family), and the registry every stage asks.

A brief's `garment`, `seamline sprint`'s preflight, `pattern extract --garment`, grading, the fidelity guard,
carbon and the tech pack all look a garment up here and name none themselves. To add a garment: write its
module (or add an instance to its family's module) under `design_ai/garments/`, then one line in `REGISTRY`.

The registry holds import paths, not modules, so that reading a brief (which checks the names) imports
nothing heavy: a garment's module is imported the first time a stage asks for it.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

from design_ai.errors import UserError

if TYPE_CHECKING:
    from design_ai.garments.base import Garment

__all__ = ["REGISTRY", "get", "names", "unknown_garment"]

REGISTRY: dict[str, str] = {
    "tshirt": "design_ai.garments.tops:TSHIRT",
    "longsleeve": "design_ai.garments.tops:LONGSLEEVE",
    "tank": "design_ai.garments.tops:TANK",
    "sweatshirt": "design_ai.garments.tops:SWEATSHIRT",
    "hoodie": "design_ai.garments.tops:HOODIE",
}
"""Garment name (a brief's `garment`, `--garment`) -> "module:attribute" of its `Garment`."""


def names() -> tuple[str, ...]:
    """The registered garments, in the registry's order."""
    return tuple(REGISTRY)


def unknown_garment(name: object) -> str:
    """The one-line reason a garment name is refused: the name (cut short: it is user input) and the choices."""
    shown = repr(str(name)[:40] + ("…" if len(str(name)) > 40 else ""))
    return f"garment {shown} is not in the garment library; registered garments: {', '.join(REGISTRY)}"


def get(name: str) -> Garment:
    """The registered garment called `name`; UserError naming it and the registered ones when there is none."""
    target = REGISTRY.get(name) if isinstance(name, str) else None
    if target is None:
        raise UserError(unknown_garment(name))
    return _load(target)


@cache
def _load(target: str) -> Garment:
    module, attribute = target.split(":")
    return getattr(importlib.import_module(module), attribute)
