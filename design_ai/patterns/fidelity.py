"""The fidelity guard: how far a draft's garment drifts from the sketch it was drawn from.

An engine may change a garment's shape (a diffusion model widens a body, shortens a sleeve); the pattern is
then cut from the draft, not from the designer's sketch. So every draft is compared with its sketch when it
is made, and the review queue shows the figures and flags a drift past the settings' limits:

- **silhouette IoU**: the draft's garment mask against the sketch's, mapped into the draft's frame with the
  very placement the engine used (`design_ai.generate.placement`), so a faithful draft scores near 1;
- **POM deltas** (cm, draft minus sketch): both measured with `measure_garment`, the sketch at the look's
  scale (px/cm or body length) and the draft at the sketch's px/cm times the placement's scale. The draft's
  scale comes from the sketch, never from the draft itself, so a draft drawn 10 % too long reads 10 % long.

What needs the sketch alone (its mask and measurements) is a `SketchReference`, made once per look and shared
by its drafts. A draft that cannot be segmented (the tiny engine's noise) is flagged with that `error`. A draft
whose POMs cannot be measured although the sketch, placed the same way at the same size, can be, is flagged
with that `pom_error`: the guard cannot vouch for it, and pattern extraction would stumble on it too. POMs
count only on a draft fine enough to measure them to the limit (`FidelityLimits.min_px_per_cm`, 3 px/cm for
±2 cm): on coarser drafts (and where even the placed sketch cannot be measured) the IoU alone decides, and
the figures say why in `note`.

The flag is a judgement of figures against limits (`design_ai.patterns.drift`): made here with the limits
given, and made again from the stored figures wherever a draft is shown or approved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image

from design_ai import garments
from design_ai.errors import UserError
from design_ai.generate.placement import Placement, place_image, place_mask
from design_ai.patterns.drift import FidelityLimits, judge
from design_ai.patterns.measure import measure_garment
from design_ai.patterns.silhouette import as_rgb_array, background_colour, segment_garment

__all__ = [
    "FIDELITY_VERSION",
    "Fidelity",
    "FidelityLimits",
    "SketchReference",
    "compare_draft",
    "judge",
    "reference_for",
]

FIDELITY_VERSION = 1
"""Bump when the figures change meaning (recorded with each draft's figures)."""


@dataclass
class SketchReference:
    """A look's sketch as every draft is compared with it: its garment mask and POMs, computed once."""

    sketch: Image.Image
    garment: str
    mask: np.ndarray  # bool, the sketch's size
    px_per_cm: float | None  # None when the sketch was not measured
    measurements_cm: dict[str, float]  # empty when not measured
    note: str | None = None  # why POMs are not compared
    features: dict[str, str] = field(default_factory=dict)  # what the sketch shows beyond its POMs (a raglan)
    assumed: frozenset[str] = frozenset()  # POMs the sketch does not show (set to the standard): not compared
    _placed_errors: dict[Placement, str | None] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> tuple[int, int]:
        return self.sketch.size

    def placed_error(self, placement: Placement) -> str | None:
        """Why the sketch, placed as the engine placed it, cannot be measured (None: it can); once per placement."""
        if placement not in self._placed_errors:
            rgb = as_rgb_array(self.sketch)
            bg = tuple(int(v) for v in background_colour(rgb))
            placed, ppc = _isotropic(place_image(self.sketch, placement, bg), placement, self.px_per_cm or 1.0)  # type: ignore[arg-type]
            try:
                measure_garment(placed, self.garment, px_per_cm=ppc, features=self.features)
                self._placed_errors[placement] = None
            except UserError as exc:
                self._placed_errors[placement] = str(exc)
        return self._placed_errors[placement]


def reference_for(
    sketch: Image.Image, garment: str, *, px_per_cm: float | None = None, body_length_cm: float | None = None
) -> SketchReference:
    """The sketch's mask and POMs at the look's scale (exactly one of px_per_cm, body_length_cm; or neither,
    then POMs are not compared). Raises UserError only when the sketch has no garment at all."""
    mask = segment_garment(sketch).mask
    if garment not in garments.names():
        return SketchReference(sketch, garment, mask, None, {}, f"POMs not compared: {garment} has no POMs yet")
    if px_per_cm is None and body_length_cm is None:
        return SketchReference(sketch, garment, mask, None, {}, "POMs not compared: the look gives no scale")
    try:
        measured = measure_garment(sketch, garment, px_per_cm=px_per_cm, body_length_cm=body_length_cm)
    except UserError as exc:
        return SketchReference(sketch, garment, mask, None, {}, f"POMs not compared: sketch not measured ({exc})")
    return SketchReference(sketch, garment, mask, measured.px_per_cm, dict(measured.measurements_cm),
                           features=dict(measured.features), assumed=frozenset(measured.assumed))  # fmt: skip


@dataclass(frozen=True)
class Fidelity:
    """How one draft compares with its sketch, and whether that drifts past the limits."""

    iou: float | None  # None when the draft could not be segmented
    pom_delta_cm: dict[str, float]  # draft - sketch, per POM; empty when not compared
    max_abs_delta_cm: float | None
    flagged: bool
    reasons: list[str]
    error: str | None = None  # the draft could not be segmented: no garment to compare
    note: str | None = None  # why POMs were not compared (not a drift)
    pom_error: str | None = None  # the draft's POMs could not be measured although the sketch's can
    draft_px_per_cm: float | None = None  # the draft's scale (sketch px/cm x placement scale)
    sketch_cm: dict[str, float] = field(default_factory=dict)
    draft_cm: dict[str, float] = field(default_factory=dict)
    limits: FidelityLimits = field(default_factory=FidelityLimits)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """What the `draft.fidelity` column stores and the review API shows."""
        return {
            "version": FIDELITY_VERSION,
            "iou": self.iou,
            "pom_delta_cm": dict(self.pom_delta_cm),
            "max_abs_delta_cm": self.max_abs_delta_cm,
            "flagged": self.flagged,
            "reasons": list(self.reasons),
            "error": self.error,
            "note": self.note,
            "pom_error": self.pom_error,
            "draft_px_per_cm": self.draft_px_per_cm,
            "sketch_cm": dict(self.sketch_cm),
            "draft_cm": dict(self.draft_cm),
            "limits": {"min_iou": self.limits.min_iou, "max_pom_cm": self.limits.max_pom_cm},
            "seconds": self.seconds,
        }


def _isotropic(rgb: np.ndarray, placement: Placement, sketch_px_per_cm: float) -> tuple[np.ndarray, float]:
    """The canvas resampled so both axes share one scale (a stretched placement scales them apart), and the
    px/cm it then has: measurement assumes square pixels."""
    if placement.uniform:
        return rgb, sketch_px_per_cm * placement.scale
    s = min(placement.scale_x, placement.scale_y)
    h, w = rgb.shape[:2]
    size = (max(1, round(w * s / placement.scale_x)), max(1, round(h * s / placement.scale_y)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), sketch_px_per_cm * s


def compare_draft(
    draft: Image.Image | np.ndarray, reference: SketchReference, placement: Placement, limits: FidelityLimits
) -> Fidelity:
    """The draft's IoU and POM deltas against its sketch, judged against `limits`. Never raises for a bad
    draft: what could not be done is in `error` (flagged) or `note` (not compared)."""
    began = time.perf_counter()
    rgb = as_rgb_array(draft)
    h, w = rgb.shape[:2]
    if (w, h) != placement.canvas_size:
        raise ValueError(
            f"draft is {w}x{h} but the placement is for {placement.canvas_size[0]}x{placement.canvas_size[1]}"
        )

    def done(**kw: Any) -> Fidelity:
        iou, deltas, error = kw.get("iou"), kw.get("pom_delta_cm", {}), kw.get("error")
        pom_error, ppc = kw.get("pom_error"), kw.get("draft_px_per_cm")
        flagged, reasons = judge(iou, deltas, error, limits, pom_error=pom_error, draft_px_per_cm=ppc)
        worst = max((abs(d) for d in deltas.values()), default=None)
        return Fidelity(
            iou=iou,
            pom_delta_cm=deltas,
            max_abs_delta_cm=round(worst, 2) if worst is not None else None,
            flagged=flagged,
            reasons=reasons,
            error=error,
            note=kw.get("note"),
            pom_error=pom_error,
            draft_px_per_cm=ppc,
            sketch_cm=kw.get("sketch_cm", {}),
            draft_cm=kw.get("draft_cm", {}),
            limits=limits,
            seconds=round(time.perf_counter() - began, 4),
        )

    # 1. Silhouette IoU in the draft's frame
    try:
        draft_mask = segment_garment(rgb).mask
    except UserError as exc:
        return done(error=f"draft not segmented: {exc}")
    sketch_mask = place_mask(reference.mask, placement)
    union = int(np.count_nonzero(draft_mask | sketch_mask))
    iou = round(int(np.count_nonzero(draft_mask & sketch_mask)) / union, 4) if union else 0.0

    # 2. POMs at the sketch's scale, carried over by the placement
    if not reference.measurements_cm or reference.px_per_cm is None:
        return done(iou=iou, note=reference.note)
    image, ppc = _isotropic(rgb, placement, reference.px_per_cm)
    scale = {"iou": iou, "draft_px_per_cm": round(ppc, 3)}
    try:
        # read as the design its sketch shows (a draft need not show a raglan's seam)
        measured = measure_garment(image, reference.garment, px_per_cm=ppc, features=reference.features)
    except UserError as exc:
        if ppc < limits.min_px_per_cm:
            return done(**scale, note=f"POMs not compared: {w}x{h} at {ppc:.1f} px/cm is too coarse to measure")
        if reference.placed_error(placement) is not None:
            return done(**scale, note=f"POMs not compared at {w}x{h}: the sketch is not measurable at this size")
        return done(**scale, pom_error=f"POMs not measured: {exc}")
    draft_cm = {k: round(v, 2) for k, v in measured.measurements_cm.items()}
    sketch_cm = {k: round(v, 2) for k, v in reference.measurements_cm.items()}
    # a POM shown by only one of the two (a band seam the draft leaves out) was not read on both: not compared
    unread = reference.assumed | set(measured.assumed)
    deltas = {
        k: round(draft_cm[k] - reference.measurements_cm[k], 2) for k in sketch_cm if k in draft_cm and k not in unread
    }
    return done(**scale, pom_delta_cm=deltas, sketch_cm=sketch_cm, draft_cm=draft_cm)
