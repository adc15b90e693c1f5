"""An independent corpus of garment flats and drafts with their points of measure known exactly, in cm.

Run `.venv/bin/python tests/patterns/corpus/make_corpus.py` to (re)write `images/`, `truth.json` and
`contact_sheet.png` beside this file; `--seed N --out DIR` draws another corpus of the same plan with other
random proportions into DIR (a holdout set: `bench/pattern_accuracy.py --corpus DIR` measures it).
Deterministic: the plan and every entry come from fixed seeds, and
`make_entry(index)` rebuilds one entry alone.

Deliberately independent of `design_ai` (numpy, OpenCV and PIL only): the geometry is drawn here in a garment
frame in cm (x to the right, y down, y = 0 on the HPS line, symmetric about x = 0) and the truth is computed from
that geometry, never measured off pixels. See README.md for the definitions.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
IMAGES = HERE / "images"
TRUTH = HERE / "truth.json"
SHEET = HERE / "contact_sheet.png"

SEED = 20260517
SS = 4  # supersampling factor of the masks
SIZES = ["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"]
SIDES = ["straight", "tapered", "flared", "fitted"]
NECKS = ["crew", "scoop", "V"]
STYLES = ["line", "filled", "draft"]
CANVASES = [(1600, 1250), (1250, 1600), (1500, 1333), (1333, 1500), (1700, 1200), (1200, 1700)]
# (garment, sleeve_style, count)
KINDS = [("tshirt", "set_in", 45), ("tshirt", "raglan", 15), ("longsleeve", "set_in", 20), ("tank", None, 20)]
N = sum(k[2] for k in KINDS)

# Grade from M, per size: chest (flat) and hem, body length, sleeve length, shoulder, armhole, neck, opening.
CHEST_GRADE = {"XS": -8.5, "S": -4.25, "M": 0.0, "L": 4.5, "XL": 9.0, "XXL": 14.0, "3XL": 19.0, "4XL": 24.0}

POMS = ["body_length", "chest_width", "hem_width", "shoulder_width", "sleeve_length", "sleeve_opening",
        "neck_width", "front_neck_drop"]


# ----------------------------------------------------------------------------------------------- the plan


def plan() -> list[dict]:
    """The variation values of every entry, balanced so that each value appears many times."""
    rng = np.random.default_rng(SEED)
    kinds = [(g, s) for g, s, n in KINDS for _ in range(n)]

    def balanced(values: list, n: int = N) -> list:
        out = [values[i % len(values)] for i in range(n)]
        rng.shuffle(out)
        return out

    sides, necks, styles, sizes = balanced(SIDES), balanced(NECKS), balanced(STYLES), balanced(SIZES)
    # sleeve angles, stratified: a short sleeve steeper than about 45 degrees below the shoulder line would hang
    # over the body (no flat draws that), so short sleeves take 10..45 and long sleeves 10..60
    angles = {}
    for g, lo, hi in (("tshirt", 10.0, 45.0), ("longsleeve", 10.0, 60.0)):
        n = sum(1 for k in kinds if k[0] == g)
        a = list(lo + (hi - lo) * (np.arange(n) + rng.uniform(0.1, 0.9, n)) / n)
        rng.shuffle(a)
        angles[g] = a
    rotations = rng.uniform(-10, 10, N)
    specs = []
    for i, (g, sleeve_style) in enumerate(kinds):
        spec = {"index": i, "garment": g, "sleeve_style": sleeve_style, "sides": sides[i], "neck": necks[i],
                "style": styles[i], "size": sizes[i], "rotation_deg": float(rotations[i]), "sleeve_angle": None}
        if g != "tank":
            spec["sleeve_angle"] = float(angles[g].pop())
        specs.append(spec)
    # file format: drafts are always JPEG (noise makes PNG huge); about 40 % of the flats are PNG
    flats = [s for s in specs if s["style"] != "draft"]
    png = set(rng.choice(len(flats), size=round(0.4 * len(flats)), replace=False).tolist())
    for j, s in enumerate(flats):
        s["png"] = j in png
    for s in specs:
        s.setdefault("png", False)
        s["jpeg_quality"] = None if s["png"] else int(rng.integers(60, 96))
    # light-on-light: a third of the filled entries; the drafts decide their own (near-white garments)
    filled = [s for s in specs if s["style"] == "filled"]
    lol = set(rng.choice(len(filled), size=len(filled) // 3, replace=False).tolist())
    for j, s in enumerate(filled):
        s["light_on_light"] = j in lol
    for s in specs:
        s.setdefault("light_on_light", False)
    return specs


# ----------------------------------------------------------------------------------------------- geometry


def bezier(ctrl: np.ndarray, n: int = 40) -> np.ndarray:
    ctrl = np.asarray(ctrl, float)
    k = len(ctrl) - 1
    t = np.linspace(0, 1, n)[:, None]
    out = np.zeros((n, 2))
    for i, p in enumerate(ctrl):
        out += math.comb(k, i) * (1 - t) ** (k - i) * t**i * p
    return out


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def line_intersect(p: np.ndarray, d: np.ndarray, q: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Intersection of the lines p + s d and q + u e."""
    m = np.array([d, -e]).T
    s, _ = np.linalg.solve(m, q - p)
    return p + s * d


