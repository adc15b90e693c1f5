"""Outline geometry shared by every garment read off a picture: the upright outline and its two halves,
straight-line fits, corners, headings and crossings.

Nothing here names a garment: a garment module (`design_ai.garments.*`) reads its landmarks from these pieces.
Units are pixels; coordinates follow OpenCV (x right, y down, the centre of pixel (col, row) at (col, row)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from design_ai.errors import UserError

__all__ = [
    "MAX_TILT_DEG",
    "Line",
    "bridge_bites",
    "crossings_x",
    "dp_corners",
    "first_at_or_above",
    "fit_line",
    "halves",
    "heading",
    "intersect",
    "last_below",
    "meet_near",
    "outer_contour",
    "resample",
    "rms",
    "rotation_matrix",
    "symmetry_tilt",
    "two_line_split",
]

MAX_TILT_DEG = 14.0  # the symmetry search range: a picture up to 10° off is measured, with room to spare


@dataclass(frozen=True)
class Line:
    """A straight line through `point` along unit `direction`; `normal` (the direction turned +90° in
    image coordinates) points into the garment for a half outline traced from neck to hem."""

    point: np.ndarray
    direction: np.ndarray

    @property
    def normal(self) -> np.ndarray:
        return np.array([-self.direction[1], self.direction[0]])

    def moved_in(self, by: float) -> Line:
        return Line(self.point + by * self.normal, self.direction)

    def y_at(self, x: float) -> float:
        if abs(self.direction[0]) < 1e-9:
            return float(self.point[1])
        return float(self.point[1] + (x - self.point[0]) * self.direction[1] / self.direction[0])


def fit_line(points: np.ndarray) -> Line:
    """Total-least-squares line through `points` (N, 2), directed from the first point towards the last."""
    if len(points) < 2:
        raise UserError("the garment's outline is too small to measure (an edge has fewer than 2 pixels)")
    centre = points.mean(axis=0)
    cov = np.cov((points - centre).T)
    evals, evecs = np.linalg.eigh(cov)
    direction = evecs[:, int(np.argmax(evals))]
    if np.dot(points[-1] - points[0], direction) < 0:
        direction = -direction
    return Line(centre, direction)


def intersect(a: Line, b: Line) -> np.ndarray:
    """Where two lines meet (the midpoint of their points when they are parallel)."""
    m = np.array([[a.direction[0], -b.direction[0]], [a.direction[1], -b.direction[1]]])
    if abs(np.linalg.det(m)) < 1e-9:
        return (a.point + b.point) / 2
    s, _ = np.linalg.solve(m, b.point - a.point)
    return a.point + s * a.direction


def meet_near(a: Line, b: Line, near: np.ndarray, reach: float) -> np.ndarray:
    """Where the edges `a` and `b` meet, when that is within `reach` px of `near`, the outline's own corner
    point; else `near` itself. Two edges at a shallow angle to each other, one of them fitted a little
    askew, can meet far out in the picture: an outline's corner is never there.
    """
    x = intersect(a, b)
    return x if float(np.linalg.norm(x - near)) <= reach else np.asarray(near, np.float64)


def rotation_matrix(deg: float) -> np.ndarray:
    """The matrix that turns a picture `deg` counter-clockwise on screen (y down), for column vectors."""
    t = math.radians(deg)
    return np.array([[math.cos(t), math.sin(t)], [-math.sin(t), math.cos(t)]])


def symmetry_tilt(mask: np.ndarray, centre: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise on screen) by which the mask's mirror axis leans from vertical.

    The axis passes through the centroid; each candidate is scored by how much of the mask its mirror image
    covers, on a reduced copy (a coarse search, then a finer one around the best).
    """
    h, w = mask.shape
    scale = min(1.0, 200.0 / max(h, w))
    small = cv2.resize(mask.astype(np.float32), (max(1, round(w * scale)), max(1, round(h * scale))), None, 0, 0,
                       cv2.INTER_AREA)  # fmt: skip
    sh, sw = small.shape
    c = (centre + 0.5) * np.array([sw / w, sh / h]) - 0.5
    total = float(small.sum())

    def score(deg: float) -> float:
        t = math.radians(deg)
        u = np.array([math.sin(t), math.cos(t)])  # the axis, pointing down the garment
        a = 2 * np.outer(u, u) - np.eye(2)  # reflection about the axis through c
        m = np.hstack([a, (c - a @ c)[:, None]])
        mirrored = cv2.warpAffine(small, m, (sw, sh), flags=cv2.INTER_LINEAR)
        return float(np.minimum(small, mirrored).sum()) / total

    coarse = np.arange(-MAX_TILT_DEG, MAX_TILT_DEG + 1e-9, 2.0)
    best = float(coarse[int(np.argmax([score(d) for d in coarse]))])
    if abs(best) >= MAX_TILT_DEG:
        raise UserError(
            f"the garment is turned about {MAX_TILT_DEG - 1:g}° or more from upright (or is not symmetric): "
            "straighten the picture so its centre front is vertical"
        )
    step = 0.25
    fine = np.arange(best - 2.0, best + 2.0 + 1e-9, step)
    scores = np.array([score(d) for d in fine])
    i = int(np.argmax(scores))
    tilt = float(fine[i])
    if 0 < i < len(fine) - 1:  # parabolic peak between the samples
        s0, s1, s2 = scores[i - 1], scores[i], scores[i + 1]
        denom = s0 - 2 * s1 + s2
        if denom < 0:
            tilt += step * 0.5 * (s0 - s2) / denom
    return tilt


