"""Front-view technical flats of tops assembled from FreeSewing pattern pieces, with their points of measure in cm.

Run `.venv/bin/python tests/patterns/freesewing/make_flats.py` to (re)write `images/`, `truth.json` and
`contact_sheet.png` beside this file from `geometry/*.json` (written by `node draft.mjs`; committed, so no node is
needed here). Deterministic: the plan and every entry come from fixed seeds; `make_entry(index)` rebuilds one entry
alone and `build_flat(spec)` its geometry without drawing it.

Independent of `design_ai` (numpy, OpenCV and PIL only) and of our own garment generator: the curves (necklines,
shoulder lines, armholes, side seams, raglan lines, kangaroo pocket, hood profile) and the finished sizes (sleeve
length and opening, ribbing, cuffs) come from FreeSewing's drafts. Garment frame: x across, y down, in cm, y = 0 on
the HPS line, symmetric about x = 0. The truth is computed from the assembled geometry, never from pixels. See
README.md for the conventions and definitions.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
GEOMETRY = HERE / "geometry"
IMAGES = HERE / "images"
TRUTH = HERE / "truth.json"
SHEET = HERE / "contact_sheet.png"

SEED = 20260611
SS = 4  # supersampling factor of the masks
STYLES = ["line", "filled", "draft"]
CONVENTIONS = ["cutout", "designer"]
CANVASES = [(1600, 1250), (1250, 1600), (1500, 1333), (1333, 1500), (1700, 1200), (1200, 1700)]
# garment -> FreeSewing geometry keys (design plus option set), sleeve style, number of pictures
KINDS = [
    ("tshirt", ["teagan", "teagan_fitted"], "set_in", 24),
    ("longsleeve", ["sven_noribbing"], "set_in", 18),
    ("tank", ["aaron"], None, 18),
    ("sweatshirt", ["sven"], "set_in", 20),
    ("hoodie", ["hugo"], "raglan", 20),
]
N = sum(k[3] for k in KINDS)
ANGLE_CLASSES = ["level", "mid", "narrow"]  # sleeve nearly level / in between / hanging with a narrow slit
BANDED = {"sweatshirt", "hoodie"}
HANG_TAPER = 5.0  # degrees: a hanging sleeve's outer edge towards its end
SLIT_DEPTH = 12.0  # cm below the underarm over which a hanging sleeve's slit is "narrow"

POMS = ["body_length", "chest_width", "hem_width", "shoulder_width", "sleeve_length", "sleeve_opening",
        "neck_width", "front_neck_drop", "hem_band_height", "cuff_height", "hood_height", "hood_width"]


def poms_for(garment: str) -> list[str]:
    """The points of measure DESIGN.md gives a garment (tops)."""
    out = ["body_length", "chest_width", "hem_width"]
    if garment != "hoodie":  # raglan: no shoulder seam
        out.append("shoulder_width")
    if garment != "tank":
        out += ["sleeve_length", "sleeve_opening"]
    out.append("neck_width")
    if garment != "hoodie":  # the hood hides the front neck
        out.append("front_neck_drop")
    if garment in BANDED:
        out += ["hem_band_height", "cuff_height"]
    if garment == "hoodie":
        out += ["hood_height", "hood_width"]
    return out


# ----------------------------------------------------------------------------------------------- polylines


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def mirror(pts: np.ndarray) -> np.ndarray:
    return np.asarray(pts, float) * np.array([-1.0, 1.0])


def arclen(poly: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(poly, axis=0), axis=1).sum())


def resample(poly: np.ndarray, step: float) -> np.ndarray:
    out = [poly[0]]
    for p, q in itertools.pairwise(poly):
        n = max(1, math.ceil(np.linalg.norm(q - p) / step))
        for k in range(1, n + 1):
            out.append(p + (q - p) * k / n)
    return np.array(out)


def dedupe(poly: np.ndarray) -> np.ndarray:
    keep = np.ones(len(poly), bool)
    keep[1:] = np.linalg.norm(np.diff(poly, axis=0), axis=1) > 1e-6
    return poly[keep]


def x_at(poly: np.ndarray, y: float) -> float:
    """x of a polyline that runs downwards (y increasing) at height y."""
    ys = poly[:, 1]
    order = np.argsort(ys, kind="stable")
    return float(np.interp(y, ys[order], poly[order, 0]))


def ray_hits(origin: np.ndarray, direction: np.ndarray, poly: np.ndarray) -> list[tuple[float, int, float]]:
    """Where the ray origin + s * direction (s > 0) crosses the open polyline: (s, segment index, u), nearest first."""
    p, q = poly[:-1], poly[1:]
    e = q - p
    d = np.asarray(direction, float)
    den = d[0] * e[:, 1] - d[1] * e[:, 0]
    w = p - origin
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (w[:, 0] * e[:, 1] - w[:, 1] * e[:, 0]) / den
        u = (w[:, 0] * d[1] - w[:, 1] * d[0]) / den
    ok = (np.abs(den) > 1e-12) & (s > 1e-9) & (u >= -1e-9) & (u <= 1 + 1e-9)
    idx = np.nonzero(ok)[0]
    return sorted((float(s[i]), int(i), float(u[i])) for i in idx)


def offset(poly: np.ndarray, d: float) -> np.ndarray:
    """Offset a polyline by d to its right on screen (y down): the normal (-dy, dx) of the direction."""
    poly = np.asarray(poly, float)
    seg = np.diff(poly, axis=0)
    seg /= np.linalg.norm(seg, axis=1, keepdims=True)
    nrm = np.stack([-seg[:, 1], seg[:, 0]], 1)
    vn = np.vstack([nrm[:1], nrm[:-1] + nrm[1:], nrm[-1:]])
    vn /= np.linalg.norm(vn, axis=1, keepdims=True)
    return poly + d * vn


def cf_offset(poly: np.ndarray, d: float) -> np.ndarray:
    """offset() of a half neckline that starts on centre front (x = 0): its first point kept on centre front."""
    out = offset(poly, d)
    out[0, 0] = 0.0
    return out


def segments_self_intersect(poly: np.ndarray) -> bool:
    """Whether the closed polygon has two non-adjacent edges that cross."""
    a = poly
    b = np.roll(poly, -1, axis=0)
    n = len(a)

    def orient(p, q, r):
        return (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])

    A, B = a[:, None, :], b[:, None, :]
    C, D = a[None, :, :], b[None, :, :]
    o1, o2 = orient(A, B, C), orient(A, B, D)
    o3, o4 = orient(C, D, A), orient(C, D, B)
    cross = (o1 * o2 < 0) & (o3 * o4 < 0)
    i, j = np.indices((n, n))
    adjacent = (np.abs(i - j) <= 1) | (np.abs(i - j) == n - 1)
    return bool(np.any(cross & ~adjacent))


def poly_dist(poly: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Signed distance of points to a closed polygon (positive inside)."""
    c = np.asarray(poly, np.float32).reshape(-1, 1, 2)
    return np.array([cv2.pointPolygonTest(c, (float(x), float(y)), True) for x, y in np.atleast_2d(pts)])


def clip_inside(line: np.ndarray, poly: np.ndarray, margin: float = -0.02, step: float = 0.05,
                outside: bool = False) -> list[np.ndarray]:
    """The parts of a polyline that lie inside the closed polygon (at least `margin` inside), or outside it."""
    pts = resample(np.asarray(line, float), step)
    ok = poly_dist(poly, pts) >= margin
    if outside:
        ok = ~ok
    out, cur = [], []
    for p, k in zip(pts, ok, strict=True):
        if k:
            cur.append(p)
        elif cur:
            out.append(np.array(cur))
            cur = []
    if cur:
        out.append(np.array(cur))
    return [o for o in out if len(o) >= 2 and arclen(o) > 0.3]


def smoothstep(u):
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3 - 2 * u)


# ----------------------------------------------------------------------------------------------- FreeSewing data


