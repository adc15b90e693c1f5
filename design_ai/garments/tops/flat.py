"""Technical flats of tops drawn from known measurements: the bundled example sketches and ground truth.

A flat drawn here has exact, documented geometry, so pattern extraction can be tested against the numbers
it was drawn from (a silhouette measured back from `draw_tee_flat` must give the `TeeMeasurements` it was
drawn with). The same block draws a T-shirt (set-in or raglan sleeves), a long-sleeve tee and a tank.

Geometry, in cm, front view, symmetric about the centre front (x = 0), y down, y = 0 on the HPS line:

- HPS (high point of shoulder): (±neck_width/2, 0). Image-left is the wearer's right (front view); landmark
  names use the image's sides (`*_left` has the smaller x).
- Front neck: (0, front_neck_drop); the neckline is the lower half of an ellipse through both HPS and it.
  The neckline is part of the outline: the neck opening is background, and no back-neck line closes it.
- Shoulder point: (±shoulder_width/2, shoulder_drop); the shoulder is the straight line HPS -> shoulder point.
- Sleeve: its top edge leaves the shoulder point at `sleeve_angle_deg` below the horizontal, `sleeve_length`
  long, to the top sleeve-hem corner; the sleeve hem is perpendicular to the top edge, `sleeve_opening` long
  (that is the flat opening), to the bottom sleeve-hem corner; a straight underarm seam joins it to the
  underarm point.
- Underarm: (±x_u, armhole_depth). The side seam is straight from the underarm to the hem corner
  (±hem_width/2, body_length); x_u is chosen so the body is exactly `chest_width` wide 2.5 cm below the
  underarm (the chest line, landmarks `chest_*`).
- Hem: straight, at y = body_length.
- Sleeveless (`sleeve_length == 0`, a tank): the outline runs from the shoulder point down a concave armhole
  curve (a quadratic Bezier) to the underarm.

Pixels: x right, y down, OpenCV convention (the centre of pixel (col, row) is at (col, row)); a cm point p
maps to `centre_px + R(rotation) (p - centre_cm) * px_per_cm`, where centre_cm is the centre of the unrotated
outline's bounding box and a positive rotation turns the drawing counter-clockwise on screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageColor

__all__ = [
    "CHEST_BELOW_UNDERARM_CM",
    "PRESETS",
    "FlatGeometry",
    "TeeMeasurements",
    "draw_tee_flat",
    "tee_geometry",
]

CHEST_BELOW_UNDERARM_CM = 2.5
"""Where flat chest width is measured: this far below the underarm (the usual spec-sheet point of measure)."""

Point = tuple[float, float]
_SS = 4  # supersampling factor for drawing


@dataclass(frozen=True)
class TeeMeasurements:
    """A top's finished measurements in cm (flat, front view); defaults are a men's M boxy tee."""

    body_length: float = 72.0  # HPS to hem, vertical
    chest_width: float = 56.0  # flat, CHEST_BELOW_UNDERARM_CM below the underarm
    hem_width: float = 56.0  # flat, at the hem
    shoulder_width: float = 52.0  # shoulder point to shoulder point, straight
    shoulder_drop: float = 4.5  # HPS line down to the shoulder points
    armhole_depth: float = 26.0  # HPS line down to the underarm points
    sleeve_length: float = 22.0  # shoulder point to sleeve hem along the top edge; 0 = sleeveless
    sleeve_opening: float = 20.0  # flat, across the sleeve hem (perpendicular to the top edge)
    sleeve_angle_deg: float = 30.0  # top edge of the sleeve, below the horizontal
    neck_width: float = 19.0  # HPS to HPS
    front_neck_drop: float = 9.0  # HPS line down to the front neck at centre
    neckband_width: float = 2.0  # drawn as a seam line inside the neckline
    hem_stitch: float = 2.0  # hem and sleeve-hem stitch lines, this far from the edge
    sleeve_style: Literal["set-in", "raglan"] = "set-in"

    def validate(self) -> None:
        """Raise ValueError naming the measurement when the block cannot be drawn as documented."""
        for name in (
            "body_length",
            "chest_width",
            "hem_width",
            "shoulder_width",
            "armhole_depth",
            "neck_width",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        for name in ("shoulder_drop", "front_neck_drop", "sleeve_length", "neckband_width", "hem_stitch"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")
        if self.sleeve_length > 0 and self.sleeve_opening <= 0:
            raise ValueError(f"sleeve_opening must be positive for a sleeve, got {self.sleeve_opening}")
        if not 0 <= self.sleeve_angle_deg < 90:
            raise ValueError(f"sleeve_angle_deg must be in [0, 90), got {self.sleeve_angle_deg}")
        if self.neck_width >= self.shoulder_width:
            raise ValueError("neck_width must be less than shoulder_width")
        if self.shoulder_drop >= self.armhole_depth:
            raise ValueError("shoulder_drop must be less than armhole_depth")
        if self.front_neck_drop >= self.armhole_depth:
            raise ValueError("front_neck_drop must be less than armhole_depth")
        if self.armhole_depth + CHEST_BELOW_UNDERARM_CM + self.hem_stitch >= self.body_length:
            raise ValueError("armhole_depth leaves no room for the chest line and hem above body_length")


PRESETS: dict[str, TeeMeasurements] = {
    "boxy-tee": TeeMeasurements(),
    "raglan-tee": TeeMeasurements(
        body_length=70.0,
        chest_width=54.0,
        hem_width=52.0,
        shoulder_width=47.0,
        shoulder_drop=6.0,
        armhole_depth=25.0,
        sleeve_length=21.0,
        sleeve_opening=17.0,
        sleeve_angle_deg=38.0,
        neck_width=18.0,
        front_neck_drop=8.5,
        sleeve_style="raglan",
    ),
    "fitted-tee": TeeMeasurements(
        body_length=68.0,
        chest_width=50.0,
        hem_width=48.0,
        shoulder_width=44.0,
        shoulder_drop=5.0,
        armhole_depth=22.0,
        sleeve_length=19.0,
        sleeve_opening=16.0,
        sleeve_angle_deg=40.0,
        neck_width=17.0,
        front_neck_drop=8.0,
    ),
    "longsleeve": TeeMeasurements(
        body_length=70.0,
        chest_width=53.0,
        hem_width=52.0,
        shoulder_width=46.0,
        shoulder_drop=5.0,
        armhole_depth=24.0,
        sleeve_length=62.0,
        sleeve_opening=10.0,
        sleeve_angle_deg=62.0,
        neck_width=18.0,
        front_neck_drop=8.5,
    ),
    "tank": TeeMeasurements(
        body_length=70.0,
        chest_width=52.0,
        hem_width=54.0,
        shoulder_width=38.0,
        shoulder_drop=3.0,
        armhole_depth=24.0,
        sleeve_length=0.0,
        sleeve_opening=0.0,
        neck_width=22.0,
        front_neck_drop=13.0,
        neckband_width=1.5,
    ),
}
"""Measurement sets for the bundled sketches and tests, by name (all base size M)."""


@dataclass(frozen=True)
class DetailLine:
    """An interior line of a flat (seam or stitching), in cm."""

    points: np.ndarray  # (N, 2)
    dashed: bool
    name: str


@dataclass(frozen=True)
class FlatGeometry:
    """A flat's exact geometry in cm: closed outline, landmarks and interior detail lines."""

    outline: np.ndarray  # (N, 2), closed implicitly, clockwise on screen
    landmarks: dict[str, Point]
    details: list[DetailLine] = field(default_factory=list)

    @property
    def area(self) -> float:
        """Area enclosed by the outline (shoelace), in the outline's units squared."""
        x, y = self.outline[:, 0], self.outline[:, 1]
        return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _quad_bezier(p0: np.ndarray, c: np.ndarray, p1: np.ndarray, n: int = 24) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * c + t**2 * p1


