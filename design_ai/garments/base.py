"""What a garment of the library is: the one place every stage asks about it.

A garment module holds its points of measure (definition and tolerance, written once), how its landmarks are
read off a picture (on the shared outline geometry of `design_ai.patterns.outline`), how its pieces are drafted
(on the shared seam-allowance code of `design_ai.patterns.pieces`), its grade rules with their sources, its
construction operations, its trims for the bill of materials and how its flat is drawn. Extraction, grading,
the fidelity guard, carbon, the tech pack and the CLI name no garment: they ask the registry
(`design_ai.garments.get`) for one of these.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from design_ai.errors import UserError

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from design_ai.patterns.model import GarmentMeasure, Piece

__all__ = ["ConstructionOp", "Garment", "Pom", "Trim"]


@dataclass(frozen=True)
class Pom:
    """A point of measure: how a spec sheet defines it and how far a finished garment may stray from it."""

    name: str  # the key in pattern.json's measurements_cm
    definition: str  # how to take it, on the garment laid flat (DESIGN.md's words)
    tolerance_cm: float  # ± on a finished garment: the tech pack's tolerance column
    # Used when a picture does not show what the POM is defined by (DESIGN.md: a band is read "where drawn");
    # None: the POM is always shown, and a picture without it is refused.
    standard_cm: float | None = None

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class ConstructionOp:
    """One sewing operation: ISO 4916 seam class, ISO 4915 stitch type (the tech pack's construction page)."""

    operation: str
    seam_class: str
    stitch_type: str
    stitches_per_cm: float
    notes: str = ""


@dataclass(frozen=True)
class Trim:
    """A trim the bill of materials lists for every garment of this kind (beyond thread, labels, packaging)."""

    name: str
    quantity: float
    unit: str  # pc, m
    placement: str
    grams: float  # per unit, for the garment's mass and the trims' carbon
    material: str  # a key of the trims' factor table (design_ai/sustain/factors.yaml, trims.items)


@dataclass(frozen=True)
class Garment(abc.ABC):
    """One garment of the library. A family (tops, bottoms, ...) subclasses it once; each garment is an instance.

    `folder` holds the family's data files: `grade_rules.yaml` (increments per garment and POM, and their
    source), `construction.yaml` and `trims.yaml` (both keyed by garment name).
    """

    name: str
    label: str  # what a person calls it: "T-shirt", "Hoodie"
    family: str
    poms: tuple[Pom, ...]  # measured off a picture and needed to draft, in the spec sheet's order
    folder: Path = field(repr=False, compare=False)

    # -- points of measure -------------------------------------------------------------------------------------

    @cached_property
    def pom_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.poms)

    def pom(self, name: str) -> Pom | None:
        """The POM called `name`, or None when this garment has no such point of measure."""
        return next((p for p in self.poms if p.name == name), None)

    # -- reading and drafting ----------------------------------------------------------------------------------

    @abc.abstractmethod
    def measure(
        self,
        img: Image.Image | np.ndarray,
        *,
        px_per_cm: float | None = None,
        body_length_cm: float | None = None,
        features: Mapping[str, str] | None = None,
    ) -> GarmentMeasure:
        """The POMs (cm) and landmarks (px) of this garment in `img`; UserError (one line) when unreadable.
        `features`: what is known of the design beyond this picture (e.g. from its sketch), which wins."""

    @abc.abstractmethod
    def draft(
        self, measurements_cm: dict[str, float], *, size: str, features: Mapping[str, str] | None = None, **options: Any
    ) -> list[Piece]:
        """The pattern pieces of one size, with seam allowance, from finished measurements (cm); `features`
        are what the picture (or the design's sketch) showed beyond its POMs, e.g. a raglan sleeve."""

    # -- data files --------------------------------------------------------------------------------------------

    def _data(self, filename: str) -> Any:
        return _read_yaml(self.folder / filename)

    def grade_increments(self) -> tuple[dict[str, float], str]:
        """(cm per size step for each POM, the source those numbers rest on) from the family's grade rules."""
        data = self._data("grade_rules.yaml")
        where = str(self.folder / "grade_rules.yaml")
        source = str(data.get("source") or "").strip()
        if not source:
            raise ValueError(f"{where}: the grade rules must name their source")
        incs = (data.get("garments") or {}).get(self.name)
        if not isinstance(incs, dict):
            raise ValueError(f"{where}: no grade rules for {self.name}")
        out: dict[str, float] = {}
        for pom, inc in incs.items():
            if not isinstance(inc, int | float) or isinstance(inc, bool) or inc < 0:
                raise ValueError(f"{where}: {self.name}.{pom} must be a number >= 0 (cm per size), got {inc!r}")
            out[str(pom)] = float(inc)
        return out, source

    def construction(self) -> list[ConstructionOp]:
        """How it is sewn, in order (seam classes per ISO 4916, stitch types per ISO 4915)."""
        return [ConstructionOp(**op) for op in self._data("construction.yaml").get(self.name, [])]

    def trims(self) -> list[Trim]:
        """The trims of its bill of materials beyond thread, labels and packaging (which every garment has)."""
        return [Trim(**t) for t in (self._data("trims.yaml") or {}).get(self.name, [])]


_YAML_CACHE: dict[Path, Any] = {}


def _read_yaml(path: Path) -> Any:
    if path not in _YAML_CACHE:
        try:
            _YAML_CACHE[path] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise UserError(f"the garment library has no {path.name} in {path.parent}") from None
    return _YAML_CACHE[path]