class Piece:
    """One FreeSewing part from geometry/*.json: its seam outline, named vertices and points (cm)."""

    def __init__(self, d: dict):
        self.outline = np.array(d["outline"], float)
        self.index: dict[str, int] = {}
        for v in d["vertices"]:
            for name in v["names"]:
                self.index.setdefault(name, v["index"])
        self.points = {k: np.array(v, float) for k, v in d["points"].items()}
        self.extra = {k: np.array(d[k], float) for k in ("neckline", "pocket") if k in d}

    def p(self, name: str) -> np.ndarray:
        return self.points[name].copy()

    def between(self, a: str, b: str) -> np.ndarray:
        """The outline from vertex a forward to vertex b (cyclic), both included, its ends the exact points."""
        i, j = self.index[a], self.index[b]
        out = self.outline[i: j + 1].copy() if j >= i else np.vstack([self.outline[i:], self.outline[: j + 1]])
        out[0], out[-1] = self.points.get(a, out[0]), self.points.get(b, out[-1])
        return out

    def rect(self) -> tuple[float, float]:
        """A rectangle's (long side, short side)."""
        br = self.points["bottomRight"]
        return float(max(br)), float(min(br))


@cache
def geometry(key: str, model: str) -> dict:
    return json.loads((GEOMETRY / f"{key}-{model}.json").read_text())


def models_for(key: str) -> list[str]:
    return sorted(p.stem.split("-", 1)[1] for p in GEOMETRY.glob(f"{key}-*.json"))


@dataclass
class SleevePlan:
    """A sleeve's finished sizes taken from the FreeSewing sleeve, cuff pieces (flat: half the circumference)."""

    length: float  # along the top edge, from the shoulder point (set-in) or the HPS (raglan), cuff included
    biceps_at: float  # along the top edge from the same start, where the biceps line lies
    biceps: float  # flat width at the biceps line
    end: float  # flat width at the sleeve's end (the cuff's lower edge where there is a cuff)
    cuff: float | None  # cuff height


@dataclass
class Block:
    """The right half of a front piece in the garment frame (cm; x from centre front, y down, HPS line y = 0)."""

    kind: str  # set_in | raglan | tank
    hps: np.ndarray
    sp: np.ndarray  # shoulder point (raglan: the shoulder line's end, where the top edge bends)
    neck_front: np.ndarray  # centre front -> HPS
    neck_back: np.ndarray  # centre back -> HPS
    armhole: np.ndarray  # set-in and tank: shoulder point -> underarm; raglan: the raglan line, neck -> underarm
    side: np.ndarray  # underarm -> hem corner (banded: the band seam corner)
    hem_y: float  # the lower edge (band included)
    band: tuple[float, float] | None  # (height, flat half width) of a hem band
    sleeve: SleevePlan | None
    pocket: np.ndarray | None = None  # right half of a kangaroo pocket
    hood: dict | None = None
    binding: float | None = None  # tank: binding width on neck and armholes
    info: dict = field(default_factory=dict)

    @property
    def ua(self) -> np.ndarray:
        return self.side[0]


def _shifted(poly: np.ndarray, dy: float) -> np.ndarray:
    return np.asarray(poly, float) + np.array([0.0, dy])


def block(key: str, model: str) -> Block:
    g = geometry(key, model)
    parts = {k: Piece(v) for k, v in g["parts"].items()}
    front, back = parts["front"], parts["back"]
    store = g["store"]
    if key.startswith("aaron"):
        hps = front.p("strapLeft")
        dy = -hps[1]
        T = lambda p: _shifted(p, dy)  # noqa: E731
        bw = store["bindingWidth"] / 4  # knit binding cut 4x its finished width (folded, wrapped over the edge)
        return Block("tank", T(hps[None])[0], T(front.p("strapRight")[None])[0],
                     T(front.between("strapLeft", "cfNeck")[::-1]), T(back.between("strapLeft", "cbNeck")[::-1]),
                     T(front.between("armhole", "strapRight")[::-1]), T(front.between("hem", "armhole")[::-1]),
                     float(T(front.p("hem")[None])[0][1]), None, None, binding=bw,
                     info={"binding_cm": round(bw, 2)})
    hps = front.p("neck")
    dy = -hps[1]
    T = lambda p: _shifted(p, dy)  # noqa: E731
    if key.startswith("hugo"):
        sl = parts["sleeve"]
        cuff_len, cuff_2h = parts["cuff"].rect()
        band_len, band_2h = parts["waistband"].rect()
        rib = store["ribbing"]  # hugo: the ribbing height, on body and cuffs
        hem_half = front.p("ribbing")[0]
        wrist = (sl.p("wristRight")[0] - sl.p("wristLeft")[0]) / 2
        sleeve = SleevePlan(length=float(np.linalg.norm(sl.p("centerWrist") - sl.p("raglanTop"))) + rib,
                            biceps_at=float(sl.p("bicepsLeft")[1] - sl.p("raglanTop")[1]),
                            biceps=float(sl.p("bicepsRight")[0] - sl.p("bicepsLeft")[0]) / 2,
                            end=float(min(cuff_len / 2, wrist)), cuff=rib)
        hs, hc = parts["hoodSide"], parts["hoodCenter"]
        pocket = parts["pocket"].extra["pocket"]  # pocketHem -> pocketTip -> pocketTop -> pocketCf (-> cfRibbing)
        return Block("raglan", T(hps[None])[0], T(front.p("shoulder")[None])[0], T(front.extra["neckline"]),
                     T(back.extra["neckline"]), T(front.between("armhole", "raglanTipFront")[::-1]),
                     T(front.between("ribbing", "armhole")[::-1]), float(T(front.p("cfHem")[None])[0][1]),
                     (rib, float(min(band_len / 2, 2 * hem_half)) / 2), sleeve,
                     pocket=T(pocket[: int(np.argmax(pocket[:, 0] < 1e-6)) + 1]),
                     hood={"side": hs, "center_width": hc.rect()[1]},
                     info={"band_piece_cm": [round(band_len, 2), round(band_2h / 2, 2)],
                           "cuff_piece_cm": [round(cuff_len, 2), round(cuff_2h / 2, 2)]})
    sl = parts["sleeve"]
    tip = sl.p("sleeveTip")
    biceps = float(sl.p("bicepsRight")[0] - sl.p("bicepsLeft")[0]) / 2
    if key.startswith("teagan"):
        end = float(sl.p("hemRight")[0] - sl.p("hemLeft")[0]) / 2
        sleeve = SleevePlan(float(sl.p("hemLeft")[1] - tip[1]), float(-tip[1]), biceps, end, None)
        band = None
        hem_y = float(T(front.p("hem")[None])[0][1])
    else:  # sven, with or without ribbing
        wrist = float(sl.p("wristRight")[0] - sl.p("wristLeft")[0]) / 2
        length = float(sl.p("wristLeft")[1] - tip[1])
        if "cuff" in parts:
            rib = store["ribbingHeight"]
            cuff_len, _ = parts["cuff"].rect()
            band_len, _ = parts["waistband"].rect()
            hem_half = front.p("hem")[0]
            sleeve = SleevePlan(length + rib, float(-tip[1]), biceps, float(min(cuff_len / 2, wrist)), rib)
            band = (rib, float(min(band_len / 2, 2 * hem_half)) / 2)
            hem_y = float(T(front.p("hem")[None])[0][1]) + rib
        else:
            sleeve = SleevePlan(length, float(-tip[1]), biceps, wrist, None)
            band = None
            hem_y = float(T(front.p("hem")[None])[0][1])
    return Block("set_in", T(hps[None])[0], T(front.p("shoulder")[None])[0],
                 T(front.between("neck", "cfNeck")[::-1]), T(back.between("neck", "cbNeck")[::-1]),
                 T(front.between("armhole", "shoulder")[::-1]), T(front.between("hem", "armhole")[::-1]),
                 hem_y, band, sleeve)


# ----------------------------------------------------------------------------------------------- the plan


