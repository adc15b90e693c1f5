"""The data that crosses the pattern pipeline: measurements from an image, pieces, a graded set.

Units are centimetres everywhere outside `measure` (which also reports pixels); piece coordinates have +x to
the garment's left-to-right and +y up the garment (hem at low y), with the grain line along +y, so a piece
can be nested with rotations of 0° and 180° only and keep its grain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["GarmentMeasure", "PatternSet", "Piece"]

@dataclass(frozen=True)
class GarmentMeasure:
    """What pattern extraction reads off one image."""

    garment: str
    measurements_cm: dict[str, float]
    landmarks_px: dict[str, tuple[float, float]]  # in the input image's pixel coordinates
    px_per_cm: float
    rotation_deg: float  # the deskew applied (counter-clockwise positive)
    image_size: tuple[int, int]  # (width, height)
    # Where the time went (silhouette, outline_deskew, landmarks, poms): what bench/pattern_accuracy.py profiles.
    stage_seconds: dict[str, float] = field(default_factory=dict, compare=False)
    # What the picture shows of the design beyond its POMs, for drafting: e.g. {"sleeve": "raglan"}.
    features: dict[str, str] = field(default_factory=dict)
    # POMs the picture does not show (a band drawn without its seam), set to the garment's standard: POM -> why.
    # They are in measurements_cm (a pattern needs them) but were not read, so nothing compares them.
    assumed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Piece:
    """One pattern piece of one size."""

    name: str  # front, back, sleeve, neckband, ...
    size: str
    cut: int  # how many to cut per garment (a piece on the fold counts once)
    on_fold: bool
    sew_cm: list[tuple[float, float]]  # the sewing line (net shape), closed (first point not repeated), CCW
    cut_cm: list[tuple[float, float]]  # the cutting line: sewing line plus seam allowance, CCW
    seam_allowance_cm: list[float]  # one per edge of sew_cm (edge i runs from point i to i+1)
    grain_cm: tuple[tuple[float, float], tuple[float, float]]
    notches_cm: list[tuple[float, float]]  # on the cutting line
    internal_cm: list[list[tuple[float, float]]] = field(default_factory=list)  # fold lines, placement marks
    annotations: dict[str, str] = field(default_factory=dict)

    @property
    def area_cm2(self) -> float:
        """Area of the cutting line (what the fabric must cover), by the shoelace formula."""
        pts = self.cut_cm
        return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True))) / 2

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "cut": self.cut,
            "on_fold": self.on_fold,
            "category": self.annotations.get("category", "SELF"),  # SELF: the shell fabric; RIB: bands, cuffs
            "area_cm2": round(self.area_cm2, 2),
            "polygon_cm": [[round(x, 3), round(y, 3)] for x, y in self.cut_cm],
            "sew_polygon_cm": [[round(x, 3), round(y, 3)] for x, y in self.sew_cm],
            "seam_allowance_cm": [round(a, 3) for a in self.seam_allowance_cm],
            "grain_line_cm": [[round(x, 3), round(y, 3)] for x, y in self.grain_cm],
            "notches_cm": [[round(x, 3), round(y, 3)] for x, y in self.notches_cm],
        }


@dataclass(frozen=True)
class PatternSet:
    """A garment's pieces for every size of its range, graded from the base size."""

    garment: str
    base_size: str
    sizes: list[str]
    measurements_cm: dict[str, dict[str, float]]  # size -> POM -> cm
    pieces: dict[str, list[Piece]]  # size -> pieces
    grade_source: str = ""
