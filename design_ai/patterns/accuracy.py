"""How accurately `measure_garment` reads points of measure, on pictures drawn from known measurements.

`drawn_cases` draws the project's own test set: every preset of `design_ai.garments.tops.flat` as a line flat, a filled
flat, rotated, JPEG-compressed, and as drafts rendered by the `flat` engine in a near-white and a dark
colorway, all on one canvas size (1600 x 1250, 2 megapixels, by default). `accuracy_table` measures a set of
cases and reports, per point of measure, the mean and the largest absolute error in cm; `bench/patterns.py`
times the same cases.

The truth of a draft is the drawing its sketch was made from: the renderer keeps the sketch's silhouette, so
the only difference is the sketch's outline stroke, drawn 1 px wide at 16 px/cm (0.03 cm per side).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image

from design_ai import garments
from design_ai.errors import UserError
from design_ai.garments.tops.flat import PRESETS, TeeMeasurements, draw_tee_flat, tee_geometry
from design_ai.patterns.measure import measure_garment

__all__ = [
    "PRESET_GARMENTS",
    "CaseResult",
    "CorpusCase",
    "DrawnCase",
    "accuracy_table",
    "corpus_cases",
    "corpus_report",
    "design_features",
    "draft_case",
    "drawn_cases",
    "measure_case",
    "summarise",
    "truth_cm",
]

PRESET_GARMENTS: dict[str, str] = {
    "boxy-tee": "tshirt",
    "raglan-tee": "tshirt",
    "fitted-tee": "tshirt",
    "longsleeve": "longsleeve",
    "tank": "tank",
}
"""The garment type each preset of `design_ai.garments.tops.flat` is measured as."""

CHALK = (0xF2, 0xF0, 0xEB)  # a near-white colorway: the hardest against a light studio backdrop
INK = (0x1D, 0x35, 0x57)  # a dark one

_SKETCH_PX_PER_CM = 16.0  # drafts are rendered from sketches this fine, with a 1 px outline
_DRAFT_FILL = 0.94  # the flat engine letterboxes a sketch to this share of the draft (`_letterbox`)


class DrawnCase(NamedTuple):
    """One picture of the drawn set: its name, the picture, the true POMs (cm), its scale, the garment type."""

    name: str
    image: Image.Image
    truth_cm: dict[str, float]
    px_per_cm: float
    garment: str
    features: dict[str, str] | None = None  # what the chain knows beyond the picture (a draft: its sketch)


def truth_cm(m: TeeMeasurements, garment: str) -> dict[str, float]:
    """The POMs `measure_garment` should report for a flat drawn from `m` (DESIGN.md definitions, cm).

    A raglan has no shoulder width, and its sleeve length runs from the HPS over the shoulder point's bend
    (the flat draws the shoulder line from the HPS to the shoulder point, then the sleeve's top edge)."""
    values = {
        "body_length": m.body_length,
        "chest_width": m.chest_width,
        "hem_width": m.hem_width,
        "shoulder_width": m.shoulder_width,
        "sleeve_length": m.sleeve_length,
        "sleeve_opening": m.sleeve_opening,
        "neck_width": m.neck_width,
        "front_neck_drop": m.front_neck_drop,
    }
    if m.sleeve_style == "raglan":
        del values["shoulder_width"]
        values["sleeve_length"] += math.hypot((m.shoulder_width - m.neck_width) / 2, m.shoulder_drop)
    return {p: float(values[p]) for p in garments.get(garment).pom_names if p in values}


def _fit_px_per_cm(m: TeeMeasurements, size: tuple[int, int], rotation_deg: float, margin_cm: float) -> float:
    """The largest scale (a multiple of 0.5 px/cm) at which the flat, turned and with its margin, fits `size`."""
    outline = tee_geometry(m).outline
    t = math.radians(rotation_deg)
    rot = np.array([[math.cos(t), math.sin(t)], [-math.sin(t), math.cos(t)]])
    turned = (outline - (outline.min(axis=0) + outline.max(axis=0)) / 2) @ rot.T
    extent = 2 * np.abs(turned).max(axis=0) + 2 * margin_cm
    return math.floor(2 * min((size[0] - 2) / extent[0], (size[1] - 2) / extent[1])) / 2


def _jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def flat_case(
    preset: str,
    *,
    size: tuple[int, int],
    style: str = "line",
    fill: str = "#F4A261",
    rotation_deg: float = 0.0,
    jpeg: int | None = None,
    outline: bool = True,
) -> DrawnCase:
    """A line or filled flat of `preset`, as large as fits a `size` canvas (6 cm margin), maybe JPEG'd."""
    m = PRESETS[preset]
    ppc = _fit_px_per_cm(m, size, rotation_deg, 6.0)
    img, _ = draw_tee_flat(
        m, px_per_cm=ppc, style=style, fill=fill, rotation_deg=rotation_deg, canvas=size, outline=outline
    )  # type: ignore[arg-type]
    name = f"{preset}/{style}{'' if outline else '-no-outline'}/rot{rotation_deg:+g}"
    if jpeg is not None:
        img, name = _jpeg(img, jpeg), f"{name}/jpeg{jpeg}"
    garment = PRESET_GARMENTS[preset]
    return DrawnCase(name, img, truth_cm(m, garment), ppc, garment)


def draft_case(
    preset: str,
    *,
    size: tuple[int, int],
    colour: tuple[int, int, int],
    texture: str = "jersey",
    seed: int = 0,
    rotation_deg: float = 0.0,
    jpeg: int | None = None,
) -> DrawnCase:
    """A `flat`-engine draft of a fine line sketch of `preset` in `colour`, `size` pixels, maybe JPEG'd."""
    from design_ai.generate.engines.flat import render_draft  # the renderer pulls in settings; load it late

    m = PRESETS[preset]
    sketch, _ = draw_tee_flat(m, px_per_cm=_SKETCH_PX_PER_CM, line_px=1, rotation_deg=rotation_deg)
    width, height = size
    scale = _DRAFT_FILL * min(width / sketch.width, height / sketch.height)
    # the renderer rounds the letterboxed sketch to whole pixels: use the scale it ends up with
    sx, sy = round(sketch.width * scale) / sketch.width, round(sketch.height * scale) / sketch.height
    ppc = _SKETCH_PX_PER_CM * (sx + sy) / 2
    img = render_draft(sketch, colour=colour, texture=texture, seed=seed, width=width, height=height)
    hexa = "#{:02X}{:02X}{:02X}".format(*colour)
    name = f"{preset}/draft-{hexa}-{texture}/rot{rotation_deg:+g}"
    if jpeg is not None:
        img, name = _jpeg(img, jpeg), f"{name}/jpeg{jpeg}"
    garment = PRESET_GARMENTS[preset]
    # A draft shows no seams: the chain measures it knowing its sketch's sleeve (`pattern_for_draft`).
    features = {"sleeve": m.sleeve_style} if m.sleeve_length > 0 else {}
    return DrawnCase(name, img, truth_cm(m, garment), ppc, garment, features)


def drawn_cases(size: tuple[int, int] = (1600, 1250), *, drafts: bool = True) -> Iterator[DrawnCase]:
    """The project's drawn set at `size` (default 2 megapixels): per preset, a line flat, a filled flat
    turned +3°, a line flat turned -4.5° and JPEG'd at quality 70, and (with `drafts`) a chalk draft and an
    ink draft turned -3° and JPEG'd at quality 70. Drafts take a couple of seconds each to render at 2 MP.
    """
    for i, preset in enumerate(PRESETS):
        yield flat_case(preset, size=size)
        yield flat_case(preset, size=size, style="filled", rotation_deg=3.0)
        yield flat_case(preset, size=size, rotation_deg=-4.5, jpeg=70)
        if drafts:
            yield draft_case(preset, size=size, colour=CHALK, texture="jersey", seed=i)
            yield draft_case(preset, size=size, colour=INK, texture="twill", seed=10 + i, rotation_deg=-3, jpeg=70)


def accuracy_table(cases: Iterable[DrawnCase]) -> dict[str, dict[str, float]]:
    """Per POM, the mean and the largest absolute error (cm) of `measure_garment` over `cases`.

    Each case is measured at its own true scale (`px_per_cm`), so the errors are the reading's own.
    """
    errors: dict[str, list[float]] = {}
    for case in cases:
        got = measure_garment(case.image, case.garment, px_per_cm=case.px_per_cm).measurements_cm
        for pom, true in case.truth_cm.items():
            errors.setdefault(pom, []).append(abs(got[pom] - true))
    return {pom: {"mae": round(float(np.mean(e)), 3), "max": round(float(np.max(e)), 3)} for pom, e in errors.items()}


class CorpusCase(NamedTuple):
    """One picture of a corpus on disk (`truth.json` beside an `images/` folder): what `corpus_report` reads."""

    name: str
    path: str
    truth_cm: dict[str, float]
    px_per_cm: float
    garment: str
    tags: dict[str, object]
    not_drawn: tuple[str, ...] = ()  # truth POMs whose lines the picture leaves out: to be assumed, not read


def corpus_cases(folder: str | Path) -> list[CorpusCase]:
    """The cases of a corpus folder (the test corpus is `tests/patterns/corpus`: drawn independently of
    `design_ai.garments.tops.flat`, so it checks the measurement on shapes this project did not draw)."""
    folder = Path(folder)
    entries = json.loads((folder / "truth.json").read_text())
    return [
        CorpusCase(
            e["file"],
            str(folder / "images" / e["file"]),
            e["truth_cm"],
            e["px_per_cm"],
            e["garment"],
            {**e["tags"], "garment": e["garment"]},
            tuple(e.get("not_drawn", ())),
        )
        for e in entries
    ]


class CaseResult(NamedTuple):
    """What measuring one case gave: its errors per POM (cm), or the refusal's message. POMs the picture does
    not show (`GarmentMeasure.assumed`) were not read: they have no error, and are counted apart."""

    case: CorpusCase
    errors_cm: dict[str, float]
    refusal: str | None
    stage_seconds: dict[str, float]
    assumed: tuple[str, ...] = ()


def design_features(case: CorpusCase) -> dict[str, str]:
    """What the production chain knows of a case's design beyond the picture (its look's sketch shows the
    sleeve's seam): the sleeve style, which a draft or a flat drawn without seams does not show."""
    style = case.tags.get("sleeve_style")
    return {"sleeve": str(style).replace("_", "-")} if style in ("set_in", "set-in", "raglan") else {}


def measure_case(case: CorpusCase, *, known: bool = True) -> CaseResult:
    """Measure one corpus picture at its true scale, with its design's known features (`design_features`)
    unless `known` is False; a refusal is a result, not an exception."""
    try:
        features = design_features(case) if known else None
        got = measure_garment(Image.open(case.path), case.garment, px_per_cm=case.px_per_cm, features=features)
    except UserError as exc:
        return CaseResult(case, {}, str(exc), {})
    errors = {p: round(got.measurements_cm[p] - v, 3) for p, v in case.truth_cm.items() if p not in got.assumed}
    return CaseResult(case, errors, None, got.stage_seconds, tuple(sorted(got.assumed)))


def summarise(results: Iterable[CaseResult]) -> dict[str, object]:
    """Share of POMs within 1 cm, MAE, the worst POM (case, POM, error) and refusals over `results`."""
    results = list(results)
    errs = [(r.case.name, p, e) for r in results for p, e in r.errors_cm.items()]
    absolute = np.array([abs(e) for _, _, e in errs]) if errs else np.zeros(0)
    worst = max(errs, key=lambda t: abs(t[2])) if errs else None
    return {
        "cases": len(results),
        "refused": sum(r.refusal is not None for r in results),
        "poms": len(errs),
        "assumed": sum(len(r.assumed) for r in results),  # not shown by the picture: the garment's standard
        # assumed though drawn, or read though not drawn (a number the picture cannot give): both are misreadings
        "misassumed": sum(len(set(r.assumed) ^ set(r.case.not_drawn)) for r in results if r.refusal is None),
        "within_1cm": float((absolute <= 1.0).mean()) if errs else float("nan"),
        "mae_cm": float(absolute.mean()) if errs else float("nan"),
        "worst": worst,
    }


def corpus_report(results: list[CaseResult], axes: Iterable[str]) -> dict[str, dict[str, object]]:
    """`summarise` overall ("all") and per value of each tag in `axes` ("style=draft", "neck=V", ...)."""
    out: dict[str, dict[str, object]] = {"all": summarise(results)}
    for axis in axes:
        values = sorted({str(r.case.tags.get(axis)) for r in results})
        for v in values:
            out[f"{axis}={v}"] = summarise(r for r in results if str(r.case.tags.get(axis)) == v)
    return out
