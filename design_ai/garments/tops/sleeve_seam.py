"""Set-in or raglan: told by where the sleeve's seam line, drawn inside the flat, runs from the underarm.

A set-in sleeve's seam (the armhole) rises from the underarm to the shoulder point; a raglan's runs from the
underarm up and inwards to the neckline, and there is no shoulder seam. The outline cannot tell them apart (a
raglan flat's top edge bends at the shoulder too), the interior line can: it is found a couple of centimetres
above the underarm, followed upwards (`design_ai.patterns.ridges`), and judged by where it ends.

Points are in the upright frame of `design_ai.garments.tops.landmarks`, unmirrored (the left half's on the left).
"""

from __future__ import annotations

import numpy as np

from design_ai.patterns.outline import Line, fit_line
from design_ai.patterns.ridges import RidgeMap

__all__ = ["sleeve_seam", "slit_top"]

SLIT_MOST_CM = 13.0  # the deepest slit the outline closes over beside a sleeve with an underseam of its own
SLIT_BESIDE_END_CM = 40.0  # ... and beside a long sleeve hanging down, whose end meets the body
SLIT_GAP_CM = 0.6  # the longest gap a slit's line shows along its way (a fading stroke) ...
SLIT_STRIPES_GAP_CM = 1.5  # ... and across a striped fill, whose stripes of the backdrop's tone cut the line
_NECK_CM = 7.0  # a seam ending this close to the HPS (or inwards of it) ends on the neckline: a raglan's


def sleeve_seam(
    ridges: RidgeMap, underarm: np.ndarray, shoulder: np.ndarray, hps: np.ndarray, axis_x: float
) -> tuple[str, np.ndarray] | None:
    """("set-in", the seam's top: the shoulder point) or ("raglan", where it meets the neckline), or None when
    no seam line can be followed up from this underarm to the garment's edge.

    The seam is followed until it meets the outline (or passes inwards of the HPS): ending within 7 cm of the
    HPS, or inwards of it, it is a raglan seam; elsewhere on the top edge it is an armhole, and where it ends
    is the shoulder point, whatever the outline's own bends say (a sleeve hanging down bends where the arm
    turns, not at the shoulder)."""
    unit = ridges.unit
    out = 1.0 if underarm[0] >= axis_x else -1.0  # outwards, for this half
    # Where the seam leaves the underarm: the strongest line crossing an arc 2 cm round it, from straight up
    # to level inwards (an armhole can leave the underarm level before it rises), every 3°.
    angles = np.radians(np.arange(0.0, 90.0 + 1e-9, 3.0))
    radial = np.stack([-out * np.sin(angles), -np.cos(angles)], axis=1)
    arc = underarm + 2.0 * unit * radial
    values = ridges.values(arc[:, None, :] + np.array([-1.0, 0.0, 1.0])[None, :, None] * radial[:, None, :]).max(1)
    if not len(values) or values.max() < ridges.floor():
        return None
    i = int(np.argmax(values))
    threshold = ridges.threshold(float(values[i]))
    last = {"p": None}

    def stop(p: np.ndarray) -> bool:
        """At the outline: half a centimetre on along the seam's way lies outside (the seam meets the edge;
        without looking ahead it would slide along the inside of the edge's stroke), or past the HPS."""
        prev, last["p"] = last["p"], p
        ahead = p if prev is None else p + 0.6 * unit * (p - prev) / max(1e-9, float(np.hypot(*(p - prev))))
        return not ridges.inside(ahead) or out * (p[0] - hps[0]) <= 0

    start = ridges.snap(arc[i], max(2.0, 0.3 * unit))
    up = ridges.heading(start, start - underarm)
    way: list[np.ndarray] = []
    end = ridges.follow(start, up, threshold, stop=stop, max_len=3.0 * float(np.hypot(*(underarm - hps))), way=way)
    if end is None or end[1] > underarm[1] - 2.0 * unit:
        return None
    near_neck = min(_NECK_CM * unit, 0.5 * float(np.hypot(*(shoulder - hps))))
    if out * (end[0] - hps[0]) <= 0 or float(np.hypot(*(end - hps))) <= near_neck:
        return "raglan", end
    return "set-in", _run_out(ridges, np.array(way), end)


