"""The `flat` engine: a procedural colorway render of the sketch, like a studio flat-lay, with no model.

It is the embedded default: it needs no weights, no GPU and no torch, runs in about a tenth of a second, and
gives a designer something real to review (the sketch's exact silhouette in each colorway, shaded, with the fabric's
texture and the sketch's seams), so the whole sprint -> review -> pattern -> tech pack path runs anywhere.
Each draft is a pure function of (sketch, size, colour, texture, seed): numpy's `default_rng(seed)` makes
every random choice (light direction, folds, grain), and the PNG is encoded without varying chunks, so the same seed
gives the same bytes.

Rendering happens in linear light (shading multiplies reflectance, then sRGB-encodes once), so dark colorways
keep their depth and light ones are not washed out.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from design_ai.config import Settings
from design_ai.generate.base import ControlMap, DraftPlan, DraftRequest, GeneratedDraft, Swatch, plan_drafts
from design_ai.generate.placement import Placement, letterbox, place_image
from design_ai.patterns.silhouette import background_colour, garment_mask

__all__ = ["RENDERER_ID", "TEXTURES", "FlatEngine", "draft_garment_mask", "render_draft"]

RENDERER_ID = "seamline.flat/2"  # 2: garment masks keep sleeves that hang close to the body apart
"""Bump when the renderer's output changes for the same inputs (recorded in each draft's model ids)."""

TEXTURES: tuple[str, ...] = ("jersey", "rib", "fleece", "woven", "twill", "knit")
NEUTRAL = Swatch("Heather", "#B9B7B2")  # when a look names no colorway


def _to_linear(srgb: np.ndarray) -> np.ndarray:
    c = np.asarray(srgb, dtype=np.float32) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4).astype(np.float32)


def _to_srgb8(lin: np.ndarray) -> np.ndarray:
    c = np.clip(lin, 0.0, 1.0)
    s = np.where(c <= 0.0031308, c * 12.92, 1.055 * np.power(c, 1 / 2.4) - 0.055)
    return np.clip(np.round(s * 255.0), 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class _Prepared:
    """What every draft of one sketch at one size shares: computed once per `generate` call."""

    alpha: np.ndarray  # soft garment coverage, 0..1
    mask: np.ndarray  # bool
    inside: np.ndarray  # distance to the outside, px
    seams: np.ndarray  # interior solid lines, 0..1
    stitches: np.ndarray  # interior dashed lines, 0..1
    hem_stitch: np.ndarray  # an added stitch row just inside edges facing down, 0..1
    size: int  # min(width, height)


def _letterbox(sketch: Image.Image, width: int, height: int) -> np.ndarray:
    """The sketch scaled to fit (with a 3 % border for the shadow), centred on its own background colour.

    The geometry is `placement.letterbox`, which the fidelity guard uses to map the sketch the same way."""
    rgb = np.asarray(sketch.convert("RGB"), dtype=np.uint8)
    bg = tuple(int(v) for v in background_colour(rgb))
    return place_image(sketch, letterbox((rgb.shape[1], rgb.shape[0]), width, height), bg)  # type: ignore[arg-type]


def _prepare(sketch: Image.Image, width: int, height: int) -> _Prepared:
    rgb = _letterbox(sketch, width, height)
    size = min(width, height)
    mask = garment_mask(rgb)
    m8 = mask.astype(np.uint8)
    inside = cv2.distanceTransform(m8, cv2.DIST_L2, 5)
    # Soft edge from the sketch's own anti-aliasing: on the one-pixel ring around the mask's edge, coverage is
    # how far a pixel is from the background relative to the edge's full ink (a binary mask would stair-step).
    diff = rgb.astype(np.float32) - background_colour(rgb)
    ink = np.sqrt((diff * diff).sum(axis=2))
    edge = mask & (inside <= 2.0)
    full = max(40.0, float(np.percentile(ink[edge], 90))) if edge.any() else 255.0
    ring = cv2.dilate(m8, np.ones((3, 3), np.uint8)).astype(bool) & (inside <= 1.5)
    alpha = np.where(inside > 1.5, 1.0, np.where(ring, np.clip(ink / full, 0.0, 1.0), 0.0)).astype(np.float32)
    inside = cv2.GaussianBlur(inside, (0, 0), 0.8)  # smooth distance for shading, free of pixel steps

    # Thin dark lines on whatever is under them (black-hat), so filled sketches keep their seams too.
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    k = max(5, round(0.02 * size) | 1)
    lines = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    lines = np.clip(lines.astype(np.float32) / 160.0, 0.0, 1.0)
    # The outline's own stroke is the rim, not a seam: skip the band where the lines start at the edge.
    rim = 1
    for d in range(1, max(2, round(0.03 * size))):
        ring = (inside > d - 0.5) & (inside <= d + 0.5)
        if not ring.any() or float(lines[ring].mean()) < 0.25:
            break
        rim = d + 1
    interior = lines * (inside > rim + 1.0)

    # Dashes (stitching) are short pieces; seams are long. Split them by each piece's extent.
    _, labels, stats, _ = cv2.connectedComponentsWithStats((interior > 0.3).astype(np.uint8), connectivity=8)
    extent = np.hypot(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    is_dash = extent < 0.035 * size
    is_dash[0] = False
    near = cv2.dilate(is_dash[labels].astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    stitches = np.where(near, interior, 0.0).astype(np.float32)
    seams = np.where(near, 0.0, interior).astype(np.float32)

    # One more stitch row just inside the edges that face down (hems), whatever the sketch drew. The distance
    # to the outside grows away from the nearest edge, so its gradient points up just inside a hem.
    smooth = cv2.GaussianBlur(inside, (0, 0), 1.0)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    above_a_hem = -gy > 0.95 * np.hypot(gx, gy) + 1e-3
    inset = max(3.0, 0.011 * size)
    band = np.abs(inside - inset) < max(0.6, 0.0018 * size)
    dash = max(3, round(0.012 * size))
    on = (np.arange(width)[None, :] // dash) % 3 != 2
    hem_stitch = cv2.GaussianBlur((band & on & above_a_hem).astype(np.float32), (0, 0), 0.5)
    return _Prepared(alpha, mask, inside, seams, stitches, hem_stitch, size)


def _smooth_noise(rng: np.random.Generator, height: int, width: int, cell: float) -> np.ndarray:
    """Value noise with features about `cell` px across, scaled to [-1, 1]."""
    gh, gw = max(2, int(height / cell) + 2), max(2, int(width / cell) + 2)
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    field = cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
    field = cv2.GaussianBlur(field, (0, 0), max(0.5, cell / 4))
    return field / max(1e-6, float(np.abs(field).max()))


def _texture(kind: str, rng: np.random.Generator, height: int, width: int, size: int) -> np.ndarray:
    """A multiplicative fabric texture around 1 (a few % either way), drawn in pixels."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    grain = cv2.GaussianBlur(rng.standard_normal((height, width)).astype(np.float32), (0, 0), 0.7)
    p = max(3.0, size / 170)
    if kind == "rib":
        pr = max(5.0, size / 85)
        return 1 + 0.10 * np.cos(2 * np.pi * x / pr) + 0.015 * grain
    if kind == "fleece":
        mottle = 0.6 * _smooth_noise(rng, height, width, 3.0) + 0.4 * _smooth_noise(rng, height, width, 9.0)
        return 1 + 0.06 * mottle + 0.02 * grain
    if kind == "woven":
        slub = cv2.GaussianBlur(rng.standard_normal((height, 1)).astype(np.float32), (0, 0), 1.5)
        weave = np.cos(2 * np.pi * x / p) * np.cos(2 * np.pi * y / p)
        return 1 + 0.05 * weave + 0.03 * slub / max(1e-6, float(np.abs(slub).max())) + 0.015 * grain
    if kind == "twill":
        pt = max(4.0, size / 130)
        return 1 + 0.07 * np.cos(2 * np.pi * (x - y) / (pt * math.sqrt(2))) + 0.015 * grain
    if kind == "knit":
        pk = max(6.0, size / 64)
        chevron = np.cos(2 * np.pi * (y / pk + np.abs((x / pk) % 1.0 - 0.5)))
        return 1 + 0.07 * chevron - 0.04 * (np.cos(2 * np.pi * x / pk) > 0.9) + 0.02 * grain
    # jersey: fine vertical wales, each a column of small V stitches
    wale = np.cos(2 * np.pi * x / p)
    vee = np.cos(2 * np.pi * (y / p + 0.5 * np.abs((x / p) % 1.0 - 0.5)))
    return 1 + 0.035 * wale + 0.02 * vee + 0.015 * grain