def plan() -> list[dict]:
    """The variation values of every entry, balanced per garment."""
    rng = np.random.default_rng(SEED)
    specs = []
    for garment, keys, sleeve_style, count in KINDS:
        geoms = [(k, m) for k in keys for m in models_for(k)]
        classes = ANGLE_CLASSES if sleeve_style else [None]
        combos = [(g, c) for c in classes for g in geoms]
        if count < len(combos):
            raise RuntimeError(f"{garment}: {count} pictures cannot cover {len(combos)} combinations")
        extra = []
        while len(combos) + len(extra) < count:
            extra += [combos[i] for i in rng.permutation(len(combos))]
        combos = combos + extra[: count - len(combos)]
        cells = [(c, s) for c in CONVENTIONS for s in STYLES]
        cells = [cells[i % len(cells)] for i in range(count)]
        rng.shuffle(cells)
        rotated = np.array([i % 2 == 1 for i in range(count)])
        rng.shuffle(rotated)
        for i in range(count):
            (key, model), cls = combos[i]
            conv, style = cells[i]
            rot = float(rng.uniform(3, 10) * rng.choice([-1, 1])) if rotated[i] else 0.0
            specs.append({"garment": garment, "key": key, "design": geometry(key, model)["design"], "model": model,
                          "convention": conv, "style": style, "sleeve_style": sleeve_style, "angle_class": cls,
                          "rotation_deg": rot})
    for i, s in enumerate(specs):
        s["index"] = i
    flats = [s for s in specs if s["style"] != "draft"]
    png = set(rng.choice(len(flats), size=round(0.4 * len(flats)), replace=False).tolist())
    for j, s in enumerate(flats):
        s["png"] = j in png
    for s in specs:
        s.setdefault("png", False)
        s["jpeg_quality"] = None if s["png"] else int(rng.integers(60, 96))
    filled = [s for s in specs if s["style"] == "filled"]
    lol = set(rng.choice(len(filled), size=len(filled) // 3, replace=False).tolist())
    for j, s in enumerate(filled):
        s["light_on_light"] = j in lol
    for s in specs:
        s.setdefault("light_on_light", False)
    return specs


# ----------------------------------------------------------------------------------------------- assembly


@dataclass
class Flat:
    outline: np.ndarray  # closed polygon in cm (first point not repeated)
    interior: list[tuple[np.ndarray, bool]]  # polylines in cm, dashed?
    regions: list[tuple[np.ndarray, str]]  # closed polygons shaded inside the garment: inside_back, hood_inside, band
    landmarks: dict[str, np.ndarray]
    truth: dict[str, float]
    tags: dict
    front_neck_line: np.ndarray | None = None  # the front neckline drawn inside (designer convention)
    print_box: tuple[float, float, float] | None = None  # (y_top, y_bottom, half width) free for a chest print


@dataclass
class Sleeve:
    top: np.ndarray  # top edge, from the shoulder point (set-in) or HPS (raglan) to the sleeve's end (its top corner)
    inner: np.ndarray  # inner edge, from the end's inner corner (via the cuff seam) to the underarm
    cuff_outer: np.ndarray | None  # the cuff seam's ends on the top and inner edge
    cuff_inner: np.ndarray | None
    model: str  # straight | hanging
    angle: float  # degrees below horizontal of the top edge at the sleeve's end
    leave_angle: float  # ... where it leaves the shoulder point (raglan: the end of the shoulder line)

    @property
    def end_inner(self) -> np.ndarray:
        return self.inner[0]


def fillet(corners: list[np.ndarray], radii: list[float]) -> np.ndarray:
    """A polyline through `corners` whose interior corners are rounded with circular arcs of the given radii."""
    out = [np.asarray(corners[0], float)]
    for k in range(1, len(corners) - 1):
        p, c, q = (np.asarray(v, float) for v in corners[k - 1: k + 2])
        u0, u1 = unit(c - p), unit(q - c)
        bend = math.atan2(u0[0] * u1[1] - u0[1] * u1[0], float(u0 @ u1))
        r = radii[k - 1]
        if abs(bend) < 1e-3 or r <= 0:
            out.append(c)
            continue
        tl = r * math.tan(abs(bend) / 2)
        tl_max = 0.45 * min(np.linalg.norm(c - p), np.linalg.norm(q - c))
        if tl > tl_max:
            r, tl = r * tl_max / tl, tl_max
        a, b = c - tl * u0, c + tl * u1
        nrm = np.array([-u0[1], u0[0]])
        if nrm @ u1 < 0:
            nrm = -nrm
        centre = a + r * nrm
        a0 = math.atan2(*(a - centre)[::-1])
        da = (math.atan2(*(b - centre)[::-1]) - a0 + math.pi) % (2 * math.pi) - math.pi
        m = max(3, math.ceil(r * abs(da) / 0.15))
        out += [centre + r * np.array([math.cos(a0 + da * f), math.sin(a0 + da * f)]) for f in np.linspace(0, 1, m)]
    out.append(np.asarray(corners[-1], float))
    return dedupe(np.array(out))


def _solve_length(make, target: float, lo: float, hi: float):
    """The parameter in [lo, hi] at which the top edge made by make(x) is `target` long (it grows with x)."""
    if arclen(make(hi)[0]) < target or arclen(make(lo)[0]) > target:
        return None
    for _ in range(30):
        m = (lo + hi) / 2
        lo, hi = (m, hi) if arclen(make(m)[0]) < target else (lo, m)
    return make((lo + hi) / 2)


def _angle_of(v: np.ndarray) -> float:
    return math.degrees(math.atan2(v[1], v[0]))


def straight_sleeve(blk: Block, angle: float) -> Sleeve | None:
    """A straight sleeve: its top edge leaves the shoulder point (raglan: the shoulder line's end, rounded) at
    `angle` below horizontal, its end square to the top edge, its inner edge from the end to the body's underarm."""
    sp = blk.sleeve
    th = math.radians(angle)
    t = np.array([math.cos(th), math.sin(th)])
    n = np.array([-math.sin(th), math.cos(th)])

    def make(ell):
        st = blk.sp + ell * t
        corners = ([blk.hps] if blk.kind == "raglan" else []) + [blk.sp, st]
        return fillet(corners, [6.0]), st

    if blk.kind == "raglan":
        if angle < _angle_of(blk.sp - blk.hps) - 0.5:
            return None
        res = _solve_length(make, sp.length, 1.0, sp.length)
    else:
        res = make(sp.length)
    if res is None:
        return None
    top, st = res
    e0 = st + sp.end * n
    if sp.cuff:
        c1 = st - sp.cuff * t
        e1 = c1 + sp.end * n
        inner = np.array([e0, e1, blk.ua])
    else:
        c1 = e1 = None
        inner = np.array([e0, blk.ua])
    return Sleeve(top, inner, c1, e1, "straight", angle, angle)


def hanging_sleeve(blk: Block, axis_angle: float) -> Sleeve | None:
    """A sleeve hanging beside the body, folded at the armhole: its inner edge leaves the body's underarm straight,
    `axis_angle` below horizontal, down to its end (cuff); its outer edge tapers towards the end at HANG_TAPER
    degrees (so at the underarm it is narrower than the pattern's biceps, the fold hides the rest); its top edge
    runs from the shoulder point out to the outer edge's top, then down the arm (corners rounded)."""
    sp = blk.sleeve
    al = math.radians(axis_angle)
    a = np.array([math.cos(al), math.sin(al)])
    m = np.array([math.sin(al), -math.cos(al)])  # outwards, square to the axis
    ua = blk.ua
    h_c = sp.cuff or 0.0
    taper = math.tan(math.radians(HANG_TAPER))

    def corners_for(ell):
        w0 = min(sp.biceps, sp.end + (ell - h_c) * taper)
        knee = ua + w0 * m
        c1 = ua + (ell - h_c) * a + sp.end * m
        st = ua + ell * a + sp.end * m
        return knee, c1, st

    def make(ell):
        knee, c1, st = corners_for(ell)
        corners = ([blk.hps] if blk.kind == "raglan" else []) + [blk.sp, knee] + ([c1] if h_c else []) + [st]
        radii = ([6.0] if blk.kind == "raglan" else []) + [12.0, 0.0]
        return fillet(corners, radii), ell

    res = _solve_length(make, sp.length, h_c + 3.0, sp.length)
    if res is None:
        return None
    top, ell = res
    knee, c1, _ = corners_for(ell)
    e0 = ua + ell * a
    if h_c:
        e1 = ua + (ell - h_c) * a
        inner = np.array([e0, e1, ua])
    else:
        c1 = e1 = None
        inner = np.array([e0, ua])
    leave = _angle_of(knee - blk.sp)
    if leave < _angle_of(blk.sp - blk.hps) + 1.0:
        return None
    return Sleeve(top, inner, c1, e1, "hanging", _angle_of(top[-1] - top[-2]), leave)


def body_side(blk: Block) -> np.ndarray:
    """Underarm -> lower corner of the body (banded: eased into the band seam corner, then down the band)."""
    side = dedupe(blk.side.copy())
    if blk.band is None:
        return side
    h, half = blk.band
    side = resample(side, 0.5)
    y_seam = side[-1, 1]
    # the body eases into the narrower band over its lower part: x(y) blends towards the band's half width
    ys = side[:, 1]
    y0 = max(ys[0] + 2.0, y_seam - 14.0)
    side[:, 0] += smoothstep((ys - y0) / (y_seam - y0)) * (half - side[-1, 0])
    return np.vstack([side, [[half, y_seam + h]]])


def body_polygon(blk: Block, side: np.ndarray) -> np.ndarray:
    """The body alone (no sleeves, back neckline, a raglan's armhole straight), full width, for the sleeve checks."""
    arm = blk.armhole if blk.kind != "raglan" else np.array([blk.sp, blk.ua])
    right = dedupe(np.vstack([blk.neck_back, [blk.sp], arm[1:], side[1:], [[0.0, blk.hem_y]]]))
    return dedupe(np.vstack([mirror(right[::-1])[:-1], right]))


def slit_gap(blk: Block, body: np.ndarray, sl: Sleeve) -> tuple[float, float]:
    """The slit under the arm: its widest within SLIT_DEPTH cm of the underarm (the sleeve's inner edge to the
    body, cm), and its narrowest anywhere from 1.5 cm below the underarm down to the sleeve's end (or the hem)."""
    pts = resample(sl.inner[::-1], 0.25)  # from the underarm
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))])
    keep = (along > 1.5) & (pts[:, 1] < blk.hem_y - 0.5)
    if not keep.any():
        keep[-1] = True
    d = -poly_dist(body, pts[keep])
    near = along[keep] <= SLIT_DEPTH
    return float(d[near].max() if near.any() else d[0]), float(d.min())


