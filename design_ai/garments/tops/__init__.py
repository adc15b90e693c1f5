"""The tops family: T-shirt, long-sleeve, tank, sweatshirt and hoodie share one block, one landmark reader
and one flat drawing.

Each top is a `Top` instance: its points of measure (a subset of `TOP_POMS`, DESIGN.md's definitions, written
only here), whether it has sleeves, and the data files beside this module (`grade_rules.yaml`,
`construction.yaml`, `trims.yaml`, keyed by garment name). Landmarks: `landmarks.py`; pieces: `drafting.py`;
flats for the `flat` engine, the examples and the tests: `flat.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from design_ai.garments.base import Garment, Pom

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from design_ai.patterns.model import GarmentMeasure, Piece

__all__ = ["HOODIE", "LONGSLEEVE", "RIB_BAND_CM", "SWEATSHIRT", "TANK", "TOP_POMS", "TSHIRT", "Top"]

_HERE = Path(__file__).resolve().parent

RIB_BAND_CM = 6.0
"""The block's rib hem band and cuff height (the sweatshirt and hoodie flats draw it): what a pattern uses when a
flat draws no band seam to read it from."""

TOP_POMS: dict[str, Pom] = {
    p.name: p
    for p in (
        Pom("body_length", "HPS to hem, straight down", 1.0),
        Pom("chest_width", "flat, side to side, 2.5 cm below the underarm", 1.0),
        Pom("hem_width", "flat, side to side at the hem", 1.0),
        Pom("shoulder_width", "shoulder point to shoulder point", 0.5),
        Pom("sleeve_length", "shoulder point (a raglan's: the HPS) to the sleeve's end along the top edge", 0.5),
        Pom("sleeve_opening", "flat, across the sleeve hem", 0.5),
        Pom("neck_width", "HPS to HPS", 0.5),
        Pom("front_neck_drop", "HPS line to the front neck at centre", 0.5),
        Pom("hem_band_height", "band seam to the lower edge of the hem band", 0.3, standard_cm=RIB_BAND_CM),
        Pom("cuff_height", "cuff seam to the cuff's end", 0.3, standard_cm=RIB_BAND_CM),
        Pom("hood_height", "HPS line straight up to the top of the hood, as drawn", 1.0),
        Pom("hood_width", "the hood's widest extent across, as drawn", 1.0),
    )
}
"""Every point of measure a top may have (DESIGN.md, "Garments and their points of measure"), with its
tolerance: ±1 cm on body lengths and widths and the hood, ±0.5 cm on the smaller ones, ±0.3 cm on rib bands
(common practice for knit tops)."""

_SLEEVE_POMS = ("sleeve_length", "sleeve_opening")


def _poms(*names: str) -> tuple[Pom, ...]:
    return tuple(TOP_POMS[n] for n in names)


@dataclass(frozen=True)
class Top(Garment):
    """A garment of the tops family."""

    sleeved: bool = True
    banded: bool = False  # a rib hem band and cuffs (sweatshirt, hoodie): their heights are POMs
    hooded: bool = False  # a hood instead of a neckband (hoodie): no front neck drop, hood height and width
    flat_preset: str = field(default="boxy-tee", compare=False)  # the flat drawn for its examples and tests

    def measure(
        self,
        img: Image.Image | np.ndarray,
        *,
        px_per_cm: float | None = None,
        body_length_cm: float | None = None,
        features: Mapping[str, str] | None = None,
    ) -> GarmentMeasure:
        from design_ai.garments.tops.landmarks import measure_top

        return measure_top(img, self, px_per_cm=px_per_cm, body_length_cm=body_length_cm, features=features)

    def draft(
        self, measurements_cm: dict[str, float], *, size: str, features: Mapping[str, str] | None = None, **options: Any
    ) -> list[Piece]:
        from design_ai.garments.tops.drafting import draft_top

        if (features or {}).get("sleeve") == "raglan":
            options.setdefault("sleeve_style", "raglan")
        return draft_top(self, measurements_cm, size=size, **options)


_TEE = ("body_length", "chest_width", "hem_width", "shoulder_width", "sleeve_length", "sleeve_opening", "neck_width",
        "front_neck_drop")  # fmt: skip
_BANDS = ("hem_band_height", "cuff_height")
TSHIRT = Top("tshirt", "T-shirt", "tops", _poms(*_TEE), _HERE, sleeved=True, flat_preset="boxy-tee")
LONGSLEEVE = Top("longsleeve", "Long-sleeve tee", "tops", _poms(*_TEE), _HERE, sleeved=True, flat_preset="longsleeve")
TANK = Top(
    "tank", "Tank top", "tops", _poms(*(n for n in _TEE if n not in _SLEEVE_POMS)), _HERE, sleeved=False,
    flat_preset="tank",
)  # fmt: skip
SWEATSHIRT = Top(
    "sweatshirt", "Sweatshirt", "tops", _poms(*_TEE, *_BANDS), _HERE, sleeved=True, banded=True,
    flat_preset="sweatshirt",
)  # fmt: skip
HOODIE = Top(
    "hoodie", "Hoodie", "tops",
    _poms(*(n for n in _TEE if n != "front_neck_drop"), *_BANDS, "hood_height", "hood_width"), _HERE,
    sleeved=True, banded=True, hooded=True, flat_preset="hoodie",
)  # fmt: skip