def _line_intersection(p: np.ndarray, d: np.ndarray, q: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Where the line p + s d meets the line q + u e."""
    a = np.array([[d[0], -e[0]], [d[1], -e[1]]])
    s, _ = np.linalg.solve(a, q - p)
    return p + s * d


def _segments_cross(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> bool:
    def orient(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> float:
        return float((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return o1 * o2 < 0 and o3 * o4 < 0


def _check_simple(outline: np.ndarray) -> None:
    n = len(outline)
    for i in range(n):
        a, b = outline[i], outline[(i + 1) % n]
        for j in range(i + 2, n):
            if (j + 1) % n == i:
                continue
            if _segments_cross(a, b, outline[j], outline[(j + 1) % n]):
                raise ValueError("these measurements give a self-intersecting outline (check sleeve angle/opening)")


def tee_geometry(m: TeeMeasurements) -> FlatGeometry:
    """The flat's outline, landmarks and detail lines in cm, exactly as documented in this module."""
    m.validate()
    hps = np.array([m.neck_width / 2, 0.0])
    sp = np.array([m.shoulder_width / 2, m.shoulder_drop])
    hem = np.array([m.hem_width / 2, m.body_length])
    # Straight side seam from the underarm to the hem corner, through (chest_width/2, chest line).
    t = CHEST_BELOW_UNDERARM_CM / (m.body_length - m.armhole_depth)
    x_u = (m.chest_width / 2 - hem[0] * t) / (1 - t)
    ua = np.array([x_u, m.armhole_depth])
    chest = np.array([m.chest_width / 2, m.armhole_depth + CHEST_BELOW_UNDERARM_CM])
    front_neck = np.array([0.0, m.front_neck_drop])
    if x_u <= sp[0] * 0.5 or x_u <= hps[0]:
        raise ValueError("chest_width and hem_width put the underarm inside the neck")

    theta = np.linspace(math.pi / 2, 0.0, 40)
    neck = np.stack([hps[0] * np.cos(theta), m.front_neck_drop * np.sin(theta)], axis=1)

    landmarks: dict[str, np.ndarray] = {
        "hps": hps,
        "shoulder": sp,
        "underarm": ua,
        "chest": chest,
        "hem": hem,
    }
    details: list[DetailLine] = []
    if m.sleeve_length > 0:
        a = math.radians(m.sleeve_angle_deg)
        d = np.array([math.cos(a), math.sin(a)])
        n = np.array([-math.sin(a), math.cos(a)])
        top = sp + m.sleeve_length * d
        bottom = top + m.sleeve_opening * n
        landmarks |= {"sleeve_top": top, "sleeve_bottom": bottom}
        half = np.vstack([neck, sp, top, bottom, ua, hem, [0.0, m.body_length]])
        # Sleeve-hem stitching: parallel to the hem, from the top edge to the underarm seam.
        s0 = top - m.hem_stitch * d
        s1 = _line_intersection(s0, n, bottom, ua - bottom)
        details.append(DetailLine(np.vstack([s0, s1]), True, "sleeve_hem_stitch"))
        if m.sleeve_style == "raglan":
            start_theta = math.radians(35.0)
            p = np.array([hps[0] * math.cos(start_theta), m.front_neck_drop * math.sin(start_theta)])
            ctrl = p + 0.5 * (ua - p) + np.array([-0.12, 0.08]) * np.linalg.norm(ua - p)
            details.append(DetailLine(_quad_bezier(p, ctrl, ua), False, "raglan_seam"))
        else:
            ctrl = np.array([sp[0] + 0.15 * (ua[0] - sp[0]) - 0.6, sp[1] + 0.8 * (ua[1] - sp[1])])
            details.append(DetailLine(_quad_bezier(sp, ctrl, ua), False, "armhole_seam"))
    else:
        ctrl = np.array([sp[0] + 0.1 * (ua[0] - sp[0]), sp[1] + 0.85 * (ua[1] - sp[1])])
        armhole = _quad_bezier(sp, ctrl, ua)
        half = np.vstack([neck, armhole, hem, [0.0, m.body_length]])

    # Neckband seam: a wider ellipse under the neckline, cut where it meets the shoulder line.
    if m.neckband_width > 0:
        ax, ay = hps[0] + m.neckband_width, m.front_neck_drop + m.neckband_width

        def below_shoulder(th: float) -> float:
            x, y = ax * math.cos(th), ay * math.sin(th)
            y_sh = m.shoulder_drop * (x - hps[0]) / (sp[0] - hps[0])
            return y - y_sh

        lo, hi = 0.0, math.pi / 2  # below_shoulder(lo) < 0 <= below_shoulder(hi)
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if below_shoulder(mid) < 0 else (lo, mid)
        th = np.linspace(math.pi / 2, hi, 30)
        band = np.stack([ax * np.cos(th), ay * np.sin(th)], axis=1)
        details.append(DetailLine(_mirror_join(band), False, "neckband_seam"))

    # Hem stitching across the body, side seam to side seam.
    y_h = m.body_length - m.hem_stitch
    x_h = ua[0] + (hem[0] - ua[0]) * (y_h - ua[1]) / (hem[1] - ua[1])
    details.append(DetailLine(np.array([[-x_h, y_h], [x_h, y_h]]), True, "hem_stitch"))

    # Mirror: details drawn on the right half only get their left twin.
    mirrored = []
    for det in details:
        if det.name in ("sleeve_hem_stitch", "armhole_seam", "raglan_seam"):
            mirrored.append(replace(det, points=det.points * [-1.0, 1.0]))
    details += mirrored

    left_half = (half * [-1.0, 1.0])[::-1]
    # Front neck -> right HPS -> right sleeve -> hem -> left sleeve -> left HPS: clockwise on screen (y down).
    outline = np.vstack([half[:-1], left_half[:-1]])
    _check_simple(outline)

    named: dict[str, Point] = {"front_neck": (float(front_neck[0]), float(front_neck[1]))}
    for key, p in landmarks.items():
        named[f"{key}_left"] = (float(-p[0]), float(p[1]))
        named[f"{key}_right"] = (float(p[0]), float(p[1]))
    return FlatGeometry(outline=outline, landmarks=named, details=details)


def _mirror_join(right: np.ndarray) -> np.ndarray:
    """A curve drawn from the centre outward on the right, joined to its mirror image on the left."""
    return np.vstack([(right * [-1.0, 1.0])[::-1], right[1:]])


def _dashes(points: np.ndarray, dash: float, gap: float) -> list[np.ndarray]:
    """Split a polyline into dashes by arc length (all in the same units as the points)."""
    seg = np.diff(points, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    total = cum[-1]
    out = []
    s = gap / 2
    while s < total:
        e = min(s + dash, total)
        ts = np.concatenate([[s], cum[(cum > s) & (cum < e)], [e]])
        xs = np.interp(ts, cum, points[:, 0])
        ys = np.interp(ts, cum, points[:, 1])
        out.append(np.stack([xs, ys], axis=1))
        s = e + gap
    return out


def _to_fixed(points: np.ndarray) -> np.ndarray:
    return np.round(points * 16).astype(np.int32).reshape(-1, 1, 2)


def draw_tee_flat(
    m: TeeMeasurements,
    *,
    px_per_cm: float,
    style: Literal["line", "filled"] = "line",
    fill: str = "#ffffff",
    line_px: int = 3,
    margin_cm: float = 6.0,
    rotation_deg: float = 0.0,
    with_details: bool = True,
    outline: bool = True,
    canvas: tuple[int, int] | None = None,
) -> tuple[Image.Image, dict[str, Point]]:
    """Draw the flat on a white background; return it and its landmarks in pixels (see the module docs).

    `line`: a closed black outline plus thinner interior lines (neckband and armhole/raglan seams solid, hem
    and sleeve-hem stitching dashed); interior lines stay inside the outline, so the region the outline
    encloses is exactly the garment. `filled`: the garment filled with `fill`, the outline drawn unless `outline=False`.
    `canvas` (width, height) centres the drawing on a canvas of that size; otherwise the canvas is the
    (rotated) outline's bounding box plus `margin_cm` on every side.
    """
    if px_per_cm <= 0:
        raise ValueError(f"px_per_cm must be positive, got {px_per_cm}")
    if line_px < 1:
        raise ValueError(f"line_px must be at least 1, got {line_px}")
    if style not in ("line", "filled"):
        raise ValueError(f"style must be 'line' or 'filled', got {style!r}")
    geom = tee_geometry(m)

    lo, hi = geom.outline.min(axis=0), geom.outline.max(axis=0)
    centre_cm = (lo + hi) / 2
    phi = math.radians(rotation_deg)
    rot = np.array([[math.cos(phi), math.sin(phi)], [-math.sin(phi), math.cos(phi)]])

    def turn(p: np.ndarray) -> np.ndarray:
        return (np.asarray(p, dtype=float) - centre_cm) @ rot.T * px_per_cm

    turned = turn(geom.outline)
    half_extent = np.abs(turned).max(axis=0) + margin_cm * px_per_cm
    if canvas is None:
        width, height = (math.ceil(2 * v) + 1 for v in half_extent)
    else:
        width, height = canvas
        if 2 * half_extent[0] > width + 1 or 2 * half_extent[1] > height + 1:
            raise ValueError(f"the flat with its margin needs {2 * half_extent} px, more than canvas {canvas}")
    centre_px = np.array([(width - 1) / 2, (height - 1) / 2])

    def to_px(p: np.ndarray) -> np.ndarray:
        return turn(p) + centre_px

    # Everything is drawn at _SS x without anti-aliasing and averaged down: exact pixel coverage, so a stroke
    # is line_px wide and a fill ends on the outline (OpenCV's own AA grows shapes by about a pixel).
    def to_big(p: np.ndarray) -> np.ndarray:
        return _to_fixed(to_px(p) * _SS + (_SS - 1) / 2)

    big_fill = np.zeros((height * _SS, width * _SS), np.uint8)
    big_ink = np.zeros_like(big_fill)
    if style == "filled":
        cv2.fillPoly(big_fill, [to_big(geom.outline)], 255, cv2.LINE_8, 4)
    if with_details:
        detail_px = max(1, round(line_px * 0.6))
        dash, gap = max(3.0 * detail_px, 0.5 * px_per_cm), max(3.0 * detail_px, 0.4 * px_per_cm)
        for det in geom.details:
            pts = to_px(det.points)
            pieces = _dashes(pts, dash, gap) if det.dashed else [pts]
            big = [_to_fixed(p * _SS + (_SS - 1) / 2) for p in pieces]
            cv2.polylines(big_ink, big, False, 255, detail_px * _SS, cv2.LINE_8, 4)
    if style == "line" or outline:
        cv2.polylines(big_ink, [to_big(geom.outline)], True, 255, line_px * _SS, cv2.LINE_8, 4)

    def cover(big: np.ndarray) -> np.ndarray:
        return cv2.resize(big, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)[:, :, None] / 255

    rgb = np.array(ImageColor.getrgb(fill)[:3], np.float32)
    fill_cover, ink_cover = cover(big_fill), cover(big_ink)
    img = (255.0 * (1 - fill_cover) + rgb * fill_cover) * (1 - ink_cover)
    img = np.round(img).astype(np.uint8)

    landmarks = {k: tuple(float(v) for v in to_px(np.array(p))) for k, p in geom.landmarks.items()}
    return Image.fromarray(img, "RGB"), landmarks  # type: ignore[return-value]
