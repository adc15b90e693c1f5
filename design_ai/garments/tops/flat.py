"""Technical flats of tops drawn from known measurements: the bundled example sketches and ground truth.

A flat drawn here has exact, documented geometry, so pattern extraction can be tested against the numbers
it was drawn from (a silhouette measured back from `draw_tee_flat` must give the `TeeMeasurements` it was
drawn with). The same block draws a T-shirt (set-in or raglan sleeves), a long-sleeve tee, a tank, a
sweatshirt (rib hem band and cuffs) and a hoodie (hood, drawcord, kangaroo pocket). `flat_poms` reads
DESIGN.md's points of measure back off the geometry.

Geometry, in cm, front view, symmetric about the centre front (x = 0), y down, y = 0 on the HPS line:

- HPS (high point of shoulder): (±neck_width/2, 0). Image-left is the wearer's right (front view); landmark
  names use the image's sides (`*_left` has the smaller x).
- Front neck: (0, front_neck_drop); the neckline is the lower half of an ellipse through both HPS and it.
  `neckline_convention="cutout"` (the default): the neckline is part of the outline: the neck opening is
  background, and no back-neck line closes it. `"designer"`: the outline follows the back neckline, the lower
  half of an ellipse through both HPS and the back neck (0, BACK_NECK_DROP_CM); the front neckline is an
  interior line (`front_neckline`) and the neckband seam lies below it as before.
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
- Raglan (`sleeve_style="raglan"`): the outline is the same; the raglan seam is an interior line from the
  front neckline to the underarm. DESIGN.md's `sleeve_length` of a raglan runs from the HPS along the top
  edge: |HPS - shoulder point| + the field `sleeve_length` (see `flat_poms`); it has no `shoulder_width`.
- Rib hem band (`hem_band_height`): the body ends in a band; its seam is an interior line across the body at
  y = body_length - hem_band_height (landmarks `band_seam_*`, on the outline). The hem corners stay at
  (±hem_width/2, body_length): `hem_width` is across the band's lower edge; the body draws in to it, so the
  band seam ends BAND_DRAW_IN_CM further out on each side, the side seam runs straight from the underarm
  through the chest point to the band seam's end, and the band's side edge straight on to the hem corner.
  No hem stitching is drawn.
- Rib cuff (`cuff_height`): the sleeve's top edge stays straight to the sleeve-hem corner (so `sleeve_length`
  still includes the cuff); the cuff seam is an interior line perpendicular to the top edge, `cuff_height`
  before its end (landmarks `cuff_seam_top_*` on the top edge and `cuff_seam_bottom_*`), reaching
  CUFF_DRAW_IN_CM further than `sleeve_opening` (the sleeve draws in to the cuff); the underarm seam runs to
  the cuff seam's end and the cuff's under edge on to the bottom corner. No sleeve-hem stitching is drawn.
- Hood (`hood_height`, `hood_width`, with `neckline_convention="designer"`): the outline leaves each HPS up
  and outward to the hood's widest points (±hood_width/2, -HOOD_WIDEST_AT * hood_height) (landmarks
  `hood_widest_*`), and over the crown, whose top is the outline's highest point (0, -hood_height) (landmark
  `hood_top`); both are cubic Beziers whose control points keep the curve within those extremes. Interior
  lines: the front neckline (`hood_seam`, where the hood joins the body), the face opening (`hood_opening`:
  the outer edge moved HOOD_OPENING_INSET_CM inward, then turning in to meet its twin at the front neck) and
  the drawcord channel's stitching (`hood_channel_stitch`, dashed, HOOD_CHANNEL_CM outside the opening, down
  to the neckline). `drawcord`: an eyelet (`eyelet_*`) in the channel on each side and a cord with an aglet
  hanging from it; the lines the cords cross are cut there (they lie beneath).
- Kangaroo pocket (`kangaroo_pocket`): interior lines on the front, a pouch standing on the band seam (or just
  above the hem stitching): straight sides, slanted hand openings, a straight top, topstitched inside.

Pixels: x right, y down, OpenCV convention (the centre of pixel (col, row) is at (col, row)); a cm point p
maps to `centre_px + R(rotation) (p - centre_cm) * px_per_cm`, where centre_cm is the centre of the unrotated
outline's bounding box and a positive rotation turns the drawing counter-clockwise on screen.
"""

