"""From an approved image to a cutting-room bundle: measure, draft, grade, nest, export.

`extract_pattern` does all the work in memory and raises UserError before anything is written;
`write_bundle` then writes every file into a temporary folder beside the target and moves them in, so an
output folder never holds half a bundle.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from design_ai.config import Settings
from design_ai.errors import UserError
from design_ai.patterns.grading import graded_pattern
from design_ai.patterns.marker import MarkerResult, marker_for_pattern
from design_ai.patterns.measure import measure_garment
from design_ai.patterns.model import GarmentMeasure, PatternSet

__all__ = ["PatternBundle", "extract_pattern", "pattern_json", "write_bundle"]

DEFAULT_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
RIB_WIDTH_CM = 120.0  # open width of the rib the bands are cut from (design_ai/sustain/materials.yaml, cotton-rib-220)


@dataclass(frozen=True)
class PatternBundle:
    measure: GarmentMeasure
    pattern: PatternSet
    marker: MarkerResult | None
    fabric_width_cm: float
    rib_marker: MarkerResult | None = None  # the rib pieces (bands, cuffs) on their own fabric
    rib_width_cm: float | None = None


def piece_options(settings: Settings) -> dict[str, float]:
    return {
        "seam_allowance_cm": settings.seam_allowance_cm,
        "hem_allowance_cm": settings.hem_allowance_cm,
        "back_neck_drop_cm": settings.back_neck_drop_cm,
        "sleeve_ease_cm": settings.sleeve_ease_cm,
        "rib_ratio": settings.rib_ratio,
    }


def extract_pattern(
    image: Image.Image | np.ndarray,
    garment: str,
    *,
    settings: Settings,
    px_per_cm: float | None = None,
    body_length_cm: float | None = None,
    base_size: str = "M",
    sizes: list[str] | None = None,
    size_ratio: dict[str, int] | None = None,
    fabric_width_cm: float | None = None,
    marker_seconds: float | None = None,
    features: Mapping[str, str] | None = None,
    rib_width_cm: float = RIB_WIDTH_CM,
) -> PatternBundle:
    """Measure the garment, draft and grade its pieces, and (with a size ratio) nest its markers: the shell
    fabric's, and the rib pieces' on the rib's own width. `features` are what is known of the design beyond
    the picture (`measure_garment`)."""
    sizes = sizes or DEFAULT_SIZES
    if base_size not in sizes:
        raise UserError(f"base size {base_size!r} is not in the size range {sizes}", where="--base-size")
    width = fabric_width_cm or settings.fabric_width_cm
    if not 10 <= width <= 400:
        raise UserError(f"fabric width must be 10-400 cm, got {width}", where="--fabric-width")
    if size_ratio is not None:
        unknown = sorted(set(size_ratio) - set(sizes))
        if unknown:
            raise UserError(f"sizes not in the size range: {unknown}", where="--ratio")
        if sum(size_ratio.values()) <= 0 or any(v < 0 for v in size_ratio.values()):
            raise UserError("a size ratio needs non-negative counts, at least one garment", where="--ratio")
    measure = measure_garment(image, garment, px_per_cm=px_per_cm, body_length_cm=body_length_cm, features=features)
    pattern = graded_pattern(
        garment, base_size, measure.measurements_cm, sizes, features=measure.features, **piece_options(settings)
    )
    marker = rib_marker = None
    if size_ratio:
        ratio = {s: n for s, n in size_ratio.items() if n}
        seconds = marker_seconds or settings.marker_seconds
        # Two fabrics, two markers: the shell's, and the rib bands' and cuffs' on the rib's own width (strips:
        # a third of the time finds their best).
        marker = marker_for_pattern(pattern, ratio, width, seconds, categories={"SELF"})
        if any(p.annotations.get("category") == "RIB" for p in pattern.pieces[base_size]):
            rib_marker = marker_for_pattern(pattern, ratio, rib_width_cm, max(1.0, seconds / 3), categories={"RIB"})
    return PatternBundle(measure=measure, pattern=pattern, marker=marker, fabric_width_cm=width,
                         rib_marker=rib_marker, rib_width_cm=rib_width_cm if rib_marker else None)  # fmt: skip


def pattern_json(bundle: PatternBundle) -> dict[str, Any]:
    """`pattern.json` (DESIGN.md, "Contracts"): garment, measurements_cm and pieces of the base size, plus the
    graded sizes, the landmarks the measurements came from and the marker."""
    p, m = bundle.pattern, bundle.measure
    out: dict[str, Any] = {
        "garment": p.garment,
        "base_size": p.base_size,
        "measurements_cm": {k: round(v, 2) for k, v in m.measurements_cm.items()},
        "features": dict(m.features),
        "assumed": dict(m.assumed),  # POMs the picture does not show: the garment's standard, and why
        "pieces": [piece.as_json() for piece in p.pieces[p.base_size]],
        "sizes": p.sizes,
        "graded_measurements_cm": {s: {k: round(v, 2) for k, v in ms.items()} for s, ms in p.measurements_cm.items()},
        "graded_pieces": {s: [piece.as_json() for piece in ps] for s, ps in p.pieces.items()},
        "grade_rules_source": p.grade_source,
        "scale_px_per_cm": round(m.px_per_cm, 4),
        "deskew_deg": round(m.rotation_deg, 3),
        "landmarks_px": {k: [round(x, 1), round(y, 1)] for k, (x, y) in m.landmarks_px.items()},
    }
    if bundle.marker is not None:
        out["marker"] = bundle.marker.as_json()
    if bundle.rib_marker is not None:
        out["rib_marker"] = bundle.rib_marker.as_json()
    return out


def write_bundle(bundle: PatternBundle, out_dir: Path) -> dict[str, Path]:
    """Write pattern.json/.dxf/.svg, the graded nest (PNG, SVG) and the marker picture into `out_dir`."""
    from design_ai.patterns.export_dxf import write_dxf
    from design_ai.patterns.export_svg import graded_nest_png, graded_nest_svg, write_svg
    from design_ai.patterns.marker import marker_png

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"not a folder: {out_dir}", where="--out")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".pattern-", dir=out_dir.parent))
    try:
        files = {
            "json": staging / "pattern.json",
            "dxf": staging / "pattern.dxf",
            "svg": staging / "pattern.svg",
            "nest_png": staging / "graded-nest.png",
            "nest_svg": staging / "graded-nest.svg",
        }
        files["json"].write_text(json.dumps(pattern_json(bundle), indent=2))
        write_dxf(bundle.pattern, files["dxf"])
        write_svg(bundle.pattern, files["svg"])
        graded_nest_png(bundle.pattern, files["nest_png"])
        graded_nest_svg(bundle.pattern, files["nest_svg"])
        if bundle.marker is not None:
            files["marker_png"] = staging / "marker.png"
            marker_png(bundle.marker, bundle.marker.instance, files["marker_png"])
        out_dir.mkdir(parents=True, exist_ok=True)
        final = {}
        for kind, path in files.items():
            target = out_dir / path.name
            path.replace(target)
            final[kind] = target
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)