def _folds(rng: np.random.Generator, prep: _Prepared, height: int, width: int) -> np.ndarray:
    """Soft volume and a few long, shallow folds, as a multiplicative light factor (linear light)."""
    size = prep.size
    low = _smooth_noise(rng, height, width, 0.2 * size)
    relief = np.zeros((height, width), np.float32)
    ys, xs = np.nonzero(prep.inside > 0.08 * size)
    blur = 0.02 * size
    for _ in range(int(rng.integers(2, 6)) if len(xs) else 0):
        i = int(rng.integers(len(xs)))
        cx, cy = float(xs[i]), float(ys[i])
        # Cloth laid flat folds mostly along or across the body, rarely at odd angles.
        ang = rng.normal(0.0, 0.35) + (math.pi / 2 if rng.random() < 0.4 else 0.0)
        half = rng.uniform(0.08, 0.18) * size
        dx, dy = math.cos(ang) * half, math.sin(ang) * half
        fold = np.zeros((height, width), np.float32)
        cv2.line(fold, (round(cx - dx), round(cy - dy)), (round(cx + dx), round(cy + dy)), 1.0, 2, cv2.LINE_AA)
        fold = cv2.GaussianBlur(fold, (0, 0), blur)
        # A fold is a ridge: lit on the side facing the light, shaded on the other (derivative across it).
        nx, ny = -math.sin(ang), math.cos(ang)
        across = nx * cv2.Sobel(fold, cv2.CV_32F, 1, 0, ksize=3) + ny * cv2.Sobel(fold, cv2.CV_32F, 0, 1, ksize=3)
        relief += rng.uniform(0.5, 1.0) * across / max(1e-6, float(np.abs(across).max()))
    return (1 + 0.09 * low) * (1 + 0.09 * np.clip(relief, -1.5, 1.5))