def _run_out(ridges: RidgeMap, way: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Where the armhole seam traced along `way` meets the garment's edge: its line, as it runs over the last
    2 cm before the edge, carried on until it leaves the garment. The trace itself stops short of the edge (it
    looks half a centimetre ahead, inside a garment eroded by a quarter), and near the edge it may fade into
    a soft edge or slide along the outline's own stroke; an armhole seam runs straight into the edge, so its
    own line, not the nearest point of the outline, places the shoulder point (beside a sharp corner, as where a
    sleeve hanging down meets the shoulder line, the nearest point lies on the wrong edge). `end` stands when the
    way is too short to give that line."""
    unit = ridges.unit
    back = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(way[::-1], axis=0).T))])[::-1]  # arc to the end
    clean = way[back >= 1.5 * unit]  # the last 1.5 cm, where the trace may fade or slide, is left out
    last = clean[back[back >= 1.5 * unit] <= 3.5 * unit] if len(clean) else clean
    if len(last) < 3:
        return end
    d = fit_line(last).direction  # directed along the way, towards the edge
    p = last[-1].astype(np.float64)
    for _ in range(int(4.0 * unit)):
        if not ridges.inside(p + d):
            return p + d
        p = p + d
    return end


def slit_top(
    ridges: RidgeMap, underarm: np.ndarray, up: np.ndarray, most_cm: float = SLIT_MOST_CM, on_line: bool = False,
    gap_cm: float = SLIT_GAP_CM,
) -> np.ndarray | None:  # fmt: skip
    """Where a sleeve hanging against the body really leaves it: the top of the narrow slit between the sleeve's
    inner edge and the body's side, which the outline closes over (its underarm is where the slit grows wide
    enough to show). The slit's edges run on as a line straight up the side seam's way from the outline's
    underarm; its top is where that line ends. None when no such line runs on for a centimetre.

    `on_line`: the trace's top is its last point within half a centimetre of the straight line up from the
    underarm, where a line running on from the slit's top (an armhole seam curving away from it) parts from it.
    `gap_cm`: the longest gap bridged once the line is found (the trace keeps straight on across it)."""
    unit = ridges.unit
    u = np.asarray(up, np.float64) / max(1e-9, float(np.hypot(*up)))
    n = np.array([-u[1], u[0]])
    offsets = np.arange(-0.3 * unit, 0.3 * unit + 1e-9, 1.0)

    def best(q: np.ndarray) -> tuple[float, np.ndarray]:
        across = q + offsets[:, None] * n
        values = ridges.values(across)
        k = int(np.argmax(values))
        return float(values[k]), across[k]

    # Beside a sleeve hanging all the way down the slit is open at its foot, wider than the outline closes over:
    # its edges may start a few centimetres up.
    start_cm = 1.5 if most_cm <= SLIT_MOST_CM else 4.0
    first = [best(underarm + k * u)[0] for k in np.arange(0.5 * unit, start_cm * unit, 1.0)]
    if not first or max(first) < ridges.floor():
        return None
    threshold = ridges.threshold(max(first))
    top, gap, p = None, 0.0, underarm.astype(np.float64)
    way: list[np.ndarray] = []
    for _ in range(int((max(25.0, most_cm) + start_cm) * unit)):
        value, q = best(p + u)
        if value >= threshold:
            top, gap, p = q, 0.0, q
            way.append(q)
        else:
            gap, p = gap + 1.0, p + u
            if gap > (gap_cm if top is not None else start_cm - 0.9) * unit:
                break
    if on_line and top is not None:
        way = _along(way, Line(underarm, u), 0.5 * unit)
        top = way[-1] if way else None
    if gap_cm > SLIT_GAP_CM and len(way) >= 8:
        # Bridging long gaps, a trace can run on past the slit's top into the armhole seam leaving it: the slit
        # ends where the trace parts from the straight line it has followed over its lower half.
        way = _along(way, fit_line(np.array(way[: len(way) // 2])), 0.4 * unit)
        top = way[-1] if way else None
    reach = float(np.hypot(*(top - underarm))) if top is not None else 0.0
    # A slit the outline closes over is a few centimetres deep; a line running on further is an armhole seam
    # rising straight from the underarm, and the outline's underarm stands.
    if top is None or not unit <= reach <= most_cm * unit:
        return None
    # ... and it is straight, two straight edges meeting: a curved line is an armhole or raglan seam.
    chord = (top - underarm) / reach
    bulge = max(abs(float((q - underarm) @ np.array([-chord[1], chord[0]]))) for q in way)
    return top if bulge <= max(0.5 * unit, 0.05 * reach) else None


def _along(way: list[np.ndarray], line: Line, within: float) -> list[np.ndarray]:
    """The points of `way` up to where it first strays further than `within` px from `line`."""
    off = [abs(float((q - line.point) @ line.normal)) for q in way]
    return way[: next((i for i, o in enumerate(off) if o > within), len(way))]