def solve_slit(blk: Block, body: np.ndarray, gap: float, hang: bool) -> Sleeve | None:
    """The sleeve (straight, or hanging beside the body) whose slit under the arm is at most `gap` cm wide; where
    the body's side and the sleeve do not allow that, the narrowest slit up to 2.5 cm."""
    maker = hanging_sleeve if hang else straight_sleeve
    grid = np.arange(50.0, 120.0, 2.0) if hang else np.arange(4.0, 80.0, 2.0)

    def widest(a):
        sl = maker(blk, float(a))
        if sl is None or not sleeve_ok(blk, body, sl, hang):
            return None, sl
        g_max, g_min = slit_gap(blk, body, sl)
        return (g_max if g_min > 0.05 else None), sl

    vals = [widest(a)[0] for a in grid]
    ok = [i for i, v in enumerate(vals) if v is not None]
    if not ok:
        return None
    for i in ok:
        if vals[i] <= gap and i - 1 in ok:  # bisect between the grid's neighbours
            lo, hi = float(grid[i - 1]), float(grid[i])
            for _ in range(20):
                mid = (lo + hi) / 2
                v = widest(mid)[0]
                lo, hi = (mid, hi) if v is not None and v > gap else (lo, mid)
            v, sl = widest(hi)
            return sl if v is not None else None
    best = min(ok, key=lambda i: vals[i])
    return widest(grid[best])[1] if vals[best] <= 2.5 else None


def hood_front_view(blk: Block) -> dict:
    """The hood seen from the front, from Hugo's hood pieces.

    Height: the side piece from the neck seam at its shoulder notch (which sits on the HPS) straight up to its top.
    Half width at each height: the hood's horizontal cross-section there is two side panels, each as deep as the
    side piece is wide at that height, plus the centre panel; seen from the front it is taken as a half circle of
    that perimeter (diameter = 2 x perimeter / pi). Below 7 cm above the HPS line the sides ease into the HPS
    points (the neck seam). The face opening's top lies as far below the hood's top as the piece's rim point;
    its width is 0.7 of the hood's at each height, and its front edges meet at centre front, at the front neck.
    """
    hs: Piece = blk.hood["side"]
    c = blk.hood["center_width"]
    top, notch, neck_edge, rim = hs.p("hoodTop"), hs.p("shoulderNotch"), hs.p("neckEdge"), hs.p("hoodRim")
    H = float(notch[1] - top[1])
    poly = np.vstack([hs.outline, hs.outline[:1]])
    ys = np.linspace(top[1] + 0.05, neck_edge[1], 160)
    depth = []
    for y in ys:
        xs = [p[0] + (y - p[1]) / (q[1] - p[1]) * (q[0] - p[0])
              for p, q in itertools.pairwise(poly) if (p[1] - y) * (q[1] - y) < 0]
        depth.append(max(xs) - min(xs) if len(xs) >= 2 else 0.0)
    yy = ys - notch[1]
    w = (2 * np.array(depth) + c) / math.pi
    nh = float(blk.hps[0])
    yb = -7.0
    wb = float(np.interp(yb, yy, w))
    Yl = np.linspace(yb, 0.0, 40)[1:]
    wl = nh + (wb - nh) * smoothstep(Yl / yb)
    keep = yy < yb
    Yd = np.concatenate([[-H], yy[keep], Yl])
    wd = np.concatenate([[c / math.pi], w[keep], wl])
    ws = wd.copy()  # a light smoothing (a drawn curve), ends kept
    ws[2:-2] = np.convolve(wd, np.ones(5) / 5, mode="same")[2:-2]
    ws[-1] = nh
    dome = np.vstack([[[0.0, -H]], np.stack([ws, Yd], 1)])  # right half, top -> HPS
    i_max = int(np.argmax(ws))
    y_apex = float(rim[1] - notch[1])
    ya = np.linspace(y_apex, 0.0, 60)
    wa = 0.7 * np.interp(ya, Yd, ws) * np.sqrt(np.clip((ya - y_apex) / 5.0, 0, 1))
    fnd = float(blk.neck_front[0, 1])
    arch_r = np.vstack([[[0.0, fnd]], np.stack([wa, ya], 1)[::-1]])  # centre front neck -> up to the apex
    arch = dedupe(np.vstack([arch_r, mirror(arch_r[::-1])[1:]]))  # closed: front neck, right side, apex, left
    return {"dome": dome, "arch": arch, "arch_right": arch_r, "H": H, "width": 2 * float(ws[i_max]),
            "widest": np.array([ws[i_max], Yd[i_max]])}


def build_flat(spec: dict, rng: np.random.Generator | None = None) -> Flat:
    """The flat of one entry, in the garment frame (cm), with its truth."""
    rng = rng if rng is not None else np.random.default_rng([SEED, spec["index"]])
    blk = block(spec["key"], spec["model"])
    side = body_side(blk)
    if blk.sleeve is None:
        flat = assemble(spec, blk, side, None, rng, {})
        if flat is None:
            raise RuntimeError(f"invalid flat for entry {spec['index']}")
        return flat
    body = body_polygon(blk, side)
    cls = spec["angle_class"]
    long = spec["garment"] != "tshirt"
    for _attempt in range(4 if cls == "narrow" else 40):
        tags: dict = {}
        if cls == "narrow":
            gap = float(rng.uniform(0.15, 1.0))
            sl = solve_slit(blk, body, gap, hang=long)
        else:
            lo, hi = ((5.0, 12.0) if long else (8.0, 15.0)) if cls == "level" else (15.0, 40.0)
            if blk.kind == "raglan":  # the arm leaves the shoulder line no higher than its slope
                slope = _angle_of(blk.sp - blk.hps)
                lo, hi = (slope + 1.0, slope + 7.0) if cls == "level" else (slope + 8.0, 45.0)
            sl = straight_sleeve(blk, float(rng.uniform(lo, hi)))
            if sl is not None and slit_gap(blk, body, sl)[0] < 2.5:  # a sleeve in between keeps clear of the body
                sl = None
        if sl is None:
            continue
        flat = assemble(spec, blk, side, sl, rng, tags)
        if flat is not None:
            return flat
    raise RuntimeError(f"no valid sleeve for entry {spec['index']}")