def render_draft(
    sketch: Image.Image, *, colour: tuple[int, int, int], texture: str, seed: int, width: int, height: int
) -> Image.Image:
    """One flat render of a sketch (what `FlatEngine.generate` makes per draft), for previews and tests."""
    return Image.fromarray(_render(_prepare(sketch, width, height), colour, texture, seed), "RGB")


def draft_garment_mask(sketch: Image.Image, width: int, height: int) -> np.ndarray:
    """Where the garment lies (bool) in a `width` x `height` draft of this sketch, as the renderer placed it."""
    return _prepare(sketch, width, height).mask.copy()


def _render(prep: _Prepared, colour: tuple[int, int, int], texture: str, seed: int) -> np.ndarray:
    """One draft as (H, W, 3) uint8 RGB: the garment in `colour`, shaded, textured, on a studio background."""
    rng = np.random.default_rng(seed)
    height, width = prep.mask.shape
    size = prep.size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = width / 2, height / 2

    # Light from above, its side varying with the seed.
    theta = rng.uniform(math.radians(200), math.radians(340))  # screen angle the light comes from
    lx, ly = math.cos(theta), math.sin(theta)
    toward_light = ((x - cx) * lx + (y - cy) * ly) / (size / 2)

    base = _to_linear(np.array(colour, np.float32))
    light = 1.0 + 0.14 * toward_light
    volume = 1.0 - 0.38 * np.exp(-prep.inside / (0.035 * size))  # rounder towards the edges, like cloth
    rim = 1.0 - 0.45 * np.exp(-prep.inside / max(1.0, 0.003 * size))
    folds = _folds(rng, prep, height, width)
    tex = _texture(texture, rng, height, width, size)
    shade = light * volume * rim * folds * tex
    # Seams: a recessed line with a catch of light just below it; stitching: thread a shade darker.
    seam_hi = np.roll(prep.seams, max(1, round(0.002 * size)), axis=0)
    shade *= (1 - 0.55 * prep.seams) * (1 + 0.18 * seam_hi * (1 - prep.seams))
    shade *= 1 - 0.45 * np.clip(prep.stitches + prep.hem_stitch, 0, 1)
    garment = base[None, None, :] * shade[:, :, None]

    # Studio background: warm light grey, darker for very light colorways so the garment reads.
    lum = float(base @ np.array([0.2126, 0.7152, 0.0722], np.float32))
    paper = _to_linear(np.array([236, 233, 228] if lum < 0.6 else [214, 211, 206], np.float32))
    vignette = 1.0 + 0.06 * toward_light - 0.10 * (((x - cx) / width) ** 2 + ((y - cy) / height) ** 2)
    # Soft drop shadow, thrown away from the light, plus a tight contact shadow.
    off = 0.018 * size
    shift = np.float32([[1, 0, -lx * off], [0, 1, -ly * off]])
    cast = cv2.warpAffine(prep.mask.astype(np.float32), shift, (width, height), flags=cv2.INTER_LINEAR)
    cast = cv2.GaussianBlur(cast, (0, 0), 0.025 * size)
    contact = cv2.GaussianBlur(prep.mask.astype(np.float32), (0, 0), 0.004 * size)
    shadow = 1.0 - 0.30 * cast - 0.25 * contact
    backdrop = paper[None, None, :] * (vignette * shadow)[:, :, None]

    a = prep.alpha[:, :, None]
    return _to_srgb8(garment * a + backdrop * (1 - a))