from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import dataclass, field, replace
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageColor

__all__ = [
    "ALL_PRESETS",
    "BACK_NECK_DROP_CM",
    "BANDED_PRESETS",
    "BAND_DRAW_IN_CM",
    "CHEST_BELOW_UNDERARM_CM",
    "CUFF_DRAW_IN_CM",
    "PRESETS",
    "TOP_GARMENTS",
    "FlatGeometry",
    "TeeMeasurements",
    "draw_tee_flat",
    "flat_poms",
    "tee_geometry",
]

CHEST_BELOW_UNDERARM_CM = 2.5
"""Where flat chest width is measured: this far below the underarm (the usual spec-sheet point of measure)."""

BACK_NECK_DROP_CM = 2.0
"""`neckline_convention="designer"`: the back neck at centre (the outline's top there), below the HPS line."""
BAND_DRAW_IN_CM = 1.5
"""A banded body is this much wider, each side, at the band seam than the band's lower edge (`hem_width`)."""
CUFF_DRAW_IN_CM = 1.5
"""A cuffed sleeve is this much wider at the cuff seam than the cuff's end (`sleeve_opening`)."""
HOOD_WIDEST_AT = 0.4
"""The hood is widest this share of `hood_height` above the HPS line."""
HOOD_OPENING_INSET_CM = 4.0
"""The face opening runs this far inside the hood's outer edge (its top this far below the hood's top)."""
HOOD_OPENING_JOIN = 0.4
"""The face opening follows the outer edge down to this share of the way from the widest points to the HPS
line, and then turns in to the front neck."""
HOOD_CHANNEL_CM = 2.5
"""The drawcord channel along the face opening: its stitching is this far outside the opening's edge."""

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
    # Optional features, all absent by default (a plain tee).
    hem_band_height: float | None = None  # rib hem band: band seam to its lower edge
    cuff_height: float | None = None  # rib cuffs: cuff seam to the cuff's end, along the sleeve
    hood_height: float | None = None  # HPS line straight up to the top of the hood as drawn
    hood_width: float | None = None  # the hood's widest extent across, as drawn
    drawcord: bool = False  # a hood's drawcord: an eyelet each side of the front neck and the cords
    kangaroo_pocket: bool = False  # a pouch pocket on the front, drawn as interior lines
    neckline_convention: Literal["cutout", "designer"] = "cutout"  # see the module docs

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
        self._validate_features()

    def _validate_features(self) -> None:
        """The optional features (hem band, cuffs, hood, drawcord, pocket, neckline convention)."""
        for name in ("hem_band_height", "cuff_height", "hood_height", "hood_width"):
            v = getattr(self, name)
            if v is not None and not (isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)):
                raise ValueError(f"{name} must be a number of cm or None, got {v!r}")
            if v is not None and v <= 0:
                raise ValueError(f"{name} must be positive when given, got {v}")
        for name in ("drawcord", "kangaroo_pocket"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if self.neckline_convention not in ("cutout", "designer"):
            raise ValueError(f"neckline_convention must be 'cutout' or 'designer', got {self.neckline_convention!r}")
        if self.hem_band_height is not None:
            room = self.body_length - self.armhole_depth - CHEST_BELOW_UNDERARM_CM
            if self.hem_band_height >= room - 1.0:
                raise ValueError(
                    f"hem_band_height {self.hem_band_height} leaves no body between the chest line and the band "
                    f"(at most {room - 1.0:g} cm here)"
                )
        if self.cuff_height is not None:
            if self.sleeve_length <= 0:
                raise ValueError("cuff_height needs a sleeve (sleeve_length is 0)")
            if self.cuff_height >= self.sleeve_length:
                raise ValueError(f"cuff_height must be less than sleeve_length, got {self.cuff_height}")
        if (self.hood_height is None) != (self.hood_width is None):
            missing = "hood_width" if self.hood_width is None else "hood_height"
            raise ValueError(f"{missing} is needed too: a hood takes both hood_height and hood_width")
        if self.hood_height is not None:
            assert self.hood_width is not None
            if self.neckline_convention != "designer":
                raise ValueError(
                    "neckline_convention must be 'designer' with a hood (the hood hides the neck opening and its "
                    "seam is drawn inside the outline)"
                )
            if self.neckband_width > 0:
                raise ValueError(f"neckband_width must be 0 with a hood (no neckband), got {self.neckband_width}")
            if self.hood_width <= self.neck_width + 2 * (HOOD_OPENING_INSET_CM - 1.0):
                raise ValueError(
                    f"hood_width must exceed neck_width + {2 * (HOOD_OPENING_INSET_CM - 1.0):g} cm (the hood goes "
                    f"round the neck), got {self.hood_width}"
                )
            if self.hood_height < HOOD_OPENING_INSET_CM + 2 * HOOD_CHANNEL_CM + 6.0:
                raise ValueError(f"hood_height is too low to draw a hood, got {self.hood_height}")
        elif self.drawcord:
            raise ValueError("drawcord needs a hood (hood_height and hood_width)")
        if self.neckline_convention == "designer" and self.front_neck_drop <= BACK_NECK_DROP_CM:
            raise ValueError(
                f"front_neck_drop must be more than the back neck's {BACK_NECK_DROP_CM:g} cm with "
                f"neckline_convention 'designer', got {self.front_neck_drop}"
            )


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
"""Measurement sets for the bundled sketches and tests, by name (all base size M): the tee family (T-shirts,
long-sleeve, tank), which `design_ai.patterns.accuracy` and the pattern tests measure preset by preset."""

BANDED_PRESETS: dict[str, TeeMeasurements] = {
    # Men's M crew-neck sweatshirt: set-in sleeves, rib neckband, 6 cm rib hem band and cuffs, drawn the
    # designers' way (back neckline as the outline, front neckline inside it).
    "sweatshirt": TeeMeasurements(
        body_length=70.0,
        chest_width=57.0,
        hem_width=50.0,
        shoulder_width=48.0,
        shoulder_drop=5.0,
        armhole_depth=25.0,
        sleeve_length=63.0,
        sleeve_opening=9.5,
        sleeve_angle_deg=66.0,
        neck_width=19.0,
        front_neck_drop=9.0,
        neckband_width=2.5,
        hem_band_height=6.0,
        cuff_height=6.0,
        neckline_convention="designer",
    ),
    # Men's M pullover hoodie: raglan sleeves (HPS to shoulder point 13 cm, so DESIGN.md's sleeve length from
    # the HPS is 13 + 65 = 78 cm), 6 cm rib hem band and cuffs, hood with drawcord, kangaroo pocket.
    "hoodie": TeeMeasurements(
        body_length=70.0,
        chest_width=58.0,
        hem_width=50.0,
        shoulder_width=44.0,
        shoulder_drop=5.0,
        armhole_depth=26.0,
        sleeve_length=65.0,
        sleeve_opening=9.5,
        sleeve_angle_deg=66.0,
        neck_width=20.0,
        front_neck_drop=9.0,
        neckband_width=0.0,
        sleeve_style="raglan",
        hem_band_height=6.0,
        cuff_height=6.0,
        hood_height=34.0,
        hood_width=30.0,
        drawcord=True,
        kangaroo_pocket=True,
        neckline_convention="designer",
    ),
}
"""The banded tops (rib hem band and cuffs), base size M: kept out of `PRESETS` until the measurement side
(`design_ai.patterns.accuracy.PRESET_GARMENTS`, the garment registry) knows `sweatshirt` and `hoodie`."""

ALL_PRESETS: dict[str, TeeMeasurements] = PRESETS | BANDED_PRESETS
"""Every bundled measurement set, by name."""


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
    # Straight side seam from the underarm to the hem corner (or, with a hem band, to the band seam's end),
    # through (chest_width/2, chest line).
    if m.hem_band_height is None:
        side_end = hem
        t = CHEST_BELOW_UNDERARM_CM / (m.body_length - m.armhole_depth)
        x_u = (m.chest_width / 2 - hem[0] * t) / (1 - t)
    else:
        side_end = np.array([m.hem_width / 2 + BAND_DRAW_IN_CM, m.body_length - m.hem_band_height])
        t = CHEST_BELOW_UNDERARM_CM / (side_end[1] - m.armhole_depth)
        x_u = (m.chest_width / 2 - side_end[0] * t) / (1 - t)
    ua = np.array([x_u, m.armhole_depth])
    chest = np.array([m.chest_width / 2, m.armhole_depth + CHEST_BELOW_UNDERARM_CM])
    front_neck = np.array([0.0, m.front_neck_drop])
    if x_u <= sp[0] * 0.5 or x_u <= hps[0]:
        raise ValueError("chest_width and hem_width put the underarm inside the neck")

    theta = np.linspace(math.pi / 2, 0.0, 40)
    neck = np.stack([hps[0] * np.cos(theta), m.front_neck_drop * np.sin(theta)], axis=1)
    top_edge = neck  # the outline from the centre top to the right HPS
    extra: dict[str, Point] = {}  # landmarks on the centre line besides the front neck
    if m.hood_height is not None:
        top_edge = _hood_edge(m, hps)
        extra["hood_top"] = (0.0, -float(m.hood_height))
    elif m.neckline_convention == "designer":
        top_edge = np.stack([hps[0] * np.cos(theta), BACK_NECK_DROP_CM * np.sin(theta)], axis=1)
        extra["back_neck"] = (0.0, BACK_NECK_DROP_CM)

    landmarks: dict[str, np.ndarray] = {
        "hps": hps,
        "shoulder": sp,
        "underarm": ua,
        "chest": chest,
        "hem": hem,
    }
    if m.hem_band_height is None:
        body = np.vstack([ua, hem, [0.0, m.body_length]])
    else:
        landmarks["band_seam"] = side_end
        body = np.vstack([ua, side_end, hem, [0.0, m.body_length]])
    details: list[DetailLine] = []
    if m.sleeve_length > 0:
        a = math.radians(m.sleeve_angle_deg)
        d = np.array([math.cos(a), math.sin(a)])
        n = np.array([-math.sin(a), math.cos(a)])
        top = sp + m.sleeve_length * d
        bottom = top + m.sleeve_opening * n
        landmarks |= {"sleeve_top": top, "sleeve_bottom": bottom}
        if m.cuff_height is None:
            half = np.vstack([top_edge, sp, top, bottom, body])
            # Sleeve-hem stitching: parallel to the hem, from the top edge to the underarm seam.
            s0 = top - m.hem_stitch * d
            s1 = _line_intersection(s0, n, bottom, ua - bottom)
            details.append(DetailLine(np.vstack([s0, s1]), True, "sleeve_hem_stitch"))
        else:
            c0 = top - m.cuff_height * d
            c1 = c0 + (m.sleeve_opening + CUFF_DRAW_IN_CM) * n
            landmarks |= {"cuff_seam_top": c0, "cuff_seam_bottom": c1}
            half = np.vstack([top_edge, sp, top, bottom, c1, body])
            details.append(DetailLine(np.vstack([c0, c1]), False, "cuff_seam"))
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
        half = np.vstack([top_edge, armhole, body[1:]])  # the armhole curve ends at the underarm

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

    if m.hem_band_height is None:
        # Hem stitching across the body, side seam to side seam.
        y_h = m.body_length - m.hem_stitch
        x_h = ua[0] + (hem[0] - ua[0]) * (y_h - ua[1]) / (hem[1] - ua[1])
        details.append(DetailLine(np.array([[-x_h, y_h], [x_h, y_h]]), True, "hem_stitch"))
    else:
        details.append(DetailLine(np.array([side_end * [-1.0, 1.0], side_end]), False, "hem_band_seam"))

    # Mirror: details drawn on the right half only get their left twin.
    mirrored = []
    for det in details:
        if det.name in ("sleeve_hem_stitch", "armhole_seam", "raglan_seam", "cuff_seam"):
            mirrored.append(replace(det, points=det.points * [-1.0, 1.0]))
    details += mirrored

    if m.neckline_convention == "designer":
        # The front neckline, inside the outline: where the neckband (or the hood) is sewn on.
        name = "hood_seam" if m.hood_height is not None else "front_neckline"
        details.append(DetailLine(_mirror_join(neck), False, name))
    if m.hood_height is not None:
        hood_details, eyelets, covers = _hood_details(m, hps)
        details += hood_details
        for side, p in eyelets.items():
            extra[f"eyelet_{side}"] = p
        # The cords lie on top: the lines they cross are hidden beneath them.
        for lo, hi in covers:
            details = [
                DetailLine(piece, det.dashed, det.name)
                for det in details
                for piece in (
                    [det.points] if det.name.startswith(("drawcord", "eyelet")) else _clip_out(det.points, lo, hi)
                )
            ]
    if m.kangaroo_pocket:
        details += _kangaroo_pocket(m, ua, side_end)

    left_half = (half * [-1.0, 1.0])[::-1]
    # Front neck -> right HPS -> right sleeve -> hem -> left sleeve -> left HPS: clockwise on screen (y down).
    outline = np.vstack([half[:-1], left_half[:-1]])
    _check_simple(outline)
    if m.hood_height is not None:
        hood_lines = ("hood_opening", "hood_channel_stitch", "eyelet", "drawcord")  # the hood seam ends at the HPS
        inside = [(det.name, det.points) for det in details if det.name.startswith(hood_lines)]
        _check_inside(outline, inside, "hood_width")

    named: dict[str, Point] = {"front_neck": (float(front_neck[0]), float(front_neck[1]))}
    named |= extra
    if m.hood_height is not None:
        y_w = -HOOD_WIDEST_AT * m.hood_height
        assert m.hood_width is not None
        landmarks["hood_widest"] = np.array([m.hood_width / 2, y_w])
    for key, p in landmarks.items():
        named[f"{key}_left"] = (float(-p[0]), float(p[1]))
        named[f"{key}_right"] = (float(p[0]), float(p[1]))
    return FlatGeometry(outline=outline, landmarks=named, details=details)


def _v(x: float, y: float) -> np.ndarray:
    return np.array([x, y])


def _cubic(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, p3: np.ndarray, n: int = 24) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3


def _hood_edge(m: TeeMeasurements, hps: np.ndarray, n_crown: int = 28, n_cheek: int = 18) -> np.ndarray:
    """The hood's outer edge, right half: from its top (0, -hood_height) over the widest point to the HPS.

    Every control point lies within x <= hood_width/2 and y >= -hood_height, so the curve (inside their convex
    hull) reaches those extremes only at the widest point and at the top.
    """
    assert m.hood_height is not None and m.hood_width is not None
    h, half_w = m.hood_height, m.hood_width / 2
    top = np.array([0.0, -h])
    wide = np.array([half_w, -HOOD_WIDEST_AT * h])
    crown = _cubic(top, top + _v(0.62 * half_w, 0.0), wide + _v(0.0, -0.62 * (h + wide[1])), wide, n_crown)
    rise = -wide[1]  # from the HPS line up to the widest point
    cheek = _cubic(wide, wide + _v(0.0, 0.55 * rise), hps + _v(0.45 * (half_w - hps[0]), -0.35 * rise), hps, n_cheek)
    return np.vstack([crown, cheek[1:]])


def _hood_details(
    m: TeeMeasurements, hps: np.ndarray
) -> tuple[list[DetailLine], dict[str, Point], list[tuple[np.ndarray, np.ndarray]]]:
    """The face opening, the drawcord channel's stitching and, with `drawcord`, eyelets and cords; also the
    eyelets' centres and the boxes (low corner, high corner) the cords cover, to hide the lines beneath."""
    assert m.hood_height is not None and m.hood_width is not None
    fnd = m.front_neck_drop
    # The face opening: the hood's outer edge moved HOOD_OPENING_INSET_CM inward (along its normals), down to
    # HOOD_OPENING_JOIN of the way from the widest points to the HPS line, then a cubic on to the front neck.
    outer = _hood_edge(m, hps, 90, 60)
    inset = outer - HOOD_OPENING_INSET_CM * _normals(outer)
    inset[0] = (0.0, outer[0, 1] + HOOD_OPENING_INSET_CM)  # the crown's top is level: straight down from it
    y_join = -(1 - HOOD_OPENING_JOIN) * HOOD_WIDEST_AT * m.hood_height
    j = int(np.argmax(inset[:, 1] >= y_join))
    s = (y_join - inset[j - 1, 1]) / (inset[j, 1] - inset[j - 1, 1])
    join = inset[j - 1] + s * (inset[j] - inset[j - 1])
    heading = (inset[j] - inset[j - 1]) / np.linalg.norm(inset[j] - inset[j - 1])
    neck = np.array([0.0, fnd])
    drop = fnd - join[1]
    lower = _cubic(join, join + 0.35 * drop * heading, neck + _v(0.6 * join[0], -0.5 * drop), neck, 40)
    edge = np.vstack([inset[:j], lower])  # right half, from the top centre down to the front neck
    if np.any(np.diff(edge[:, 1]) < 0):
        raise ValueError("hood_width and hood_height give a hood too narrow or too low for its face opening")

    # The channel's stitching: the edge offset outward (away from the opening), cut where it meets the neckline
    # (or, on a hood that narrows steeply to the HPS, where it runs into the hood's outer edge).
    normal = _normals(edge)  # outward: up at the top, right at the side
    channel = edge + HOOD_CHANNEL_CM * normal

    def above_neckline(p: np.ndarray) -> float:  # > 0 above the front neckline (inside the hood)
        x = min(abs(float(p[0])) / hps[0], 1.0)
        return fnd * math.sqrt(1.0 - x * x) - float(p[1])

    def room(p: np.ndarray) -> float:
        return min(above_neckline(p), _distance_to_polyline(p, outer) - _STITCH_CLEARANCE_CM)

    for i in range(1, len(channel)):
        if room(channel[i]) <= 0:
            f0, f1 = room(channel[i - 1]), room(channel[i])
            s = f0 / (f0 - f1)
            channel = np.vstack([channel[:i], channel[i - 1] + s * (channel[i] - channel[i - 1])])
            break
    else:
        raise ValueError("hood_width and front_neck_drop leave the drawcord channel no neckline to end on")
    details = [
        DetailLine(_mirror_join(edge), False, "hood_opening"),
        DetailLine(_mirror_join(channel), True, "hood_channel_stitch"),
    ]
    eyelets: dict[str, Point] = {}
    covers: list[tuple[np.ndarray, np.ndarray]] = []
    if m.drawcord:
        # On the channel's centre line, EYELET_ABOVE_NECK_CM above the front neck.
        mid = edge + 0.5 * HOOD_CHANNEL_CM * normal
        y_e = fnd - _EYELET_ABOVE_NECK_CM
        i = int(np.argmax(mid[:, 1] >= y_e))
        s = (y_e - mid[i - 1, 1]) / (mid[i, 1] - mid[i - 1, 1])
        centre = mid[i - 1] + s * (mid[i] - mid[i - 1])
        if above_neckline(centre) <= _EYELET_RADIUS_CM:
            raise ValueError("front_neck_drop is too shallow for the drawcord eyelets above the neckline")
        ring = np.linspace(0.0, 2 * math.pi, 25)
        circle = np.stack([np.cos(ring), np.sin(ring)], axis=1) * _EYELET_RADIUS_CM
        cw, aw = _CORD_WIDTH_CM / 2, _AGLET_WIDTH_CM / 2
        y0 = math.sqrt(_EYELET_RADIUS_CM**2 - cw**2)  # where the cord's edges leave the eyelet
        y1, y2 = _CORD_LENGTH_CM, _CORD_LENGTH_CM + _AGLET_LENGTH_CM
        cord = np.array([[-cw, y0], [-cw, y1], [-aw, y1], [-aw, y2], [aw, y2], [aw, y1], [cw, y1], [cw, y0]])
        for sign, name in ((1.0, "right"), (-1.0, "left")):
            c = centre * [sign, 1.0]
            details.append(DetailLine(c + circle, False, f"eyelet_{name}"))
            details.append(DetailLine(c + cord, False, f"drawcord_{name}"))
            eyelets[name] = (float(c[0]), float(c[1]))
            covers += [(c + _v(-cw, y0), c + _v(cw, y1)), (c + _v(-aw, y1), c + _v(aw, y2))]
    return details, eyelets, covers


def _normals(curve: np.ndarray) -> np.ndarray:
    """Unit normals of a polyline traced clockwise on screen (y down), pointing out of the region it bounds."""
    tangent = np.gradient(curve, axis=0)
    tangent /= np.hypot(tangent[:, 0], tangent[:, 1])[:, None]
    return np.stack([tangent[:, 1], -tangent[:, 0]], axis=1)


def _distance_to_polyline(p: np.ndarray, poly: np.ndarray) -> float:
    """The shortest distance from the point p to the polyline."""
    a, b = poly[:-1], poly[1:]
    ab = b - a
    t = np.clip(np.einsum("ij,ij->i", p - a, ab) / np.einsum("ij,ij->i", ab, ab), 0.0, 1.0)
    return float(np.hypot(*(a + t[:, None] * ab - p).T).min())


def _clip_out(points: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> list[np.ndarray]:
    """The parts of a polyline outside the box lo..hi (Liang-Barsky on each segment)."""
    pieces: list[list[np.ndarray]] = [[points[0]]]
    for p, q in itertools.pairwise(points):
        d = q - p
        t0, t1 = 0.0, 1.0
        for dk, pk, lk, hk in ((d[0], p[0], lo[0], hi[0]), (d[1], p[1], lo[1], hi[1])):
            if dk == 0:
                if not lk < pk < hk:
                    t0, t1 = 1.0, 0.0
                continue
            a, b = (lk - pk) / dk, (hk - pk) / dk
            t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
        if t0 >= t1:  # the segment misses the box (or only touches it)
            pieces[-1].append(q)
            continue
        if t0 > 0:
            pieces[-1].append(p + t0 * d)
        if t1 < 1:
            pieces.append([p + t1 * d, q])
        else:
            pieces.append([])
    return [np.array(pc) for pc in pieces if len(pc) >= 2]


_STITCH_CLEARANCE_CM = 0.5  # the channel's stitching ends this close to the hood's outer edge
_EYELET_ABOVE_NECK_CM = 4.0
_EYELET_RADIUS_CM = 0.55
_CORD_WIDTH_CM = 0.6
_CORD_LENGTH_CM = 24.0  # eyelet centre to the aglet
_AGLET_WIDTH_CM = 0.9
_AGLET_LENGTH_CM = 3.0

_POCKET_TOP_WIDTH = 0.48  # of the body's width at the pocket's bottom
_POCKET_BOTTOM_WIDTH = 0.72
_POCKET_HEIGHT = 0.55  # of the distance from the underarm down to the pocket's bottom
_POCKET_OPENING = 0.55  # the slanted hand openings take this share of the pocket's height
_POCKET_STITCH_CM = 0.7
_POCKET_MIN_HEIGHT_CM = 10.0


def _kangaroo_pocket(m: TeeMeasurements, ua: np.ndarray, side_end: np.ndarray) -> list[DetailLine]:
    """A kangaroo pocket: its edge and, inside it, its topstitching (both interior lines)."""
    banded = m.hem_band_height is not None
    y_bot = float(side_end[1]) if banded else m.body_length - m.hem_stitch - 1.0

    def side_x(y: float) -> float:  # the side seam's x at height y
        return float(ua[0] + (side_end[0] - ua[0]) * (y - ua[1]) / (side_end[1] - ua[1]))

    width = 2 * side_x(y_bot)
    a, b = _POCKET_TOP_WIDTH * width / 2, _POCKET_BOTTOM_WIDTH * width / 2
    height = _POCKET_HEIGHT * (y_bot - m.armhole_depth)
    y_top = y_bot - height
    y_open = y_top + _POCKET_OPENING * height
    too_low = height < _POCKET_MIN_HEIGHT_CM or y_top <= m.armhole_depth + CHEST_BELOW_UNDERARM_CM
    if too_low or b + 2.0 > min(side_x(y_top), side_x(y_bot)):
        raise ValueError("kangaroo_pocket does not fit on this body (body_length, hem_width, chest_width)")
    edge = np.array([[-b, y_bot], [-b, y_open], [-a, y_top], [a, y_top], [b, y_open], [b, y_bot]])
    # Topstitching: each edge moved _POCKET_STITCH_CM inward, corners where the moved edges meet.
    k = _POCKET_STITCH_CM
    slant = np.array([b - a, y_open - y_top])
    inward = np.array([-slant[1], slant[0]]) / np.linalg.norm(slant)  # right opening: inward is left-down
    c_top = _line_intersection(np.array([0.0, y_top + k]), np.array([1.0, 0.0]), edge[4] + k * inward, slant)
    c_side = _line_intersection(np.array([b - k, y_bot]), np.array([0.0, 1.0]), edge[4] + k * inward, slant)
    y_end = y_bot - (k if not banded else 0.0)
    stitch_right = np.array([c_top, c_side, [b - k, y_end]])
    stitch = np.vstack([(stitch_right * [-1.0, 1.0])[::-1], stitch_right])
    if banded:
        lines = [DetailLine(edge, False, "kangaroo_pocket")]  # it stands on the band seam
    else:
        lines = [DetailLine(np.vstack([edge, edge[:1]]), False, "kangaroo_pocket")]
        stitch = np.vstack([stitch, stitch[:1]])
    return [*lines, DetailLine(stitch, True, "kangaroo_pocket_stitch")]


def _check_inside(outline: np.ndarray, lines: list[tuple[str, np.ndarray]], field_name: str) -> None:
    """Every point of the lines strictly inside the outline, or ValueError naming `field_name`."""
    contour = outline.astype(np.float32).reshape(-1, 1, 2)
    for name, pts in lines:
        for p in pts:
            if cv2.pointPolygonTest(contour, (float(p[0]), float(p[1])), True) <= 0.05:
                raise ValueError(f"{field_name}: the {name.replace('_', ' ')} does not fit inside the outline")


TOP_GARMENTS = ("tshirt", "longsleeve", "tank", "sweatshirt", "hoodie")
"""The garments a flat of this module can be measured as (DESIGN.md's tops)."""


def flat_poms(m: TeeMeasurements, garment: str) -> dict[str, float]:
    """DESIGN.md's points of measure of the flat `tee_geometry(m)` draws, measured as `garment`, in cm.

    Read off the geometry's landmarks (not copied from `m`), rounded to 1e-9 cm (the float noise of the
    construction). Which POMs: every top has `body_length`, `chest_width`, `hem_width`, `neck_width`;
    `front_neck_drop` unless a hood hides it; with sleeves (every top but a tank) `sleeve_length` and
    `sleeve_opening`, and `shoulder_width` unless the sleeves are raglan, whose `sleeve_length` runs from the
    HPS along the top edge (HPS to shoulder point, then on to the sleeve's end); `hem_band_height` with a hem
    band, `cuff_height` with cuffs, `hood_height` and `hood_width` with a hood. ValueError when the flat is not
    that garment: a tank with sleeves, another top without, a hoodie without a hood.
    """
    if garment not in TOP_GARMENTS:
        raise ValueError(f"garment must be one of {', '.join(TOP_GARMENTS)}, got {garment!r}")
    sleeved = m.sleeve_length > 0
    if garment == "tank" and sleeved:
        raise ValueError("a tank flat has no sleeves: sleeve_length must be 0")
    if garment != "tank" and not sleeved:
        raise ValueError(f"a {garment} flat has sleeves: sleeve_length must be positive")
    if garment == "hoodie" and m.hood_height is None:
        raise ValueError("a hoodie flat has a hood: hood_height and hood_width are needed")
    lm = tee_geometry(m).landmarks

    def span(name: str) -> float:  # across, left landmark to right landmark
        return lm[f"{name}_right"][0] - lm[f"{name}_left"][0]

    def dist(a: str, b: str) -> float:
        return math.hypot(lm[a][0] - lm[b][0], lm[a][1] - lm[b][1])

    hps_y = lm["hps_right"][1]  # the HPS line
    poms: dict[str, float] = {
        "body_length": lm["hem_right"][1] - hps_y,
        "chest_width": span("chest"),
        "hem_width": span("hem"),
    }
    if sleeved:
        if m.sleeve_style == "raglan":
            poms["sleeve_length"] = dist("hps_right", "shoulder_right") + dist("shoulder_right", "sleeve_top_right")
        else:
            poms["shoulder_width"] = span("shoulder")
            poms["sleeve_length"] = dist("shoulder_right", "sleeve_top_right")
        poms["sleeve_opening"] = dist("sleeve_top_right", "sleeve_bottom_right")
    poms["neck_width"] = span("hps")
    if m.hood_height is None:
        poms["front_neck_drop"] = lm["front_neck"][1] - hps_y
    if m.hem_band_height is not None:
        poms["hem_band_height"] = lm["hem_right"][1] - lm["band_seam_right"][1]
    if sleeved and m.cuff_height is not None:
        poms["cuff_height"] = dist("cuff_seam_top_right", "sleeve_top_right")
    if m.hood_height is not None:
        poms["hood_height"] = hps_y - lm["hood_top"][1]
        poms["hood_width"] = span("hood_widest")
    return {k: round(float(v), 9) + 0.0 for k, v in poms.items()}


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

    `line`: a closed black outline plus thinner interior lines (seams, bands, cuffs, the front neckline, hood
    and pocket edges solid; hem, sleeve-hem, drawcord-channel and pocket stitching dashed); interior lines stay
    inside the outline, so the region the outline encloses is exactly the garment. `filled`: the garment
    filled with `fill`, the outline drawn unless `outline=False`.
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