def sleeve_ok(blk: Block, body: np.ndarray, sl: Sleeve, long: bool) -> bool:
    """The sleeve lies beside the body, not over it, and does not flare towards the armhole."""
    far = resample(sl.top, 0.5)
    far = far[(np.linalg.norm(far - blk.sp, axis=1) > 3.0) & ((far - blk.sp) @ unit(blk.sp - blk.hps) > 0)]
    inner = resample(sl.inner, 0.5)[:-2]
    if poly_dist(body, far).max() > -0.05 or poly_dist(body, inner).max() > -0.02:
        return False
    if sl.model == "hanging":  # tapers on its outer side by construction
        return True
    w_end = float(np.linalg.norm(sl.top[-1] - sl.end_inner))
    d = unit(sl.top[-1] - sl.top[-2])
    w_ua = abs(float((blk.ua - sl.top[-1]) @ np.array([-d[1], d[0]])))
    return w_ua >= (1.05 if long else 0.6) * w_end


def assemble(spec: dict, blk: Block, side: np.ndarray, sl: Sleeve | None, rng, tags: dict) -> Flat | None:
    garment, conv = spec["garment"], spec["convention"]
    U = rng.uniform
    hood = hood_front_view(blk) if blk.hood else None
    fnd = float(blk.neck_front[0, 1])
    bnd = float(blk.neck_back[0, 1])
    # ---- the right half of the outline, from the top at x = 0 round to the bottom at x = 0
    top = hood["dome"] if hood is not None else blk.neck_front if conv == "cutout" else blk.neck_back
    parts = [top]
    if blk.kind != "raglan":
        parts.append(np.array([blk.hps, blk.sp]))
    if sl is not None:
        parts += [sl.top, sl.inner]
    else:
        parts.append(blk.armhole)
    parts += [side, np.array([[0.0, blk.hem_y]])]
    right = dedupe(np.vstack(parts))
    outline = dedupe(np.vstack([mirror(right[::-1])[:-1], right]))
    if np.linalg.norm(outline[0] - outline[-1]) < 1e-6:
        outline = outline[:-1]
    if segments_self_intersect(outline):
        return None
    if sl is not None and not sleeve_ok(blk, body_polygon(blk, side), sl, garment != "tshirt"):
        return None
    # ---- interior lines (right half; mirrored below) and shaded regions
    interior: list[tuple[np.ndarray, bool]] = []
    regions: list[tuple[np.ndarray, str]] = []
    front_line = None
    nb = float(U(1.2, 2.2)) if blk.kind != "tank" else blk.binding
    if hood is None:
        tags["neckband_cm"] = round(nb, 2)
        if conv == "designer":
            front_line = np.vstack([mirror(blk.neck_front[::-1])[:-1], blk.neck_front])
            interior.append((front_line, False))
            back_full = np.vstack([mirror(blk.neck_back[::-1])[:-1], blk.neck_back])
            regions.append((dedupe(np.vstack([front_line, back_full[::-1][1:-1]])), "inside_back"))
            # the back neckband seam, seen inside, above the front neckline
            bseam = cf_offset(blk.neck_back, nb)
            front_y = np.interp(bseam[:, 0], blk.neck_front[:, 0], blk.neck_front[:, 1])
            bseam = bseam[bseam[:, 1] < front_y - 0.3]
            if len(bseam) >= 2:
                interior.append((bseam, False))
        interior.append((cf_offset(blk.neck_front, nb), False))
        if rng.random() < 0.6:
            interior.append((cf_offset(blk.neck_front, nb + 0.5), True))
    if blk.kind == "tank":
        interior.append((offset(blk.armhole, blk.binding), False))
        if rng.random() < 0.6:
            interior.append((offset(blk.armhole, blk.binding + 0.5), True))
    if sl is not None:
        interior.append((blk.armhole, False))  # the armhole (set-in) or raglan seam
        if sl.cuff_outer is not None:
            c0, c1 = sl.cuff_outer, sl.cuff_inner
            interior.append((np.array([c0, c1]), False))
            if rng.random() < 0.5:  # rib lines in the cuff
                d = unit(sl.top[-1] - c0)
                h = float(np.linalg.norm(sl.top[-1] - c0))
                for f in np.linspace(0.15, 0.85, 5):
                    a = c0 + f * (c1 - c0)
                    interior.append((np.array([a + 0.4 * d, a + (h - 0.4) * d]), False))
                tags["rib_texture"] = True
        else:  # hem stitch, square to the sleeve's end
            dd = float(U(1.5, 2.5))
            d = unit(sl.top[-1] - sl.top[-2])
            across = unit(sl.end_inner - sl.top[-1])
            p0 = sl.top[-1] - dd * d
            hit = ray_hits(p0, across, sl.inner)
            if hit:
                p1 = p0 + hit[0][0] * across
                interior.append((np.array([p0 + 0.5 * across, p1 - 0.5 * across]), True))
    if blk.band is not None:
        h, half = blk.band
        y_seam = blk.hem_y - h
        regions.append((np.array([[-half, y_seam], [half, y_seam], [half, blk.hem_y], [-half, blk.hem_y]]), "band"))
        interior.append((np.array([[-half, y_seam], [half, y_seam]]), False))
        if tags.get("rib_texture") or rng.random() < 0.4:
            for x in np.arange(0.5, half - 0.5, 1.0):
                interior.append((np.array([[x, y_seam + 0.4], [x, blk.hem_y - 0.4]]), False))
            tags["rib_texture"] = True
    else:
        y = blk.hem_y - float(U(1.5, 2.5))
        x = x_at(side, y) - 0.8
        interior.append((np.array([[-x, y], [x, y]]), True))
    if blk.pocket is not None:
        pk = blk.pocket  # pocketHem (on the band seam) -> pocketTip -> pocketTop -> pocketCf
        interior.append((np.vstack([mirror(pk), pk[::-1][1:]]), False))
        interior.append((offset(pk[1:-1], -0.6), True))  # topstitching along the openings
    if hood is not None:
        regions.append((hood["arch"], "hood_inside"))
        interior.append((hood["arch"], False))
        edge = hood["arch_right"]
        interior.append((offset(edge[edge[:, 1] < 0.3 * fnd], 1.8), True))  # topstitching along the hood's edge
        # the hood's seam to the front neckline, beside the hood's crossed front edges
        neck = np.vstack([mirror(blk.neck_front[::-1])[:-1], blk.neck_front])
        interior += [(part, False) for part in clip_inside(neck, hood["arch"], outside=True)]
        if conv == "designer":  # the back neck seam, seen inside the hood's opening
            back = np.vstack([mirror(blk.neck_back[::-1])[:-1], blk.neck_back])
            interior += [(part, False) for part in clip_inside(back, hood["arch"], margin=0.05)]
    # mirror the right-only lines, keep what lies inside the outline
    lines = []
    for line, dashed in interior:
        lines.append((line, dashed))
        if line[:, 0].min() >= -1e-9 and line[:, 0].max() > 0.5:
            lines.append((mirror(line), dashed))
    kept = [(part, dashed) for line, dashed in lines for part in clip_inside(line, outline)]
    # ---- landmarks and truth
    lm: dict[str, np.ndarray] = {"hps": blk.hps, "underarm": blk.ua, "hem": side[-1]}
    truth = {"body_length": blk.hem_y, "hem_width": 2 * float(side[-1, 0]), "neck_width": 2 * float(blk.hps[0])}
    y_chest = float(blk.ua[1]) + 2.5
    truth["chest_width"] = 2 * x_at(side, y_chest)
    if blk.kind != "raglan":
        lm["shoulder"] = blk.sp
        truth["shoulder_width"] = 2 * float(blk.sp[0])
    if sl is not None:
        lm["sleeve_top"] = sl.top[-1]
        lm["sleeve_bottom"] = sl.end_inner
        truth["sleeve_length"] = arclen(sl.top)
        truth["sleeve_opening"] = float(np.linalg.norm(sl.end_inner - sl.top[-1]))
    if hood is None:
        lm["front_neck"] = np.array([0.0, fnd])
        truth["front_neck_drop"] = fnd
    if blk.band is not None:
        h, half = blk.band
        lm["band_seam"] = np.array([half, blk.hem_y - h])
        lm["cuff_seam"] = sl.cuff_outer
        truth["hem_band_height"] = h
        truth["cuff_height"] = blk.sleeve.cuff
    if hood is not None:
        lm["hood_top"] = np.array([0.0, -hood["H"]])
        lm["hood"] = hood["widest"]
        truth["hood_height"] = hood["H"]
        truth["hood_width"] = hood["width"]
    landmarks: dict[str, np.ndarray] = {}
    for name, p in lm.items():
        p = np.asarray(p, float)
        if name in ("front_neck", "hood_top"):
            landmarks[name] = p
        else:
            landmarks[name + "_left"] = mirror(p[None])[0]
            landmarks[name + "_right"] = p
    chest, hem = truth["chest_width"], truth["hem_width"]
    sides = ("fitted" if spec["key"].endswith("fitted") else "banded" if blk.band else
             "tapered" if hem < chest - 2 else "flared" if hem > chest + 2 else "straight")
    tags.update({"sides": sides, "neck": "hood" if hood else "scoop" if blk.kind == "tank" else "crew",
                 "back_neck_drop_cm": round(bnd, 2), **blk.info})
    if sl is not None:
        g_max, g_min = slit_gap(blk, body_polygon(blk, side), sl)
        tags.update({"sleeve_angle_deg": round(sl.angle, 2), "sleeve_leave_angle_deg": round(sl.leave_angle, 2),
                     "sleeve_model": sl.model, "slit_widest_cm": round(g_max, 2), "slit_narrowest_cm": round(g_min, 2)})
    else:
        tags["sleeve_angle_deg"] = None
    # room for a chest print: below the neck (hoodie: the hood's V), above the chest line (hoodie: the pocket)
    y0 = fnd + 3.0
    y1 = (float(blk.pocket[:, 1].min()) - 3.0) if blk.pocket is not None else y_chest + 8.0
    pb = (y0, y1, 0.55 * x_at(side, y_chest)) if y1 - y0 > 6 else None
    return Flat(outline, kept, regions, landmarks, {k: round(float(v), 2) for k, v in truth.items()}, tags,
                front_line, pb)