class FlatEngine:
    """The `flat` engine (see the module docstring): the Engine protocol, no model, deterministic per seed."""

    name = "flat"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def model_ids(self, control_type: str) -> dict[str, str]:
        return {"renderer": RENDERER_ID}

    def placement(self, sketch_size: tuple[int, int], width: int, height: int) -> Placement:
        """Where `generate` puts a sketch of this size on a `width` x `height` draft (letterboxed)."""
        return letterbox(sketch_size, width, height)

    def generate(self, look: DraftRequest, control: ControlMap, n: int, seed: int) -> list[GeneratedDraft]:
        """`n` colorway renders of the look's sketch (the control map is not needed: the sketch has more)."""
        width, height = look.params.width, look.params.height
        if width < 16 or height < 16:
            raise ValueError(f"draft size must be at least 16x16, got {width}x{height}")
        texture = look.texture if look.texture in TEXTURES else "jersey"
        note = None if texture == look.texture else f"texture {look.texture!r} is not known: rendered as jersey"
        start = time.perf_counter()
        prep = _prepare(look.sketch, width, height)
        setup = time.perf_counter() - start
        drafts = []
        for plan in plan_drafts(look, n, seed):
            t0 = time.perf_counter()
            swatch = plan.colorway or NEUTRAL
            pixels = _render(prep, swatch.rgb, texture, plan.seed)
            drafts.append(self._draft(pixels, plan, swatch, texture, note, setup / n + time.perf_counter() - t0))
        return drafts

    def _draft(
        self,
        pixels: np.ndarray,
        plan: DraftPlan,
        swatch: Swatch,
        texture: str,
        note: str | None,
        seconds: float,
    ) -> GeneratedDraft:
        height, width = pixels.shape[:2]
        return GeneratedDraft(
            image=Image.fromarray(pixels, "RGB"),
            plan=plan,
            engine=self.name,
            model_ids={"renderer": RENDERER_ID},
            params={"width": width, "height": height, "texture": texture, "colorway": swatch.hex},
            seconds=round(seconds, 4),
            note=note,
        )
