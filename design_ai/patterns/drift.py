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

__all__ = ["FidelityLimits", "drift_reasons", "judge", "review_figures"]


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


def _fmt_iou(iou: float, limit: float) -> str:
    """Two decimals, or three where two would print the limit itself ("IoU 0.85 < 0.85")."""
    text = f"{iou:.2f}"
    return f"{iou:.3f}" if text == f"{limit:.2f}" else text


def judge(
    iou: float | None, pom_delta_cm: dict[str, float], error: str | None, limits: FidelityLimits
) -> tuple[bool, list[str]]:
    """(flagged, reasons): an error, an IoU under the limit, and each POM off by more than the limit."""
    reasons = [error] if error else []
    if iou is not None and iou < limits.min_iou:
        reasons.append(f"IoU {_fmt_iou(iou, limits.min_iou)} < {limits.min_iou:.2f}")
    for pom, delta in pom_delta_cm.items():
        if abs(delta) > limits.max_pom_cm:
            reasons.append(f"{pom} {delta:+.1f} cm")
    return bool(reasons), reasons


def drift_reasons(stored: dict[str, Any] | None, limits: FidelityLimits) -> list[str]:
    """Why a draft with these stored figures is flagged now (empty: it is not; a draft made before the
    guard existed has no figures and is not flagged)."""
    if not stored:
        return []
    deltas = {str(k): float(v) for k, v in (stored.get("pom_delta_cm") or {}).items()}
    return judge(stored.get("iou"), deltas, stored.get("error"), limits)[1]


def review_figures(stored: dict[str, Any] | None, limits: FidelityLimits) -> dict[str, Any] | None:
    """The figures as the review queue shows them: stored values, flag and reasons judged against `limits`."""
    if not stored:
        return None
    reasons = drift_reasons(stored, limits)
    return {
        "iou": stored.get("iou"),
        "pom_delta_cm": dict(stored.get("pom_delta_cm") or {}),
        "max_abs_delta_cm": stored.get("max_abs_delta_cm"),
        "flagged": bool(reasons),
        "reasons": reasons,
        "error": stored.get("error"),
        "note": stored.get("note"),
        "sketch_cm": dict(stored.get("sketch_cm") or {}),
        "draft_cm": dict(stored.get("draft_cm") or {}),
        "limits": {"min_iou": limits.min_iou, "max_pom_cm": limits.max_pom_cm},
        "flagged_when_made": bool(stored.get("flagged")),
    }