# ----------------------------------------------------------------------------------------------- drawing


def hexrgb(h: str) -> np.ndarray:
    h = h.lstrip("#")
    return np.array([int(h[i: i + 2], 16) for i in (0, 2, 4)], float)


def rotation(deg: float) -> np.ndarray:
    """Counter-clockwise on screen (y down) by `deg`."""
    a = math.radians(deg)
    return np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])


class Canvas:
    """Maps cm to image pixels and draws supersampled masks."""

    def __init__(self, W, H, centre_cm, R, scale, origin):
        self.W, self.H, self.c, self.R, self.s, self.o = W, H, centre_cm, R, scale, origin

    def px(self, pts_cm: np.ndarray) -> np.ndarray:
        return self.o + self.s * (np.asarray(pts_cm, float) - self.c) @ self.R.T

    def _hi(self, pts_cm):
        hi = (self.px(pts_cm) + 0.5) * SS - 0.5
        return np.round(hi * 8).astype(np.int32).reshape(-1, 1, 2)

    def blank(self):
        return np.zeros((self.H * SS, self.W * SS), np.uint8)

    def fill(self, pts_cm) -> np.ndarray:
        m = self.blank()
        cv2.fillPoly(m, [self._hi(pts_cm)], 255, cv2.LINE_8, shift=3)
        return self.down(m)

    def stroke(self, lines, width_px: float, rng=None, sketchy=False, closed=False) -> np.ndarray:
        m = self.blank()
        for line, dashed in lines:
            pts = np.asarray(line, float)
            if closed:
                pts = np.vstack([pts, pts[:1]])
            if dashed:  # dashes of 0.45 cm, gaps of 0.3 cm, along the line
                along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))])
                for a0 in np.arange(0.0, along[-1], 0.75):
                    ts = np.linspace(a0, min(a0 + 0.45, along[-1]), 4)
                    dash = np.stack([np.interp(ts, along, pts[:, 0]), np.interp(ts, along, pts[:, 1])], 1)
                    cv2.polylines(m, [self._hi(dash)], False, 255, max(1, round(width_px * SS)), cv2.LINE_AA,
                                  shift=3)
                continue
            if sketchy:
                pts = resample(pts, 0.5)
            hi = self._hi(pts)
            if not sketchy:
                cv2.polylines(m, [hi], False, 255, max(1, round(width_px * SS)), cv2.LINE_AA, shift=3)
                continue
            phase = rng.uniform(0, 6.28) if rng is not None else 0.0
            for j in range(len(hi) - 1):
                w = width_px
                if sketchy:
                    w = width_px * (1 + 0.3 * math.sin(phase + j * 0.11) + 0.12 * math.sin(phase * 3 + j * 0.53))
                cv2.polylines(m, [hi[j: j + 2]], False, 255, max(1, round(w * SS)), cv2.LINE_AA, shift=3)
        return self.down(m)

    def down(self, m: np.ndarray) -> np.ndarray:
        return cv2.resize(m, (self.W, self.H), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


def over(img: np.ndarray, alpha: np.ndarray, colour) -> np.ndarray:
    a = alpha[..., None]
    return img * (1 - a) + np.asarray(colour, np.float32) * a


def lum(c) -> float:
    c = np.asarray(c, float)
    return float(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2])


def hsv_colour(rng, s=(0.6, 1.0), v=(0.5, 0.95)) -> np.ndarray:
    h = rng.uniform(0, 180)
    hsv = np.uint8([[[h, rng.uniform(*s) * 255, rng.uniform(*v) * 255]]])
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0].astype(float)


LIGHT_PAIRS = [("#F2F2EE", "#FFFFFF"), ("#E8E4DC", "#F5F5F5"), ("#EDEDED", "#FFFFFF"), ("#FFFFFF", "#EAEAEA"),
               ("#F0EEE6", "#FDFDFB"), ("#E6E9EE", "#F7F8FA"), ("#F7F3EA", "#E9E6E0")]


def colours_filled(rng, spec) -> tuple[np.ndarray, np.ndarray, str]:
    if spec["light_on_light"]:
        f, b = LIGHT_PAIRS[int(rng.integers(len(LIGHT_PAIRS)))]
        fill, bg = hexrgb(f), hexrgb(b)
        diff = np.abs(fill - bg).max()
        if diff < 10:
            fill = fill - (10 - diff + 1)
        return fill, bg, "light"
    mode = rng.choice(["dark", "mid", "saturated", "saturated", "mid_on_tint"])
    if mode == "dark":
        bg = rng.uniform(10, 45) * np.ones(3) + rng.uniform(-5, 5, 3)
        fill = np.clip(bg + rng.uniform(25, 60) * rng.choice([-1, 1]) + rng.uniform(-8, 8, 3), 0, 90)
        if np.abs(fill - bg).max() < 20:
            fill = np.clip(bg + 30, 0, 255)
        return fill, bg, "dark"
    if mode == "mid":
        return rng.uniform(90, 170, 3), np.array([255.0, 255, 255]) - rng.uniform(0, 10) * np.ones(3), "mid"
    if mode == "saturated":
        return hsv_colour(rng), np.array([255.0, 255, 255]) - rng.uniform(0, 6) * np.ones(3), "sat"
    bg = hsv_colour(rng, s=(0.08, 0.3), v=(0.75, 0.95))
    fill = hsv_colour(rng, s=(0.3, 0.9), v=(0.3, 0.8))
    return fill, bg, "tint"


def layout(flat: Flat, spec: dict, rng) -> Canvas:
    o = flat.outline
    c = (o.min(0) + o.max(0)) / 2
    R = rotation(spec["rotation_deg"])
    q = (o - c) @ R.T
    qmin, qmax = q.min(0), q.max(0)
    size = qmax - qmin
    aspect = size[0] / size[1]  # a wide garment on a landscape canvas, a tall one on a portrait one
    fits = [cv for cv in CANVASES if (cv[0] >= cv[1]) == (aspect >= 1)] if abs(math.log(aspect)) > 0.15 else CANVASES
    W, H = fits[int(rng.integers(len(fits)))]
    f = rng.uniform(0.60, 0.88)
    s = f * min(W / size[0], H / size[1])
    margin = 0.045 * np.array([W, H]) + 12
    lo = margin - s * qmin
    hi = np.array([W, H]) - margin - s * qmax
    origin = np.array([rng.uniform(lo[i], hi[i]) if hi[i] > lo[i] else (lo[i] + hi[i]) / 2 for i in range(2)])
    return Canvas(W, H, c, R, s, origin)


