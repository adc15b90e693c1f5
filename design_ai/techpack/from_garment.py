"""The parts of a tech pack that come from the garment library: the POM table and the construction page.

A tech pack names no garment: it asks the registry (`design_ai.garments`) for the garment's points of measure
(definition, tolerance, order) and its sewing operations, so a new garment's tech pack needs no change here.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from design_ai import garments
from design_ai.techpack.model import ConstructionStep, PomRow

__all__ = ["construction_spec", "construction_steps", "pom_rows"]


def pom_rows(garment: str, measurements: dict[str, dict[str, float]], sizes: list[str]) -> list[PomRow]:
    """The POM table: the garment's points of measure in its spec-sheet order, each with its definition and
    tolerance, and its value in every size; measurements the garment does not define follow at the end."""
    spec = garments.get(garment)
    present = measurements[sizes[0]]
    names = [p for p in spec.pom_names if p in present] + [n for n in present if spec.pom(n) is None]
    rows = []
    for i, name in enumerate(names):
        pom = spec.pom(name)
        rows.append(
            PomRow(
                code=chr(65 + i),
                name=name,
                description=pom.definition if pom else name.replace("_", " "),
                tolerance_cm=pom.tolerance_cm if pom else 1.0,
                values_cm={s: measurements[s][name] for s in sizes if name in measurements[s]},
            )
        )
    return rows


def construction_spec(garment: str) -> list[dict[str, Any]]:
    """The garment's sewing operations as a release's spec records them (part of what "unchanged" compares)."""
    return [asdict(op) for op in garments.get(garment).construction()]


def construction_steps(garment: str) -> list[ConstructionStep]:
    """The construction page: ISO 4916 seam class and ISO 4915 stitch type of each operation, in order."""
    return [ConstructionStep(**op) for op in construction_spec(garment)]