def resample(path: np.ndarray, step: float = 1.0) -> np.ndarray:
    """The polyline `path` (N, 2) resampled at equal arc-length steps of `step` px."""
    seg = np.hypot(*np.diff(path, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    s = np.arange(0.0, cum[-1] + 1e-9, step)
    return np.stack([np.interp(s, cum, path[:, 0]), np.interp(s, cum, path[:, 1])], axis=1)


def dp_corners(path: np.ndarray, eps: float, threshold: float, merge_px: float) -> list[tuple[int, float]]:
    """(index, signed turn in degrees) of the vertices of the path simplified to within `eps` px
    (Douglas-Peucker) that turn by `threshold` or more; positive is convex (the garment on the turn's inside for a half
    outline traced from neck to hem), negative concave.

    The simplification keeps the garment's corners and drops what is smaller than `eps`: the ragged edge of a
    striped or textured draft, JPEG noise, a seam's end mark. A rounded corner keeps a vertex at its apex.
    """
    pts = np.ascontiguousarray(path, dtype=np.float32).reshape(-1, 1, 2)
    simple = cv2.approxPolyDP(pts, float(eps), False).reshape(-1, 2).astype(np.float64)
    # approxPolyDP returns points, not indices: map each vertex back to its place on the path, in order.
    idx, j = [], 0
    for v in simple:
        d = np.hypot(path[j:, 0] - v[0], path[j:, 1] - v[1])
        j = j + int(np.argmin(d))
        idx.append(j)
    turns = []
    for a, b, c in zip(idx, idx[1:], idx[2:], strict=False):
        u, w = path[b] - path[a], path[c] - path[b]
        turns.append((b, math.degrees(math.atan2(u[0] * w[1] - u[1] * w[0], float(u @ w)))))
    # A rounded corner may simplify to two or three vertices close together: one corner, at the sharpest
    # of them, turning by their sum.
    merged: list[list[tuple[int, float]]] = []
    for b, t in turns:
        if merged and b - merged[-1][-1][0] <= merge_px and (t > 0) == (merged[-1][-1][1] > 0):
            merged[-1].append((b, t))
        else:
            merged.append([(b, t)])
    out = []
    for group in merged:
        total = sum(t for _, t in group)
        if abs(total) >= threshold:
            out.append((max(group, key=lambda g: abs(g[1]))[0], total))
    return out


def two_line_split(points: np.ndarray, margin: int) -> int:
    """The index that splits `points` into the two runs best fitted by two straight lines (least squares).

    Every split is scored at once from prefix sums: a run's total-least-squares residual is its point count
    times the smaller eigenvalue of its covariance.
    """
    n = len(points)
    if n - 2 * margin < 1:
        return n // 2
    x, y = points[:, 0] - points[:, 0].mean(), points[:, 1] - points[:, 1].mean()
    cs = [np.concatenate([[0.0], np.cumsum(v)]) for v in (np.ones(n), x, y, x * x, y * y, x * y)]
    b = np.arange(margin, n - margin)

    def residual(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        c, sx, sy, sxx, syy, sxy = (v[j] - v[i] for v in cs)
        mx, my = sx / c, sy / c
        vxx, vyy, vxy = sxx / c - mx * mx, syy / c - my * my, sxy / c - mx * my
        half = (vxx + vyy) / 2
        return c * (half - np.sqrt(np.maximum(0.0, half * half - (vxx * vyy - vxy * vxy))))

    cost = residual(np.zeros_like(b), b) + residual(b, np.full_like(b, n))
    return int(b[int(np.argmin(cost))])


def crossings_x(poly: np.ndarray, y: float) -> np.ndarray:
    """The x of every crossing of the closed polygon `poly` (N, 2) with the horizontal line at `y`, sorted."""
    p, q = poly, np.roll(poly, -1, axis=0)
    hit = (p[:, 1] - y) * (q[:, 1] - y) < 0
    on = (p[:, 1] == y) & (q[:, 1] != y)  # a vertex on the line counts once, with the edge leaving it
    sel = hit | on
    t = (y - p[sel, 1]) / (q[sel, 1] - p[sel, 1])
    return np.sort(p[sel, 0] + t * (q[sel, 0] - p[sel, 0]))


def heading(path: np.ndarray, k: int) -> np.ndarray:
    """The direction of travel (degrees, unwrapped; 0 = +x, 90 = down the picture) at each point of a 1-px
    resampled path, over `k` px either side, after a Gaussian of k/3 px along it.

    The heading is the structure of a half outline traced from neck to hem: the shoulder and the sleeve's
    top edge head outwards (0-80°), the sleeve hem turns across the sleeve (90° more), the underseam heads
    back up towards the body (over 180°: nothing else on a top does), the side seam heads down (about 90°)
    and the hem back to the centre (180°). Landmarks are where it passes half-way between two such runs.
    """
    n = len(path)
    if n <= 2 * k + 2:
        raise UserError("the garment's outline is too small to measure")
    sm = cv2.GaussianBlur(path.astype(np.float64).reshape(-1, 1, 2), (1, 0), 0, sigmaY=k / 3,
                          borderType=cv2.BORDER_REPLICATE).reshape(-1, 2)  # fmt: skip
    d = sm[2 * k :] - sm[: -2 * k]
    theta = np.degrees(np.unwrap(np.arctan2(d[:, 1], d[:, 0])))
    return np.concatenate([np.full(k, theta[0]), theta, np.full(n - len(theta) - k, theta[-1])])


def first_at_or_above(values: np.ndarray, level: float, start: int, stop: int) -> int | None:
    """The index of the first value at or above `level` in values[start:stop] (None if none is)."""
    hits = np.nonzero(values[start:stop] >= level)[0]
    return start + int(hits[0]) if len(hits) else None


def last_below(values: np.ndarray, level: float, start: int, stop: int, run: int = 1) -> int | None:
    """The index just after the last value below `level` in values[start:stop] that ends a run of at least
    `run` values below it (None if there is none)."""
    below = np.concatenate([[False], values[start:stop] < level, [False]])
    edges = np.flatnonzero(np.diff(below.astype(np.int8)))  # alternately where runs below start and end
    ends = [b for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= run]
    return start + int(ends[-1]) if ends else None


def rms(points: np.ndarray, line: Line) -> float:
    off = (points - line.point) @ line.normal
    return float(np.sqrt(np.mean(off * off))) if len(off) else 0.0


def outer_contour(mask: np.ndarray) -> np.ndarray:
    """The mask's outer contour through boundary pixel centres, (N, 2) float.

    A small opening first takes off spurs a few pixels thin (a seam's end mark at an armpit, a stray
    stroke overshooting a corner), which would otherwise look like corners; it rounds real corners by as
    much, and those are placed by line fits that stay clear of the rounding.
    """
    h, w = mask.shape
    r = max(2, round(0.003 * min(h, w)))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, disc)
    contours, _ = cv2.findContours(opened, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(contours, key=cv2.contourArea)
    return contour[:, 0, :].astype(np.float64)


def bridge_bites(mask: np.ndarray, most_corners: int = 35, corner_deg: float = 20.0) -> np.ndarray:
    """The mask with bites in a ragged edge closed, when its outline has far more corners than a top has.

    A striped garment whose darker stripe is the backdrop's own tone (grey and white on a grey backdrop)
    leaves a bite in its silhouette wherever a dark stripe meets the edge, since only the light stripes
    stand out: the outline then zigzags, with a corner every stripe. A top's outline simplifies to some 10-25 corners
    (fewer than `most_corners`); past that, a closing with a disc of about 0.6 cm bridges the bites, as the
    eye joins the stripes' ends. It also fills the tips of real concavities (an armpit, a V's point),
    which the landmarks do not depend on: they come from lines fitted away from the tips.
    """
    m8 = mask.astype(np.uint8)
    contours, _ = cv2.findContours(m8, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return mask
    contour = max(contours, key=cv2.contourArea)[:, 0, :].astype(np.float64)
    unit = float(np.ptp(contour[:, 1])) / 70.0
    if len(dp_corners(resample(contour), 0.5 * unit, corner_deg, 1.5 * unit)) <= most_corners:
        return mask
    r = max(2, round(0.6 * unit))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    padded = cv2.morphologyEx(np.pad(m8, r + 1), cv2.MORPH_CLOSE, disc)
    return padded[r + 1 : -r - 1, r + 1 : -r - 1]


def halves(upright: np.ndarray, axis_x: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Both half outlines from the front neck to the hem centre, the left one mirrored onto the right.

    Returns (right, left_mirrored, neck_y): the paths as polylines starting at the crossing with the centre
    line nearest the top and ending at the one nearest the bottom.
    """
    n = len(upright)
    dx = upright[:, 0] - axis_x
    nxt = np.roll(np.arange(n), -1)
    cross = np.nonzero((dx < 0) & (dx[nxt] >= 0) | (dx >= 0) & (dx[nxt] < 0))[0]
    if len(cross) < 2:
        raise UserError("the garment's outline does not cross its own centre line twice: it is not a flat top")
    t = dx[cross] / (dx[cross] - dx[nxt[cross]])
    ys = upright[cross, 1] + t * (upright[nxt[cross], 1] - upright[cross, 1])
    i_top, i_bot = int(np.argmin(ys)), int(np.argmax(ys))
    top_pt = np.array([axis_x, ys[i_top]])
    bot_pt = np.array([axis_x, ys[i_bot]])
    a, b = int(cross[i_top]), int(cross[i_bot])

    forward, backward = [], []
    i = int(nxt[a])
    while True:  # vertices after the top crossing, up to the bottom crossing
        forward.append(i)
        if i == b:
            break
        i = int(nxt[i])
    i = a
    while True:  # the other way round
        backward.append(i)
        if i == int(nxt[b]):
            break
        i = (i - 1) % n
    one = np.vstack([top_pt, upright[forward], bot_pt])
    other = np.vstack([top_pt, upright[backward], bot_pt])
    if one[1:-1, 0].mean() >= axis_x:
        right, left = one, other
    else:
        right, left = other, one
    mirrored = left.copy()
    mirrored[:, 0] = 2 * axis_x - mirrored[:, 0]
    return right, mirrored, float(top_pt[1])