def print_mask(cv: Canvas, flat: Flat, rng) -> tuple[np.ndarray | None, str | None]:
    """A chest print motif (mask), inside the print box."""
    if flat.print_box is None:
        return None, None
    y0, y1, hw = flat.print_box
    rad = min(rng.uniform(0.35, 0.7) * hw, (y1 - y0) / 2)
    cy = rng.uniform(y0 + rad, max(y0 + rad, y1 - rad))
    kind = str(rng.choice(["circle", "star", "bars", "ring"]))
    if kind in ("circle", "ring"):
        t = np.linspace(0, 2 * np.pi, 80, endpoint=False)
        pm = cv.fill(np.stack([rad * np.cos(t), cy + rad * np.sin(t)], 1))
        if kind == "ring":
            pm = np.clip(pm - cv.fill(np.stack([0.6 * rad * np.cos(t), cy + 0.6 * rad * np.sin(t)], 1)), 0, 1)
    elif kind == "star":
        t = np.linspace(0, 2 * np.pi, 11)[:-1] - np.pi / 2
        rr = np.where(np.arange(10) % 2 == 0, rad, rad * 0.45)
        pm = cv.fill(np.stack([rr * np.cos(t), cy + rr * np.sin(t)], 1))
    else:
        pm = np.zeros((cv.H, cv.W), np.float32)
        for j in range(3):
            w = rad * rng.uniform(0.8, 1.6)
            y = cy - rad * 0.6 + j * rad * 0.6
            pm = np.maximum(pm, cv.fill(np.array([[-w, y], [w, y], [w, y + rad * 0.35], [-w, y + rad * 0.35]])))
    return pm, kind


def render_line(cv: Canvas, flat: Flat, rng):
    paper = str(rng.choice(["#FFFFFF", "#FFFFFF", "#FBFAF6", "#F7F5EF", "#FAFAFA", "#F4F1E8"]))
    img = np.ones((cv.H, cv.W, 3), np.float32) * hexrgb(paper)
    if rng.random() < 0.5:
        img += rng.normal(0, rng.uniform(0.5, 2.0), img.shape[:2])[..., None]
    ink = str(rng.choice(["#111111", "#222222", "#1B2A4A", "#333333", "#3A2A20", "#14365C", "#5A1E1E", "#0B3D2E"]))
    width = rng.uniform(2.0, 6.0)
    sketchy = bool(rng.random() < 0.35)
    inner_w = rng.uniform(1.0, min(2.5, width * 0.7))
    inner_ink = hexrgb(ink) * 0.6 + hexrgb(paper) * 0.4 if rng.random() < 0.5 else hexrgb(ink)
    printed = None
    if rng.random() < 0.35:
        pm, printed = print_mask(cv, flat, rng)
        if pm is not None:
            edge = np.clip(cv2.morphologyEx(pm, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)), 0, 1)
            img = over(img, edge, inner_ink)
    a_in = cv.stroke(flat.interior, inner_w, rng)
    img = over(img, a_in, inner_ink)
    a_out = cv.stroke([(flat.outline, False)], width, rng, sketchy=sketchy, closed=True)
    img = over(img, a_out, hexrgb(ink))
    return img, {"stroke_px": round(width, 2), "inner_stroke_px": round(float(inner_w), 2), "sketchy": sketchy,
                 "paper": paper, "ink": ink, "print": printed}


def render_filled(cv: Canvas, flat: Flat, spec, rng):
    fill, bg, mode = colours_filled(rng, spec)
    img = np.ones((cv.H, cv.W, 3), np.float32) * bg
    a = cv.fill(flat.outline)
    img = over(img, a, fill)
    shade = fill * 0.82 if lum(fill) > 60 else np.clip(fill + 30, 0, 255)
    for poly, kind in flat.regions:  # inside of the back neck, of the hood: a darker shade of the fill
        if kind in ("inside_back", "hood_inside"):
            img = over(img, cv.fill(poly) * a * 0.8, shade)
    printed = None
    if rng.random() < 0.5:
        pm, printed = print_mask(cv, flat, rng)
        if pm is not None:
            motif = hsv_colour(rng, s=(0.3, 1.0), v=(0.2, 0.95))
            if abs(lum(motif) - lum(fill)) < 40:
                motif = np.array([30.0, 30, 40]) if lum(fill) > 128 else np.array([235.0, 230, 220])
            img = over(img, pm * a, motif)
    seams = bool(rng.random() < 0.7)
    if seams:  # seams in a shade of the fill
        img = over(img, cv.stroke(flat.interior, rng.uniform(1.0, 2.2), rng) * a, shade * 0.9)
    outlined = (not spec["light_on_light"]) and bool(rng.random() < 0.5)
    if outlined:
        ink = fill * 0.35 if lum(fill) > 70 else np.clip(fill + 90, 0, 255)
        img = over(img, cv.stroke([(flat.outline, False)], rng.uniform(2.0, 5.0), rng, closed=True), ink)
    return img, {"fill": [round(float(x)) for x in fill], "background": [round(float(x)) for x in bg],
                 "outlined": outlined, "seams": seams, "mode": mode, "print": printed}


def _draft_colours(rng, mode):
    if mode == "white_on_grey":
        back = np.array([1.0, 1.0, 1.0]) * rng.uniform(200, 222) + rng.uniform(-4, 4, 3)
        garment = np.array([1.0, 1.0, 1.0]) * rng.uniform(238, 250) + rng.uniform(-3, 2, 3)
    elif mode == "dark":
        back = hsv_colour(rng, s=(0.0, 0.2), v=(0.72, 0.92))
        garment = hsv_colour(rng, s=(0.1, 0.7), v=(0.08, 0.25))
    elif mode == "mid":
        back = hsv_colour(rng, s=(0.05, 0.25), v=(0.82, 0.96))
        garment = hsv_colour(rng, s=(0.1, 0.5), v=(0.35, 0.6))
    else:
        back = hsv_colour(rng, s=(0.04, 0.2), v=(0.8, 0.97))
        garment = hsv_colour(rng, s=(0.4, 0.9), v=(0.35, 0.85))
    return back, garment