def segments_self_intersect(poly: np.ndarray) -> bool:
    """Whether the closed polygon has two non-adjacent edges that cross (or touch)."""
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


def point_seg_dist(pts: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Distance of each point to an open polyline."""
    a, b = poly[:-1], poly[1:]
    ab = b - a
    ap = pts[:, None, :] - a[None]
    t = np.clip((ap * ab[None]).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-12)[None], 0, 1)
    proj = a[None] + t[..., None] * ab[None]
    return np.linalg.norm(pts[:, None, :] - proj, axis=-1).min(axis=1)


def resample(poly: np.ndarray, step: float) -> np.ndarray:
    out = [poly[0]]
    for p, q in itertools.pairwise(poly):
        n = max(1, math.ceil(np.linalg.norm(q - p) / step))
        for k in range(1, n + 1):
            out.append(p + (q - p) * k / n)
    return np.array(out)


def mirror(pts: np.ndarray) -> np.ndarray:
    return pts * np.array([-1.0, 1.0])


@dataclass
class Geometry:
    outline: np.ndarray  # closed polygon in cm (first point not repeated), clockwise on screen
    interior: list[tuple[np.ndarray, bool]]  # polylines in cm, dashed?
    landmarks: dict[str, np.ndarray]
    truth: dict[str, float]
    sleeve_angle: float | None
    params: dict = field(default_factory=dict)


def side_curve(kind: str, ua: np.ndarray, hem_half: float, bl: float, rng: np.random.Generator):
    """The right side seam as a function x(y) from the underarm to the hem corner."""
    c, ya = ua
    h = hem_half
    if kind == "straight":
        return lambda y: np.full_like(np.asarray(y, float), c)
    if kind in ("tapered", "flared"):
        bulge = 0.0 if rng.random() < 0.5 else rng.uniform(0.3, 1.2) * rng.choice([-1, 1])
        return lambda y: c + (h - c) * ((np.asarray(y, float) - ya) / (bl - ya)) + bulge * np.sin(
            np.pi * (np.asarray(y, float) - ya) / (bl - ya))
    # fitted: a smooth bump inwards with its deepest point at s_w of the way down
    w = rng.uniform(2.0, 5.0)
    s_w = rng.uniform(0.38, 0.55)
    gamma = math.log(0.5) / math.log(s_w)

    def f(y):
        s = np.clip((np.asarray(y, float) - ya) / (bl - ya), 0, 1)
        return c + (h - c) * s - w * np.sin(np.pi * s**gamma) ** 2

    return f


def neck_curve(kind: str, nw: float, fnd: float, rng: np.random.Generator) -> np.ndarray:
    """Right half of the front neckline, from the front neck (0, fnd) to the HPS (nw/2, 0)."""
    a = nw / 2
    if kind in ("crew", "scoop"):
        t = np.linspace(np.pi / 2, 0, 40)
        return np.stack([a * np.cos(t), fnd * np.sin(t)], 1)
    fn, hps = np.array([0.0, fnd]), np.array([a, 0.0])
    mid = (fn + hps) / 2
    nrm = unit(np.array([-(hps - fn)[1], (hps - fn)[0]]))
    bow = rng.uniform(-0.6, 0.6)
    return bezier([fn, mid + bow * nrm, hps], 30)


def sample_geometry(spec: dict, rng: np.random.Generator) -> Geometry:
    k = SIZES.index(spec["size"]) - 2
    angle = spec["sleeve_angle"]
    for attempt in range(2000):
        if attempt and attempt % 400 == 0 and angle is not None:
            angle = 0.8 * angle + 0.2 * 20.0  # an angle that keeps failing: move it toward the middle
        geom = _try_geometry(spec, rng, k, angle)
        if geom is not None:
            return geom
    raise RuntimeError(f"no valid geometry for entry {spec['index']}")


def _try_geometry(spec: dict, rng: np.random.Generator, k: int, angle: float | None) -> Geometry | None:
    g = spec["garment"]
    U = rng.uniform
    chest = U(44, 62) + CHEST_GRADE[spec["size"]]
    bl = (U(60, 76) if g == "tank" else U(62, 80)) + 2.0 * k
    neck = spec["neck"]
    nw = (U(18, 26) if g == "tank" else U(18, 22) if neck == "scoop" else U(15, 20)) + 0.6 * k
    fnd = {"crew": U(7, 11), "scoop": U(11, 17), "V": U(12, 22)}[neck] + 0.3 * k
    if g == "tank":
        strap = U(3.5, 7.0)
        sw = nw + 2 * strap
        drop = U(1.0, 3.0)
        armhole = U(22, 30) + 1.0 * k
    else:
        sw = float(np.clip(chest - CHEST_GRADE[spec["size"]] - U(-2, 9), 38, 56)) + 0.5 * CHEST_GRADE[spec["size"]]
        drop = U(2.5, 6.0)
        armhole = U(20, 28) + 1.0 * k
    sides = spec["sides"]
    hem = {"straight": chest, "tapered": chest - U(2, 8), "flared": chest + U(3, 10),
           "fitted": chest + U(-2, 4)}[sides]
    hps = np.array([nw / 2, 0.0])
    sp = np.array([sw / 2, drop])
    ua = np.array([chest / 2, armhole])
    hc = np.array([hem / 2, bl])
    if (sw - nw) / 2 < (3.5 if g == "tank" else 8.0) or ua[1] - sp[1] < 12 or fnd > armhole - 6:
        return None
    if g == "tank" and sp[0] > ua[0] - 3:
        return None
    if g != "tank" and not (ua[0] - 8 <= sp[0] <= ua[0] + 2):
        return None
    xs = side_curve(sides, ua, hem / 2, bl, rng)
    ys = np.linspace(ua[1], bl, 80)
    side = np.stack([xs(ys), ys], 1)
    side[-1] = hc
    neck_r = neck_curve(neck, nw, fnd, rng)
    landmarks = {"hps": hps, "shoulder": sp, "underarm": ua, "hem": hc, "front_neck": np.array([0.0, fnd])}
    truth = {"body_length": bl, "chest_width": 2 * float(xs(ua[1] + 2.5)), "hem_width": hem,
             "shoulder_width": sw, "neck_width": nw, "front_neck_drop": fnd}
    interior: list[tuple[np.ndarray, bool]] = []

    if g == "tank":
        d = ua - sp
        arm = bezier([sp, sp + np.array([U(0.0, 0.15) * d[0], U(0.45, 0.7) * d[1]]),
                      ua - np.array([U(0.45, 0.7) * d[0], U(0.0, 0.08) * d[1]]), ua], 50)
        right = np.vstack([neck_r, [sp], arm[1:], side[1:]])
    else:
        long = g == "longsleeve"
        slen = (U(55, 68) if long else U(15, 28)) + 1.0 * k
        sopen = (U(8, 12) + 0.4 * k) if long else (U(14, 22) + 0.8 * k)
        slope = math.atan2(sp[1] - hps[1], sp[0] - hps[0])
        th = slope + math.radians(angle)
        t = np.array([math.cos(th), math.sin(th)])
        st = sp + slen * t
        tilt = math.radians(U(-8, 8))
        n = np.array([-math.sin(th + tilt), math.cos(th + tilt)])
        sb = st + sopen * n
        # a sleeve that narrows (or stays) from the armhole to the hem and whose underseam runs outwards
        nperp = np.array([-math.sin(th), math.cos(th)])
        w_arm, w_hem = float((ua - sp) @ nperp), float((sb - st) @ nperp)
        along = float((sb - ua) @ t)
        if along < (0.5 * slen if long else 3.0) or w_arm < (1.1 if long else 0.8) * w_hem:
            return None
        if w_arm > ((27 + k) if long else 1.6 * w_hem + 6):
            return None
        right = np.vstack([neck_r, [sp, st, sb], side])
        # the sleeve may not come near the body side (except at the underarm), nor hang below the hem
        sleeve = resample(np.array([sp, st, sb, ua]), 0.25)
        far = np.linalg.norm(sleeve - ua, axis=1) > 4.0
        if point_seg_dist(sleeve[far], side).min() < 1.2 or sleeve[:, 1].max() > bl - 2:
            return None
        v1, v2 = unit(sb - ua), unit(side[5] - ua)
        if math.degrees(math.acos(np.clip(v1 @ v2, -1, 1))) < 15:
            return None
        landmarks |= {"sleeve_top": st, "sleeve_bottom": sb}
        truth |= {"sleeve_length": float(np.linalg.norm(st - sp)), "sleeve_opening": float(np.linalg.norm(sb - st))}
        if spec["sleeve_style"] == "raglan":
            # DESIGN.md: a raglan has no shoulder seam, so no shoulder width; its sleeve length runs from the HPS
            # along the top edge (over the bend where shoulder and sleeve meet) to the sleeve's end.
            del truth["shoulder_width"]
            truth["sleeve_length"] = float(np.linalg.norm(sp - hps) + np.linalg.norm(st - sp))
        # interior: armhole or raglan seam, sleeve hem stitch (cuff line on a long sleeve)
        if spec["sleeve_style"] == "raglan":
            i0 = int(U(0.72, 0.9) * (len(neck_r) - 1))
            a0 = neck_r[i0]
            mid = (a0 + ua) / 2 + np.array([-1, 1]) * U(0.3, 1.5) / math.sqrt(2)
            interior.append((bezier([a0, mid, ua], 40), False))
        else:
            ctrl = np.array([min(sp[0], ua[0]) - U(0.3, 1.8), sp[1] + U(0.55, 0.8) * (ua[1] - sp[1])])
            interior.append((bezier([sp, ctrl, ua], 40), False))
        hem_dir = unit(sb - st)
        for dist, dashed in ([(U(5, 7), False), (U(1.0, 1.8), True)] if long else [(U(1.5, 2.5), True)]):
            p0 = st - dist * t
            p1 = line_intersect(p0, hem_dir, ua, sb - ua)
            dd = unit(p1 - p0)
            if (p1 - ua) @ (sb - ua) <= 0 or np.linalg.norm(p1 - p0) > 1.6 * sopen:
                continue
            interior.append((np.array([p0 + 0.6 * dd, p1 - 0.6 * dd]), dashed))
    left = mirror(right[::-1])
    # the closed outline: left hem corner ... up the left, neck, right ... down to the right hem corner
    outline = np.vstack([left, right[1:]])  # left ends and right starts at the front neck (0, fnd)
    # drop duplicate consecutive points
    keep = np.ones(len(outline), bool)
    keep[1:] = np.linalg.norm(np.diff(outline, axis=0), axis=1) > 1e-6
    outline = outline[keep]
    if segments_self_intersect(outline):
        return None
    # neckband seam: from the shoulder line to a point below the front neck
    b = U(1.4, 2.4)
    if neck == "V":
        xe = nw / 2 + b
        ye = drop * (xe - hps[0]) / (sp[0] - hps[0])
        band_r = np.array([[0.0, fnd + b * 1.3], [xe, ye]])
    else:
        tt = np.linspace(np.pi / 2, 0, 40)
        xb = (nw / 2 + b) * np.cos(tt)
        ysh = drop * np.clip(xb - hps[0], 0, None) / (sp[0] - hps[0])
        band_r = np.stack([xb, ysh * (1 - np.sin(tt)) + (fnd + b) * np.sin(tt)], 1)
    if band_r[-1][0] < sp[0] - 0.5:
        interior.append((np.vstack([mirror(band_r[::-1]), band_r[1:]]), False))
    # hem stitch
    hy = bl - U(1.5, 2.5)
    hx = float(xs(hy)) - 1.0
    interior.append((np.array([[-hx, hy], [hx, hy]]), True))
    if g == "tank":  # armhole binding
        bb = U(0.9, 1.5)
        off = arm + np.array([-bb, bb * 0.7])
        interior.append((off[4:-4], False))
    # mirror the sleeve interiors (they were built for the right side only)
    mirrored = []
    for line, dashed in interior:
        if line[:, 0].min() >= -1e-9:  # right-only line
            mirrored.append((mirror(line), dashed))
    interior += mirrored
    # keep only interior lines that stay inside the garment (their ends may lie on the outline)
    poly = outline.astype(np.float32)
    ok = []
    for line, dashed in interior:
        pts = resample(line, 0.3)
        inner = pts[max(1, len(pts) // 10): len(pts) - max(1, len(pts) // 10)]
        if all(cv2.pointPolygonTest(poly, (float(x), float(y)), True) > 0.35 for x, y in inner):
            ok.append((line, dashed))
    lm: dict[str, np.ndarray] = {}
    for name, p in landmarks.items():
        if name == "front_neck":
            lm[name] = p
        else:
            lm[name + "_left"] = mirror(p[None])[0]
            lm[name + "_right"] = p
    return Geometry(outline, ok, lm, {k2: round(float(v), 2) for k2, v in truth.items()},
                    None if angle is None else round(float(angle), 2))


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
            if dashed or sketchy:
                pts = resample(pts, 0.35 if dashed else 0.5)
            hi = self._hi(pts)
            if not dashed and not sketchy:
                cv2.polylines(m, [hi], False, 255, max(1, round(width_px * SS)), cv2.LINE_AA, shift=3)
                continue
            phase = rng.uniform(0, 6.28) if rng is not None else 0.0
            for j in range(len(hi) - 1):
                if dashed and (j // 2) % 2 == 1:
                    continue
                w = width_px
                if sketchy:
                    w = width_px * (1 + 0.3 * math.sin(phase + j * 0.11) + 0.12 * math.sin(phase * 3 + j * 0.53))
                seg = hi[j: j + 2]
                cv2.polylines(m, [seg], False, 255, max(1, round(w * SS)), cv2.LINE_AA, shift=3)
        return self.down(m)

    def down(self, m: np.ndarray) -> np.ndarray:
        return cv2.resize(m, (self.W, self.H), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


def over(img: np.ndarray, alpha: np.ndarray, colour) -> np.ndarray:
    a = alpha[..., None]
    return img * (1 - a) + np.asarray(colour, np.float32) * a


def lum(c) -> float:
    c = np.asarray(c, float)
    return float(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2])


def rand_colour(rng, lo=0, hi=255) -> np.ndarray:
    return rng.uniform(lo, hi, 3)


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


def layout(geom: Geometry, spec: dict, rng) -> Canvas:
    W, H = CANVASES[int(rng.integers(len(CANVASES)))]
    o = geom.outline
    c = (o.min(0) + o.max(0)) / 2
    R = rotation(spec["rotation_deg"])
    q = (o - c) @ R.T
    qmin, qmax = q.min(0), q.max(0)
    size = qmax - qmin
    f = rng.uniform(0.60, 0.88)
    s = f * min(W / size[0], H / size[1])
    margin = 0.045 * np.array([W, H]) + 12  # room for a stroke or a shadow too
    lo = margin - s * qmin
    hi = np.array([W, H]) - margin - s * qmax
    origin = np.array([rng.uniform(lo[i], hi[i]) if hi[i] > lo[i] else (lo[i] + hi[i]) / 2 for i in range(2)])
    return Canvas(W, H, c, R, s, origin)


def render_line(cv: Canvas, geom: Geometry, rng) -> np.ndarray:
    paper = rng.choice(["#FFFFFF", "#FFFFFF", "#FBFAF6", "#F7F5EF", "#FAFAFA", "#F4F1E8"])
    img = np.ones((cv.H, cv.W, 3), np.float32) * hexrgb(paper)
    if rng.random() < 0.5:
        img += rng.normal(0, rng.uniform(0.5, 2.0), img.shape[:2])[..., None]
    ink = rng.choice(["#111111", "#222222", "#1B2A4A", "#333333", "#3A2A20", "#14365C", "#5A1E1E", "#0B3D2E"])
    width = rng.uniform(2.0, 6.0)
    sketchy = rng.random() < 0.35
    inner_w = rng.uniform(1.0, min(2.5, width * 0.7))
    inner_ink = hexrgb(ink) * 0.6 + hexrgb(paper) * 0.4 if rng.random() < 0.5 else hexrgb(ink)
    a_in = cv.stroke(geom.interior, inner_w, rng)
    img = over(img, a_in, inner_ink)
    a_out = cv.stroke([(geom.outline, False)], width, rng, sketchy=sketchy, closed=True)
    img = over(img, a_out, hexrgb(ink))
    return img, {"stroke_px": round(width, 2), "sketchy": sketchy, "paper": paper, "ink": ink}


def render_filled(cv: Canvas, geom: Geometry, spec, rng) -> np.ndarray:
    fill, bg, mode = colours_filled(rng, spec)
    img = np.ones((cv.H, cv.W, 3), np.float32) * bg
    a = cv.fill(geom.outline)
    img = over(img, a, fill)
    outlined = (not spec["light_on_light"]) and rng.random() < 0.5
    if rng.random() < 0.5:  # seams in a shade of the fill
        shade = fill * 0.82 if lum(fill) > 60 else np.clip(fill + 30, 0, 255)
        img = over(img, cv.stroke(geom.interior, rng.uniform(1.0, 2.2), rng) * a, shade)
    ink = None
    if outlined:
        ink = fill * 0.35 if lum(fill) > 70 else np.clip(fill + 90, 0, 255)
        img = over(img, cv.stroke([(geom.outline, False)], rng.uniform(2.0, 5.0), rng, closed=True), ink)
    return img, {"fill": [round(float(x)) for x in fill], "background": [round(float(x)) for x in bg],
                 "outlined": outlined, "mode": mode}


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


def render_draft(cv: Canvas, geom: Geometry, spec, rng):
    H, W = cv.H, cv.W
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    mode = rng.choice(["white_on_grey", "dark", "colour", "colour", "mid"])
    back, garment = _draft_colours(rng, mode)
    while abs(lum(garment) - lum(back)) < 20:  # an edge seen in hue alone is not what a photo shows
        back, garment = _draft_colours(rng, mode)
    contrast = abs(lum(garment) - lum(back))
    light_on_light = bool(np.abs(garment - back).max() <= 45 and lum(garment) > 180)
    # backdrop: tint, linear gradient, vignette, noise
    ang = rng.uniform(0, 2 * np.pi)
    grad = ((xx - W / 2) * math.cos(ang) + (yy - H / 2) * math.sin(ang)) / max(W, H)
    r2 = ((xx - W / 2) / (W / 2)) ** 2 + ((yy - H / 2) / (H / 2)) ** 2
    shade_bg = 1 + rng.uniform(0.03, 0.08) * grad - rng.uniform(0.04, 0.12) * np.clip(r2 - 0.3, 0, None) / 1.7
    img = back[None, None, :].astype(np.float32) * shade_bg[..., None]
    # soft garment mask
    a = cv.fill(geom.outline)
    blur = rng.uniform(1.0, 2.5)
    a = cv2.GaussianBlur(a, (0, 0), blur)
    # drop shadow: offset, very soft, weaker than the garment edge
    off = rng.uniform(3, 9, 2) * np.array([rng.choice([-1, 1]), 1])
    M = np.float32([[1, 0, off[0]], [0, 1, off[1]]])
    sh = cv2.warpAffine(a, M, (W, H))
    sh_sigma = rng.uniform(7, 14)
    sh = cv2.GaussianBlur(sh, (0, 0), sh_sigma)
    strength = min(0.18, 0.45 * max(contrast, 12) / max(lum(back), 1))
    img *= (1 - strength * sh)[..., None]
    # garment colour field: edge darkening, gradient, grain, stripes, folds, print
    binary = (a > 0.5).astype(np.uint8)
    dist = cv2.distanceTransform(binary, cv2.DIST_L2, 5)
    lam = rng.uniform(0.8, 2.0) * cv.s
    edge_dark = rng.uniform(0.06, 0.16)
    if lum(garment) > lum(back):  # keep the edge distinct from the backdrop
        edge_dark = min(edge_dark, 0.45 * contrast / lum(garment))
    shade = 1 - edge_dark * np.exp(-dist / lam)
    ang2 = rng.uniform(0, 2 * np.pi)
    shade *= 1 + rng.uniform(0.02, 0.07) * ((xx - W / 2) * math.cos(ang2) + (yy - H / 2) * math.sin(ang2)) / max(W, H)
    low = cv2.GaussianBlur(rng.normal(0, 1, (H // 8, W // 8)).astype(np.float32), (0, 0), 3)
    low = cv2.resize(low / (low.std() + 1e-6), (W, H), interpolation=cv2.INTER_CUBIC)
    shade *= 1 + 0.012 * low
    col = garment[None, None, :].astype(np.float32) * shade[..., None]
    stripes = rng.random() < 0.3
    if stripes:
        R = cv.R
        v = (np.stack([xx, yy], -1) - cv.o) @ R  # back to garment-frame axes (scaled)
        period = rng.uniform(1.2, 3.5) * cv.s
        st = 0.5 + 0.5 * np.sin(2 * np.pi * v[..., 1] / period)
        st = np.clip((st - 0.5) * 4 + 0.5, 0, 1)
        amp = rng.uniform(0.05, 0.12) * (1 if lum(garment) < 128 else -1)
        col *= (1 + amp * st)[..., None]
    grain = cv2.GaussianBlur(rng.normal(0, 1, (H, W)).astype(np.float32), (0, 0), 0.7)
    col += (grain * rng.uniform(2.0, 4.0))[..., None]
    # folds: a few soft, slightly darker curves inside the body
    bl = geom.truth["body_length"]
    ch = geom.truth["chest_width"] / 2
    for _ in range(int(rng.integers(2, 5))):
        y0 = rng.uniform(0.35, 0.9) * bl
        x0 = rng.uniform(-0.7, 0.7) * ch
        p0 = np.array([x0, y0])
        d = unit(rng.normal(0, 1, 2))
        ln = rng.uniform(6, 18)
        p1 = p0 + ln * d
        mid = (p0 + p1) / 2 + rng.uniform(-2, 2, 2)
        curve = bezier([p0, mid, p1], 20)
        fm = cv.stroke([(curve, False)], rng.uniform(2, 6))
        fm = cv2.GaussianBlur(fm, (0, 0), rng.uniform(2, 5))
        col *= (1 - rng.uniform(0.05, 0.12) * fm * binary)[..., None]
    # print motif on the chest
    motif = hsv_colour(rng, s=(0.3, 1.0), v=(0.2, 0.95))
    if abs(lum(motif) - lum(garment)) < 40:
        motif = np.array([30.0, 30, 40]) if lum(garment) > 128 else np.array([235.0, 230, 220])
    ua_y = geom.landmarks["underarm_right"][1]
    rad = rng.uniform(0.16, 0.3) * ch
    fnd = geom.truth["front_neck_drop"]
    lo_y, hi_y = fnd + rad + 3.0, ua_y + 9.0 - rad
    cy = rng.uniform(lo_y, hi_y) if hi_y > lo_y else lo_y
    kind = rng.choice(["circle", "star", "bars", "ring"])
    if kind in ("circle", "ring"):
        t = np.linspace(0, 2 * np.pi, 80, endpoint=False)
        shape = np.stack([rad * np.cos(t), cy + rad * np.sin(t)], 1)
        pm = cv.fill(shape)
        if kind == "ring":
            pm = np.clip(pm - cv.fill(np.stack([0.6 * rad * np.cos(t), cy + 0.6 * rad * np.sin(t)], 1)), 0, 1)
    elif kind == "star":
        t = np.linspace(0, 2 * np.pi, 11)[:-1] - np.pi / 2
        rr = np.where(np.arange(10) % 2 == 0, rad, rad * 0.45)
        pm = cv.fill(np.stack([rr * np.cos(t), cy + rr * np.sin(t)], 1))
    else:
        pm = np.zeros((H, W), np.float32)
        for j in range(3):
            w = rad * rng.uniform(0.8, 1.6)
            y = cy - rad * 0.6 + j * rad * 0.6
            pm = np.maximum(pm, cv.fill(np.array([[-w, y], [w, y], [w, y + rad * 0.35], [-w, y + rad * 0.35]])))
    pm = cv2.GaussianBlur(pm, (0, 0), 0.8) * binary
    col = over(col, pm * rng.uniform(0.8, 1.0), motif)
    img = img * (1 - a[..., None]) + col * a[..., None]
    img += rng.normal(0, rng.uniform(1.0, 2.5), (H, W, 1)).astype(np.float32)
    return img, {"garment_rgb": [round(float(x)) for x in garment], "backdrop_rgb": [round(float(x)) for x in back],
                 "edge_blur_px": round(blur, 2), "stripes": stripes, "mode": str(mode),
                 "shadow": {"offset_px": [round(float(x), 1) for x in off], "sigma_px": round(sh_sigma, 1),
                            "strength": round(strength, 3)},
                 "light_on_light": light_on_light}


# ----------------------------------------------------------------------------------------------- entries


def file_name(spec: dict) -> str:
    ext = "png" if spec["png"] else "jpg"
    g = spec["garment"] + ("_raglan" if spec["sleeve_style"] == "raglan" else "")
    return f"{spec['index']:03d}_{g}_{spec['style']}_{spec['size']}.{ext}"


def make_entry(index: int, specs: list[dict] | None = None) -> tuple[Image.Image, dict]:
    """Build entry `index` of the corpus: its picture and its truth.json record."""
    spec = (specs or plan())[index]
    rng = np.random.default_rng([SEED, index])
    geom = sample_geometry(spec, rng)
    cv = layout(geom, spec, rng)
    if spec["style"] == "line":
        img, look = render_line(cv, geom, rng)
        lol = False
    elif spec["style"] == "filled":
        img, look = render_filled(cv, geom, spec, rng)
        lol = spec["light_on_light"]
    else:
        img, look = render_draft(cv, geom, spec, rng)
        lol = look["light_on_light"]
    pil = Image.fromarray(np.clip(np.round(img), 0, 255).astype(np.uint8), "RGB")
    poms = [p for p in POMS if p in geom.truth]
    entry = {
        "file": file_name(spec),
        "garment": spec["garment"],
        "image_size": [cv.W, cv.H],
        "px_per_cm": round(float(cv.s), 4),
        "rotation_deg": round(spec["rotation_deg"], 3),
        "tags": {
            "style": spec["style"],
            "sides": spec["sides"],
            "neck": spec["neck"],
            "size": spec["size"],
            "sleeve_angle_deg": geom.sleeve_angle,
            "sleeve_style": spec["sleeve_style"],
            "jpeg_quality": spec["jpeg_quality"],
            "light_on_light": bool(lol),
        },
        "truth_cm": {p: geom.truth[p] for p in poms},
        "landmarks_px": {k: [round(float(v[0]), 2), round(float(v[1]), 2)]
                         for k, v in zip(geom.landmarks, cv.px(np.array(list(geom.landmarks.values()))), strict=True)},
        "look": look,
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
    global IMAGES, SEED, SHEET, TRUTH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED, help="another seed draws a holdout corpus")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for images/, truth.json, contact_sheet.png")
    args = parser.parse_args()
    SEED = args.seed
    IMAGES, TRUTH, SHEET = args.out / "images", args.out / "truth.json", args.out / "contact_sheet.png"
    t0 = time.time()
    IMAGES.mkdir(parents=True, exist_ok=True)
    for old in IMAGES.iterdir():
        if old.suffix in (".png", ".jpg"):
            old.unlink()
    specs = plan()
    entries = []
    for i in range(N):
        img, entry = make_entry(i, specs)
        save(img, entry, IMAGES)
        entries.append(entry)
    TRUTH.write_text(json.dumps(entries, indent=1) + "\n")
    contact_sheet(entries, IMAGES, SHEET)
    size = sum(p.stat().st_size for p in IMAGES.iterdir())
    print(f"{len(entries)} images, {size / 1e6:.1f} MB, {time.time() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
