"""The tops family: T-shirt, long-sleeve and tank share one block, one landmark reader and one flat drawing.

Each top is a `Top` instance: its points of measure (a subset of `TOP_POMS`, DESIGN.md's definitions, written
only here), whether it has sleeves, and the data files beside this module (`grade_rules.yaml`,
`construction.yaml`, `trims.yaml`, keyed by garment name). Landmarks: `landmarks.py`; pieces: `drafting.py`;
flats for the `flat` engine, the examples and the tests: `flat.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from design_ai.garments.base import Garment, Pom

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from design_ai.patterns.model import GarmentMeasure, Piece

__all__ = ["LONGSLEEVE", "TANK", "TOP_POMS", "TSHIRT", "Top"]

_HERE = Path(__file__).resolve().parent

TOP_POMS: dict[str, Pom] = {
    p.name: p
    for p in (
        Pom("body_length", "HPS to hem, straight down", 1.0),
        Pom("chest_width", "flat, side to side, 2.5 cm below the underarm", 1.0),
        Pom("hem_width", "flat, side to side at the hem", 1.0),
        Pom("shoulder_width", "shoulder point to shoulder point", 0.5),
        Pom("sleeve_length", "shoulder point to sleeve hem along the top edge", 0.5),
        Pom("sleeve_opening", "flat, across the sleeve hem", 0.5),
        Pom("neck_width", "HPS to HPS", 0.5),
        Pom("front_neck_drop", "HPS line to the front neck at centre", 0.5),
    )
}
"""Every point of measure a top may have (DESIGN.md, "Garments and their points of measure"), with its
tolerance: ±1 cm on body lengths and widths, ±0.5 cm on the smaller ones (common practice for knit tops)."""

_SLEEVE_POMS = ("sleeve_length", "sleeve_opening")


def _poms(*names: str) -> tuple[Pom, ...]:
    return tuple(TOP_POMS[n] for n in names)


@dataclass(frozen=True)
class Top(Garment):
    """A garment of the tops family."""

    sleeved: bool = True
    flat_preset: str = field(default="boxy-tee", compare=False)  # the flat drawn for its examples and tests

    def measure(
        self,
        img: Image.Image | np.ndarray,
        *,
        px_per_cm: float | None = None,
        body_length_cm: float | None = None,
    ) -> GarmentMeasure:
        from design_ai.garments.tops.landmarks import measure_top

        return measure_top(img, self, px_per_cm=px_per_cm, body_length_cm=body_length_cm)

    def draft(self, measurements_cm: dict[str, float], *, size: str, **options: Any) -> list[Piece]:
        from design_ai.garments.tops.drafting import draft_top

        return draft_top(self, measurements_cm, size=size, **options)


_ALL = tuple(TOP_POMS)
TSHIRT = Top("tshirt", "T-shirt", "tops", _poms(*_ALL), _HERE, sleeved=True, flat_preset="boxy-tee")
LONGSLEEVE = Top("longsleeve", "Long-sleeve tee", "tops", _poms(*_ALL), _HERE, sleeved=True, flat_preset="longsleeve")
TANK = Top(
    "tank", "Tank top", "tops", _poms(*(n for n in _ALL if n not in _SLEEVE_POMS)), _HERE, sleeved=False,
    flat_preset="tank",
)  # fmt: skip