def render_draft(cv: Canvas, flat: Flat, spec, rng):
    H, W = cv.H, cv.W
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    mode = str(rng.choice(["white_on_grey", "dark", "colour", "colour", "mid"]))
    back, garment = _draft_colours(rng, mode)
    while abs(lum(garment) - lum(back)) < 20:
        back, garment = _draft_colours(rng, mode)
    contrast = abs(lum(garment) - lum(back))
    light_on_light = bool(np.abs(garment - back).max() <= 45 and lum(garment) > 180)
    ang = rng.uniform(0, 2 * np.pi)
    grad = ((xx - W / 2) * math.cos(ang) + (yy - H / 2) * math.sin(ang)) / max(W, H)
    r2 = ((xx - W / 2) / (W / 2)) ** 2 + ((yy - H / 2) / (H / 2)) ** 2
    shade_bg = 1 + rng.uniform(0.03, 0.08) * grad - rng.uniform(0.04, 0.12) * np.clip(r2 - 0.3, 0, None) / 1.7
    img = back[None, None, :].astype(np.float32) * shade_bg[..., None]
    a = cv.fill(flat.outline)
    blur = rng.uniform(1.0, 2.5)
    a = cv2.GaussianBlur(a, (0, 0), blur)
    off = rng.uniform(3, 9, 2) * np.array([rng.choice([-1, 1]), 1])
    M = np.float32([[1, 0, off[0]], [0, 1, off[1]]])
    sh = cv2.warpAffine(a, M, (W, H))
    sh_sigma = rng.uniform(7, 14)
    sh = cv2.GaussianBlur(sh, (0, 0), sh_sigma)
    strength = min(0.18, 0.45 * max(contrast, 12) / max(lum(back), 1))
    img *= (1 - strength * sh)[..., None]
    binary = (a > 0.5).astype(np.uint8)
    dist = cv2.distanceTransform(binary, cv2.DIST_L2, 5)
    lam = rng.uniform(0.8, 2.0) * cv.s
    edge_dark = rng.uniform(0.06, 0.16)
    if lum(garment) > lum(back):
        edge_dark = min(edge_dark, 0.45 * contrast / lum(garment))
    shade = 1 - edge_dark * np.exp(-dist / lam)
    ang2 = rng.uniform(0, 2 * np.pi)
    shade *= 1 + rng.uniform(0.02, 0.07) * ((xx - W / 2) * math.cos(ang2) + (yy - H / 2) * math.sin(ang2)) / max(W, H)
    low = cv2.GaussianBlur(rng.normal(0, 1, (H // 8, W // 8)).astype(np.float32), (0, 0), 3)
    low = cv2.resize(low / (low.std() + 1e-6), (W, H), interpolation=cv2.INTER_CUBIC)
    shade *= 1 + 0.012 * low
    # inside of the back neck / hood: in shadow; rib bands: a fine rib
    for poly, kind in flat.regions:
        m = cv2.GaussianBlur(cv.fill(poly), (0, 0), 1.0)
        if kind in ("inside_back", "hood_inside"):
            shade *= 1 - rng.uniform(0.12, 0.2) * m
        else:
            shade *= 1 - 0.03 * m
    col = garment[None, None, :].astype(np.float32) * shade[..., None]
    stripes = bool(rng.random() < 0.25)
    if stripes:
        v = (np.stack([xx, yy], -1) - cv.o) @ cv.R
        period = rng.uniform(1.2, 3.5) * cv.s
        st = 0.5 + 0.5 * np.sin(2 * np.pi * v[..., 1] / period)
        st = np.clip((st - 0.5) * 4 + 0.5, 0, 1)
        amp = rng.uniform(0.05, 0.12) * (1 if lum(garment) < 128 else -1)
        col *= (1 + amp * st)[..., None]
    grain = cv2.GaussianBlur(rng.normal(0, 1, (H, W)).astype(np.float32), (0, 0), 0.7)
    col += (grain * rng.uniform(2.0, 4.0))[..., None]
    # seams and topstitching: soft, a little darker (lighter on dark garments)
    seam = cv2.GaussianBlur(cv.stroke(flat.interior, rng.uniform(1.2, 2.2), rng), (0, 0), 0.7) * binary
    k = rng.uniform(0.12, 0.22)
    col = col * (1 - k * seam[..., None]) if lum(garment) > 70 else col + (k * 160 * seam)[..., None]
    motif = hsv_colour(rng, s=(0.3, 1.0), v=(0.2, 0.95))
    if abs(lum(motif) - lum(garment)) < 40:
        motif = np.array([30.0, 30, 40]) if lum(garment) > 128 else np.array([235.0, 230, 220])
    pm, printed = print_mask(cv, flat, rng)
    if pm is not None:
        pm = cv2.GaussianBlur(pm, (0, 0), 0.8) * binary
        col = over(col, pm * rng.uniform(0.8, 1.0), motif)
    img = img * (1 - a[..., None]) + col * a[..., None]
    img += rng.normal(0, rng.uniform(1.0, 2.5), (H, W, 1)).astype(np.float32)
    return img, {"garment_rgb": [round(float(x)) for x in garment], "backdrop_rgb": [round(float(x)) for x in back],
                 "edge_blur_px": round(blur, 2), "stripes": stripes, "mode": mode, "print": printed,
                 "shadow": {"offset_px": [round(float(x), 1) for x in off], "sigma_px": round(sh_sigma, 1),
                            "strength": round(strength, 3)},
                 "light_on_light": light_on_light}


# ----------------------------------------------------------------------------------------------- entries


def file_name(spec: dict) -> str:
    ext = "png" if spec["png"] else "jpg"
    s = spec
    return f"{s['index']:03d}_{s['garment']}_{s['convention']}_{s['style']}_{s['key']}-{s['model']}.{ext}"


def make_entry(index: int, specs: list[dict] | None = None) -> tuple[Image.Image, dict]:
    """Build entry `index`: its picture and its truth.json record."""
    spec = (specs or plan())[index]
    rng = np.random.default_rng([SEED, index])
    flat = build_flat(spec, rng)
    cv = layout(flat, spec, rng)
    if spec["style"] == "line":
        img, look = render_line(cv, flat, rng)
        lol = False
    elif spec["style"] == "filled":
        img, look = render_filled(cv, flat, spec, rng)
        lol = spec["light_on_light"]
    else:
        img, look = render_draft(cv, flat, spec, rng)
        lol = look["light_on_light"]
    pil = Image.fromarray(np.clip(np.round(img), 0, 255).astype(np.uint8), "RGB")
    g = geometry(spec["key"], spec["model"])
    entry = {
        "file": file_name(spec),
        "garment": spec["garment"],
        "image_size": [cv.W, cv.H],
        "px_per_cm": round(float(cv.s), 4),
        "rotation_deg": round(spec["rotation_deg"], 3),
        "tags": {
            "style": spec["style"],
            "design": spec["design"],
            "model": spec["model"],
            "convention": spec["convention"],
            "freesewing_options": g["option_overrides"],
            "size": spec["model"],
            "sleeve_style": spec["sleeve_style"],
            "angle_class": spec["angle_class"],
            "jpeg_quality": spec["jpeg_quality"],
            "light_on_light": bool(lol),
            **flat.tags,
        },
        "truth_cm": {p: flat.truth[p] for p in poms_for(spec["garment"])},
        "landmarks_px": {k: [round(float(v[0]), 2), round(float(v[1]), 2)]
                         for k, v in zip(flat.landmarks, cv.px(np.array(list(flat.landmarks.values()))),
                                         strict=True)},
        "look": look,
        # a filled flat drawn without seams shows no band's or cuff's seam: their heights are not in the picture
        "not_drawn": [] if look.get("seams", True) else
                     [p for p in ("hem_band_height", "cuff_height") if p in poms_for(spec["garment"])],
    }
    return pil, entry


def save(img: Image.Image, entry: dict, folder: Path) -> None:
    path = folder / entry["file"]
    q = entry["tags"]["jpeg_quality"]
    if q is None:
        img.save(path, optimize=True)
    else:
        img.save(path, quality=int(q))


def contact_sheet(entries: list[dict], folder: Path, out: Path, cols: int = 10, tw: int = 150) -> None:
    th = tw
    cap = 12
    rows = math.ceil(len(entries) / cols)
    sheet = Image.new("RGB", (cols * tw, rows * (th + cap)), (128, 128, 128))
    draw = ImageDraw.Draw(sheet)
    for i, e in enumerate(entries):
        im = Image.open(folder / e["file"]).convert("RGB")
        im.thumbnail((tw - 4, th - 4))
        x, y = (i % cols) * tw, (i // cols) * (th + cap)
        sheet.paste(im, (x + (tw - im.width) // 2, y + (th - im.height) // 2))
        draw.text((x + 2, y + th), e["file"][:26], fill=(0, 0, 0))
    sheet.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=int, nargs="*", help="draw these entries only (into --out), no truth.json")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for images/, truth.json, contact_sheet.png")
    args = parser.parse_args()
    t0 = time.time()
    images = args.out / "images"
    images.mkdir(parents=True, exist_ok=True)
    specs = plan()
    if args.only:
        for i in args.only:
            img, entry = make_entry(i, specs)
            save(img, entry, images)
            print(json.dumps(entry["truth_cm"]), entry["file"], file=sys.stderr)
        return 0
    for old in images.iterdir():
        if old.suffix in (".png", ".jpg"):
            old.unlink()
    entries = []
    for i in range(len(specs)):
        img, entry = make_entry(i, specs)
        save(img, entry, images)
        entries.append(entry)
    (args.out / "truth.json").write_text(json.dumps(entries, indent=1) + "\n")
    contact_sheet(entries, images, args.out / "contact_sheet.png")
    size = sum(p.stat().st_size for p in images.iterdir())
    print(f"{len(entries)} images, {size / 1e6:.1f} MB, {time.time() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
