"""Judging a draft's stored fidelity figures against the drift limits: the flag and its reasons.

Kept apart from `fidelity` (which segments and measures images) so the review queue, the API and the CLI can
judge figures read from the database without importing OpenCV. The flag is always a judgement of stored
figures against the limits in force where it is shown or an approval is checked (the settings'
`fidelity_min_iou` and `fidelity_max_pom_cm`), so the page and the approval gate never disagree; each draft
also keeps the flag it had when it was made (`flagged_when_made` in what `review_figures` returns).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["FidelityLimits", "drift_reasons", "judge", "poms_judged", "review_figures"]


@dataclass(frozen=True)
class FidelityLimits:
    """When a draft counts as drifted: silhouette IoU below `min_iou`, or any POM off by more than `max_pom_cm`."""

    min_iou: float = 0.85
    max_pom_cm: float = 2.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_iou <= 1.0:
            raise ValueError(f"min_iou must lie in 0..1, got {self.min_iou}")
        if not (math.isfinite(self.max_pom_cm) and self.max_pom_cm > 0):
            raise ValueError(f"max_pom_cm must be a positive number, got {self.max_pom_cm}")

    @property
    def min_px_per_cm(self) -> float:
        """The coarsest draft whose POMs are judged: a POM spans two landmarks, each placed to about a pixel,
        so its own error (2 px) must stay within a third of `max_pom_cm`; coarser drafts (a 128 px draft of a
        tee is about 1.3 px/cm) would be flagged for their pixels, not their shape, and the IoU alone decides."""
        return 6.0 / self.max_pom_cm


def _fmt_iou(iou: float, limit: float) -> str:
    """Two decimals, or three where two would print the limit itself ("IoU 0.85 < 0.85")."""
    text = f"{iou:.2f}"
    return f"{iou:.3f}" if text == f"{limit:.2f}" else text


def poms_judged(draft_px_per_cm: float | None, limits: FidelityLimits) -> bool:
    """Whether a draft at this scale is fine enough for its POMs to count (`FidelityLimits.min_px_per_cm`)."""
    return draft_px_per_cm is None or draft_px_per_cm >= limits.min_px_per_cm


def judge(
    iou: float | None,
    pom_delta_cm: dict[str, float],
    error: str | None,
    limits: FidelityLimits,
    *,
    pom_error: str | None = None,
    draft_px_per_cm: float | None = None,
) -> tuple[bool, list[str]]:
    """(flagged, reasons): an error (no garment found), an IoU under the limit, and, on a draft fine enough
    for them to count, POMs that could not be measured or are off by more than the limit."""
    reasons = [error] if error else []
    if iou is not None and iou < limits.min_iou:
        reasons.append(f"IoU {_fmt_iou(iou, limits.min_iou)} < {limits.min_iou:.2f}")
    if poms_judged(draft_px_per_cm, limits):
        if pom_error:
            reasons.append(pom_error)
        for pom, delta in pom_delta_cm.items():
            if abs(delta) > limits.max_pom_cm:
                reasons.append(f"{pom} {delta:+.1f} cm")
    return bool(reasons), reasons


def _judge_stored(stored: dict[str, Any], limits: FidelityLimits) -> tuple[bool, list[str]]:
    deltas = {str(k): float(v) for k, v in (stored.get("pom_delta_cm") or {}).items()}
    return judge(
        stored.get("iou"),
        deltas,
        stored.get("error"),
        limits,
        pom_error=stored.get("pom_error"),
        draft_px_per_cm=stored.get("draft_px_per_cm"),
    )


def drift_reasons(stored: dict[str, Any] | None, limits: FidelityLimits) -> list[str]:
    """Why a draft with these stored figures is flagged now (empty: it is not; a draft made before the
    guard existed has no figures and is not flagged)."""
    if not stored:
        return []
    return _judge_stored(stored, limits)[1]


def review_figures(stored: dict[str, Any] | None, limits: FidelityLimits) -> dict[str, Any] | None:
    """The figures as the review queue shows them: stored values, flag and reasons judged against `limits`."""
    if not stored:
        return None
    reasons = drift_reasons(stored, limits)
    note = stored.get("note")
    ppc = stored.get("draft_px_per_cm")
    if (stored.get("pom_delta_cm") or stored.get("pom_error")) and not poms_judged(ppc, limits):
        note = (
            f"POMs not judged: the draft's {ppc:.1f} px/cm is coarser than the {limits.min_px_per_cm:.1f} px/cm "
            f"that ±{limits.max_pom_cm:g} cm needs"
        )
    return {
        "iou": stored.get("iou"),
        "pom_delta_cm": dict(stored.get("pom_delta_cm") or {}),
        "max_abs_delta_cm": stored.get("max_abs_delta_cm"),
        "flagged": bool(reasons),
        "reasons": reasons,
        "error": stored.get("error"),
        "pom_error": stored.get("pom_error"),
        "note": note,
        "draft_px_per_cm": ppc,
        "sketch_cm": dict(stored.get("sketch_cm") or {}),
        "draft_cm": dict(stored.get("draft_cm") or {}),
        "limits": {"min_iou": limits.min_iou, "max_pom_cm": limits.max_pom_cm},
        "flagged_when_made": bool(stored.get("flagged")),
    }
