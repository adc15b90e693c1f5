"""Markers: nesting polygons on a strip of fabric, for benchmark instances and for a pattern's size ratio.

Instances use the open nesting-benchmark JSON format of jagua-rs / sparrow and OR-Datasets (e.g. ESICUP
"shirts"): `{"Name", "Items": [{"Demand", "AllowedOrientations", "Shape": {"Type": "SimplePolygon", "Data":
[[x, y], ...]}}], "Strip": {"Height"}}`. The strip has a fixed height (for fabric: the usable width) along y and
grows along x (the marker length, along the roll). `AllowedOrientations` lists angles in degrees; when it is
absent any rotation is allowed (as in jagua-rs). Besides `SimplePolygon`, the shapes `Rectangle` ({"Width",
"Height"}) and `Polygon` ({"Outer", "Inner"}; only the outer boundary is nested, so nothing goes into a hole) are
read; other shapes are refused with a UserError.

A placement turns the item's polygon, as given in the instance, about the origin by `rotation` degrees
(counter-clockwise) and then moves it by (x, y): the same convention as sparrow's solutions.

Nesting engines: `spyrrow` (the Python binding of the sparrow heuristic, jagua-rs collision detection), run with
at most `threads` worker threads and a time limit; its placements are checked (inside the strip, no overlaps,
allowed rotations only) before they are returned. Without spyrrow (or with `engine="blf"`) a bottom-left fill on a
conservative raster runs instead: each polygon is rasterised to every grid cell it touches, so pieces whose cell
sets are disjoint cannot overlap, and each piece goes to the left-most, then lowest, free position (found for all
positions at once by FFT correlation), trying each allowed rotation.

For a pattern (`marker_for_pattern`) every piece of every size in the ratio is nested `cut x ratio` times, turned
so that its grain line (+y in the pattern) runs along the marker's length (x), with 0° and 180° allowed only, so
the grain is kept. A piece cut on the fold is nested unfolded: its half is mirrored about the fold (x = 0) and
joined into the whole piece, as a single-ply marker needs (a folded lay would halve the marker width instead).
A piece cut twice is a mirrored pair: one as drafted and one mirror image (one item if the piece is symmetric).
"""

from __future__ import annotations

import colorsys
import json
import logging
import math
import os
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PIL import Image, ImageDraw, ImageFont
from shapely import affinity
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from design_ai.errors import UserError, quoted
from design_ai.limits import (
    MAX_INSTANCE_BYTES,
    MAX_MARKER_COPIES,
    MAX_MARKER_EXTENT,
    MAX_MARKER_GARMENTS,
    MAX_MARKER_ITEMS,
    MAX_POLYGON_POINTS,
    MAX_RATIO_COUNT,
    read_bounded,
)
from design_ai.patterns.model import PatternSet, Piece

__all__ = [
    "Consumption",
    "Instance",
    "Item",
    "MarkerResult",
    "Placement",
    "check_placements",
    "marker_for_pattern",
    "marker_png",
    "nest",
    "parse_instance",
    "pattern_instance",
    "read_instance",
]

log = logging.getLogger(__name__)

Point = tuple[float, float]
ANY_ROTATION_STEPS = (0.0, 90.0, 180.0, 270.0)  # what the raster fallback tries when any rotation is allowed
OVERLAP_TOL = 1e-3  # tolerated overlap area between two placed pieces, as a fraction of the smaller one
BOUNDS_TOL = 1e-3  # tolerated poke outside the strip, as a fraction of the strip height


@dataclass(frozen=True)
class Item:
    """One kind of piece: its polygon (as in the instance), how many to place and the rotations allowed."""

    name: str
    demand: int
    polygon: tuple[Point, ...]
    orientations: tuple[float, ...] | None  # degrees; None = any rotation

    @property
    def area(self) -> float:
        return float(Polygon(self.polygon).area)


@dataclass(frozen=True)
class Instance:
    """A strip-packing instance: items and, optionally, the strip height (the fabric width)."""

    name: str
    items: tuple[Item, ...]
    strip_height: float | None = None
    units: str = ""  # e.g. "cm" for pattern markers; benchmark files do not say

    def as_json(self) -> dict[str, Any]:
        """The instance in the benchmark JSON format."""
        items = []
        for it in self.items:
            entry: dict[str, Any] = {
                "Demand": it.demand,
                "Shape": {"Type": "SimplePolygon", "Data": [[x, y] for x, y in it.polygon]},
            }
            if it.orientations is not None:
                entry["AllowedOrientations"] = list(it.orientations)
            items.append(entry)
        out: dict[str, Any] = {"Name": self.name, "Items": items}
        if self.strip_height is not None:
            out["Strip"] = {"Height": self.strip_height}
        return out


@dataclass(frozen=True)
class Placement:
    """Where one copy of item `item` (an index into the instance's items) goes: rotate, then translate."""

    item: int
    x: float
    y: float
    rotation: float  # degrees, counter-clockwise, in [0, 360)

    def polygon(self, instance: Instance) -> Polygon:
        """The placed polygon."""
        poly = Polygon(instance.items[self.item].polygon)
        poly = affinity.rotate(poly, self.rotation, origin=(0.0, 0.0))
        return affinity.translate(poly, self.x, self.y)


@dataclass(frozen=True)
class Consumption:
    """Fabric use of a pattern marker."""

    garments: int  # garments in the marker (the sum of the size ratio)
    fabric_width_m: float
    marker_length_m: float
    marker_area_m2: float
    pieces_area_m2: float
    efficiency: float  # pieces' area / marker area, in (0, 1]
    fabric_per_garment_m: float  # marker length / garments, at this fabric width
    fabric_per_garment_m2: float  # marker area / garments

    def as_json(self) -> dict[str, float | int]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class MarkerResult:
    """A nested marker: strip length used, strip width, efficiency and the placements."""

    length: float
    width: float
    efficiency: float  # items' area / (length x width)
    placements: list[Placement]
    engine: str = ""
    consumption: Consumption | None = None
    instance: Instance | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict[str, Any]:
        """`{"length", "width", "efficiency", "placements": [{"item", "x", "y", "rotation"}]}` (DESIGN.md),
        plus `consumption` for a pattern's marker."""
        out: dict[str, Any] = {
            "length": round(self.length, 4),
            "width": self.width,
            "efficiency": round(self.efficiency, 6),
            "placements": [
                {"item": p.item, "x": round(p.x, 4), "y": round(p.y, 4), "rotation": p.rotation}
                for p in self.placements
            ],
        }
        if self.consumption is not None:
            out["consumption"] = self.consumption.as_json()
        return out


# ---------------------------------------------------------------------------------------------------------------
# reading instances


def _points(data: Any, where: str) -> tuple[Point, ...]:
    if not isinstance(data, list) or len(data) < 3:
        raise UserError("a polygon needs a list of at least 3 [x, y] points", where=where)
    if len(data) > MAX_POLYGON_POINTS:
        raise UserError(f"a polygon of {len(data)} points, over the {MAX_POLYGON_POINTS} limit", where=where)
    pts = []
    for k, p in enumerate(data):
        if (
            not isinstance(p, list | tuple)
            or len(p) != 2
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and abs(v) <= MAX_MARKER_EXTENT for v in p
            )
        ):
            raise UserError(
                f"point {k} is not a pair of numbers within ±{MAX_MARKER_EXTENT:g}: {quoted(p)}", where=where
            )
        pts.append((float(p[0]), float(p[1])))
    if pts[0] == pts[-1]:
        pts.pop()
    poly = Polygon(pts)
    if len(pts) < 3 or not poly.is_valid or poly.area <= 0:
        raise UserError("the polygon is not simple (it crosses itself or has no area)", where=where)
    return tuple(pts)


def _shape(shape: Any, where: str) -> tuple[Point, ...]:
    if not isinstance(shape, dict) or "Type" not in shape or "Data" not in shape:
        raise UserError('"Shape" must be {"Type": ..., "Data": ...}', where=where)
    kind, data = shape["Type"], shape["Data"]
    if kind == "SimplePolygon":
        return _points(data, where)
    if kind == "Polygon":
        if not isinstance(data, dict) or "Outer" not in data:
            raise UserError('a "Polygon" shape needs {"Outer": [...], "Inner": [...]}', where=where)
        return _points(data["Outer"], where)
    if kind == "Rectangle":
        try:
            w, h = float(data["Width"]), float(data["Height"])
        except (TypeError, KeyError, ValueError):
            raise UserError('a "Rectangle" shape needs {"Width": w, "Height": h}', where=where) from None
        if not (0 < w <= MAX_MARKER_EXTENT and 0 < h <= MAX_MARKER_EXTENT):
            raise UserError(f"a rectangle needs a width and height in (0, {MAX_MARKER_EXTENT:g}]", where=where)
        return ((0.0, 0.0), (w, 0.0), (w, h), (0.0, h))
    raise UserError(f"shape type {quoted(kind, 40)} is not supported (SimplePolygon, Polygon, Rectangle)", where=where)


def parse_instance(data: Any, source: str = "instance") -> Instance:
    """An Instance from the benchmark JSON structure; UserError naming the file and the field that is wrong."""
    if not isinstance(data, dict):
        raise UserError("the instance must be a JSON object", where=source)
    items_data = data.get("Items")
    if not isinstance(items_data, list) or not items_data:
        raise UserError('"Items" must be a non-empty list', where=source)
    if len(items_data) > MAX_MARKER_ITEMS:
        raise UserError(f'"Items" has {len(items_data)} items, over the {MAX_MARKER_ITEMS} limit', where=source)
    items = []
    copies = 0
    for i, it in enumerate(items_data):
        where = f"{source}: Items[{i}]"
        if not isinstance(it, dict):
            raise UserError("an item must be an object", where=where)
        demand = it.get("Demand")
        if not isinstance(demand, int) or isinstance(demand, bool) or not 1 <= demand <= MAX_MARKER_COPIES:
            raise UserError(
                f'"Demand" must be a whole number 1-{MAX_MARKER_COPIES}, got {quoted(demand)}', where=where
            )
        copies += demand
        if copies > MAX_MARKER_COPIES:  # checked as it grows: the nesting library would allocate them all
            raise UserError(f"more than {MAX_MARKER_COPIES} pieces to place in all", where=where)
        if "Shape" not in it:
            raise UserError('"Shape" is missing', where=where)
        polygon = _shape(it["Shape"], where)
        rot = it.get("AllowedOrientations")
        orientations: tuple[float, ...] | None = None
        if rot is not None:
            if not isinstance(rot, list) or not all(
                isinstance(a, int | float) and not isinstance(a, bool) and math.isfinite(a) for a in rot
            ):
                raise UserError('"AllowedOrientations" must be a list of angles in degrees', where=where)
            orientations = tuple(float(a) % 360.0 for a in rot) or (0.0,)
        items.append(Item(str(it.get("Name", f"item {i}")), demand, polygon, orientations))
    strip = data.get("Strip")
    height = None
    if strip is not None:
        h = strip.get("Height") if isinstance(strip, dict) else None
        if not isinstance(h, int | float) or isinstance(h, bool) or not 0 < h <= MAX_MARKER_EXTENT:
            raise UserError(
                f'"Strip" must be {{"Height": a number in (0, {MAX_MARKER_EXTENT:g}]}}, got {quoted(strip)}',
                where=source,
            )
        height = float(h)
    return Instance(str(data.get("Name", "")), tuple(items), height)


def read_instance(path: str | os.PathLike[str]) -> Instance:
    """Read a nesting-benchmark instance file; UserError for a missing, non-JSON or malformed file."""
    try:
        data = json.loads(read_bounded(Path(path), where=str(path), max_bytes=MAX_INSTANCE_BYTES))
    except FileNotFoundError:
        raise UserError("no such file", where=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"not a JSON file ({exc})", where=str(path)) from None
    except (ValueError, RecursionError):  # an integer past 4300 digits, or nesting past the parser's stack
        raise UserError("a huge number or too deep nesting in the JSON", where=str(path)) from None
    return parse_instance(data, str(path))


# ---------------------------------------------------------------------------------------------------------------
# nesting


def _rotations(item: Item) -> tuple[float, ...]:
    return item.orientations if item.orientations is not None else ANY_ROTATION_STEPS


def _min_height(item: Item) -> float:
    """The least extent across the strip (y) over the item's allowed rotations (1° steps if any is allowed)."""
    poly = Polygon(item.polygon)
    angles = item.orientations if item.orientations is not None else tuple(range(0, 180))
    best = math.inf
    for a in angles:
        _, y0, _, y1 = affinity.rotate(poly, a, origin=(0.0, 0.0)).bounds
        best = min(best, y1 - y0)
    return best


def check_placements(instance: Instance, width: float, placements: list[Placement]) -> list[str]:
    """What is wrong with a marker (empty if nothing): demand not met, a piece outside the strip or turned to a
    rotation its item does not allow, two pieces overlapping (beyond float noise)."""
    problems: list[str] = []
    counts = [0] * len(instance.items)
    polys = []
    for p in placements:
        counts[p.item] += 1
        item = instance.items[p.item]
        if item.orientations is not None and not any(
            abs((p.rotation - a + 180) % 360 - 180) < 1e-3 for a in item.orientations
        ):
            problems.append(f"{item.name} placed at {p.rotation}°, not in {item.orientations}")
        poly = p.polygon(instance)
        _, y0, _, y1 = poly.bounds
        if y0 < -BOUNDS_TOL * width or y1 > width * (1 + BOUNDS_TOL) or poly.bounds[0] < -BOUNDS_TOL * width:
            problems.append(f"{item.name} lies outside the strip: {poly.bounds}")
        polys.append(poly)
    for i, (c, it) in enumerate(zip(counts, instance.items, strict=True)):
        if c != it.demand:
            problems.append(f"item {i} ({it.name}) placed {c} times, demand {it.demand}")
    tree = shapely.STRtree(polys)
    for a, b in zip(*tree.query(polys, predicate="intersects"), strict=True):
        if a < b:
            overlap = polys[a].intersection(polys[b]).area
            if overlap > OVERLAP_TOL * min(polys[a].area, polys[b].area):
                problems.append(f"placements {a} and {b} overlap by {overlap:.4g}")
    return problems


def _result(instance: Instance, width: float, placements: list[Placement], engine: str) -> MarkerResult:
    polys = [p.polygon(instance) for p in placements]
    length = max(g.bounds[2] for g in polys) if polys else 0.0
    area = sum(g.area for g in polys)
    eff = area / (length * width) if length > 0 else 0.0
    return MarkerResult(length=length, width=width, efficiency=min(eff, 1.0), placements=placements, engine=engine)


def nest(
    instance: Instance,
    width: float | None = None,
    *,
    seconds: float = 10.0,
    seed: int = 0,
    threads: int = 2,
    engine: str = "auto",
) -> MarkerResult:
    """Nest every item of `instance` on a strip `width` high (default: the instance's strip height).

    `engine`: "auto" (spyrrow if it imports, else the raster bottom-left fill), "spyrrow" or "blf". `seconds`
    is spyrrow's time limit (whole seconds, at least 1); `threads` caps its worker threads. Raises UserError when
    no width is known or a piece is wider than the strip in every allowed rotation.
    """
    width = width if width is not None else instance.strip_height
    if width is None or not width > 0:
        raise UserError('no strip width: give --width or a "Strip": {"Height": ...} in the instance')
    if not width <= MAX_MARKER_EXTENT:
        raise UserError(f"the strip width {width:g} is over the {MAX_MARKER_EXTENT:g} limit")
    if sum(it.demand for it in instance.items) > MAX_MARKER_COPIES:
        raise UserError(f"more than {MAX_MARKER_COPIES} pieces to place in one marker")
    unit = f" {instance.units}" if instance.units else ""
    for item in instance.items:
        need = _min_height(item)
        if need > width + 1e-9:
            raise UserError(
                f"piece {item.name} is {need:.1f}{unit} wide, wider than the {width:g}{unit} fabric"
                if instance.units
                else f"{item.name} needs {need:g} across the strip, more than its height {width:g}"
            )
    if engine not in ("auto", "spyrrow", "blf"):
        raise ValueError(f"engine must be auto, spyrrow or blf, got {engine!r}")
    if engine in ("auto", "spyrrow"):
        try:
            import spyrrow  # noqa: F401
        except ImportError:
            if engine == "spyrrow":
                raise
            log.warning("spyrrow is not installed: nesting with the raster bottom-left fill")
        else:
            try:
                placements = _nest_spyrrow(instance, width, seconds=seconds, seed=seed, threads=threads)
            except Exception as exc:  # a solver failure: "auto" falls back, "spyrrow" says so
                if engine == "spyrrow":
                    raise
                log.warning("spyrrow failed (%s): using the bottom-left fill", exc)
            else:
                problems = check_placements(instance, width, placements)
                if not problems:
                    return _result(instance, width, placements, "spyrrow")
                log.warning(
                    "spyrrow's marker failed the checks (%s): using the bottom-left fill", "; ".join(problems[:3])
                )
    return _result(instance, width, _nest_blf(instance, width), "blf")


def _nest_spyrrow(instance: Instance, width: float, *, seconds: float, seed: int, threads: int) -> list[Placement]:
    import spyrrow

    items = [
        spyrrow.Item(str(i), list(it.polygon), it.demand, None if it.orientations is None else list(it.orientations))
        for i, it in enumerate(instance.items)
    ]
    problem = spyrrow.StripPackingInstance(instance.name or "instance", float(width), items)
    config = spyrrow.StripPackingConfig(
        early_termination=True,
        total_computation_time=max(1, round(seconds)),
        num_workers=max(1, threads),
        seed=seed,
    )
    solution = problem.solve(config)
    out = []
    for placed in solution.placed_items:
        rotation = float(placed.rotation) % 360.0
        item = instance.items[int(placed.id)]
        if item.orientations is not None:  # sparrow reports -180 for 180: snap to the allowed angle it means
            rotation = min(item.orientations, key=lambda a: abs((rotation - a + 180) % 360 - 180))
        out.append(Placement(int(placed.id), float(placed.translation[0]), float(placed.translation[1]), rotation))
    return out


def _raster(poly: Polygon, cell: float) -> np.ndarray:
    """Conservative raster of a polygon whose bounding box starts at (0, 0): True for every cell it touches
    (rows along y, columns along x)."""
    _, _, maxx, maxy = poly.bounds
    cols, rows = max(1, math.ceil(maxx / cell - 1e-9)), max(1, math.ceil(maxy / cell - 1e-9))
    xs, ys = np.meshgrid(np.arange(cols) * cell, np.arange(rows) * cell)
    cells = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + cell, ys.ravel() + cell)
    shapely.prepare(poly)
    return shapely.intersects(poly, cells).reshape(rows, cols)


def _nest_blf(instance: Instance, width: float, *, cells_across: int = 200) -> list[Placement]:
    """Bottom-left fill on a conservative raster (see the module docstring); cell = width / cells_across."""
    cell = width / cells_across
    rows = cells_across
    # the copies, largest first
    order = sorted(
        ((i, k) for i, it in enumerate(instance.items) for k in range(it.demand)),
        key=lambda t: -instance.items[t[0]].area,
    )
    shapes: dict[tuple[int, float], tuple[np.ndarray, float, float]] = {}
    for i, it in enumerate(instance.items):
        for a in _rotations(it):
            turned = affinity.rotate(Polygon(it.polygon), a, origin=(0.0, 0.0))
            x0, y0, _, _ = turned.bounds
            mask = _raster(affinity.translate(turned, -x0, -y0), cell)
            if mask.shape[0] <= rows:
                shapes[(i, a)] = (mask, x0, y0)
    occ = np.zeros((rows, 0), dtype=bool)
    used = 0  # columns in use
    placements = []
    for i, _ in order:
        best: tuple[int, int, float] | None = None
        for a in _rotations(instance.items[i]):
            if (i, a) not in shapes:
                continue
            mask = shapes[(i, a)][0]
            h, w = mask.shape
            region = used + w  # positions up to column `used` can always be had
            if occ.shape[1] < region + w:
                occ = np.hstack([occ, np.zeros((rows, region + w - occ.shape[1] + 64), dtype=bool)])
            free = _free_positions(occ[:, :region], mask)
            cand = np.argwhere(free)  # (row, col), row-major
            if len(cand) == 0:
                continue
            j = np.lexsort((cand[:, 0], cand[:, 1]))[0]  # left-most, then lowest
            r, c = int(cand[j, 0]), int(cand[j, 1])
            if best is None or (c, r) < (best[1], best[0]):
                best = (r, c, a)
        if best is None:
            raise UserError(f"{instance.items[i].name} does not fit across the strip at this grid")
        r, c, a = best
        mask, x0, y0 = shapes[(i, a)]
        h, w = mask.shape
        occ[r : r + h, c : c + w] |= mask
        used = max(used, c + w)
        placements.append(Placement(i, c * cell - x0, r * cell - y0, a % 360.0))
    return placements


def _free_positions(occ: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """For every (row, col) where the mask's corner could go inside `occ`, whether it overlaps nothing: the
    correlation of occupancy with the mask, by FFT, is zero there."""
    rows, cols = occ.shape
    h, w = mask.shape
    if h > rows or w > cols:
        return np.zeros((0, 0), dtype=bool)
    shape = (rows + h, cols + w)
    f_occ = np.fft.rfft2(occ.astype(np.float32), shape)
    f_mask = np.fft.rfft2(mask[::-1, ::-1].astype(np.float32), shape)
    conv = np.fft.irfft2(f_occ * f_mask, shape)
    # conv[i + h - 1, j + w - 1] = sum over the mask of occ[i + a, j + b]
    hits = conv[h - 1 : rows, w - 1 : cols]
    return hits < 0.5


# ---------------------------------------------------------------------------------------------------------------
# pattern markers


def _unfolded(piece: Piece) -> Polygon:
    """The whole piece: the cutting line, mirrored about the fold (x = 0) and joined if cut on the fold."""
    half = Polygon(piece.cut_cm)
    if not piece.on_fold:
        return half
    whole = shapely.union(half, affinity.scale(half, -1.0, 1.0, origin=(0.0, 0.0)))
    if whole.geom_type != "Polygon":
        whole = max(whole.geoms, key=lambda g: g.area)
    return Polygon(whole.exterior).simplify(1e-6)


def _grain_along_x(poly: Polygon) -> tuple[Point, ...]:
    """Turn -90° so the pattern's +y (grain) runs along +x, the marker's length; counter-clockwise points."""
    turned = orient(affinity.rotate(poly, -90.0, origin=(0.0, 0.0)), 1.0)
    return tuple((float(x), float(y)) for x, y in turned.exterior.coords[:-1])


def pattern_instance(
    pattern: PatternSet,
    size_ratio: dict[str, int],
    width_cm: float | None = None,
    *,
    categories: Collection[str] | None = None,
) -> Instance:
    """The marker instance of a size ratio (size -> garments): every piece `cut x ratio` times, in cm, grain
    along x, rotations 0° and 180° only (see the module docstring for folds and pairs). `categories` keeps only
    pieces of those categories (e.g. {"SELF"} leaves the rib bands to their own marker); default: all pieces."""
    counts = size_ratio.values() if size_ratio else ()
    if not size_ratio or any(not isinstance(n, int) or not 0 <= n <= MAX_RATIO_COUNT for n in counts):
        raise UserError(f"the size ratio must map sizes to whole numbers 0-{MAX_RATIO_COUNT}, got {quoted(size_ratio)}")
    if sum(size_ratio.values()) == 0:
        raise UserError("the size ratio has no garments in it")
    if sum(size_ratio.values()) > MAX_MARKER_GARMENTS:
        raise UserError(f"the size ratio lays more than {MAX_MARKER_GARMENTS} garments in one marker")
    items: list[Item] = []
    for size, count in size_ratio.items():
        if count == 0:
            continue
        if size not in pattern.pieces:
            has = ", ".join(pattern.sizes)
            raise UserError(f"size {quoted(size, 20)} of the ratio is not in the pattern (it has {has})")
        for piece in pattern.pieces[size]:
            if categories is not None and piece.annotations.get("category", "SELF") not in categories:
                continue
            whole = _unfolded(piece)
            label = f"{piece.name.upper()} {size}"
            if piece.cut == 1 or piece.on_fold:
                items.append(Item(label, piece.cut * count, _grain_along_x(whole), (0.0, 180.0)))
                continue
            mirror = affinity.scale(whole, -1.0, 1.0, origin=(0.0, 0.0))
            n_mirror = piece.cut // 2
            n_plain = piece.cut - n_mirror
            a, b = _grain_along_x(whole), _grain_along_x(mirror)
            if _same_shape(whole, mirror):
                items.append(Item(label, piece.cut * count, a, (0.0, 180.0)))
            else:
                items.append(Item(label, n_plain * count, a, (0.0, 180.0)))
                items.append(Item(f"{label} (mirrored)", n_mirror * count, b, (0.0, 180.0)))
    if not items:
        raise UserError(f"no pieces of the categories {sorted(categories or [])} in the pattern")
    ratio = " ".join(f"{s}{n}" for s, n in size_ratio.items() if n)
    return Instance(f"{pattern.garment} {ratio}", tuple(items), width_cm, units="cm")


def _same_shape(a: Polygon, b: Polygon, tol: float = 1e-6) -> bool:
    """Whether two polygons are the same shape in place once both are moved to start at (0, 0)."""
    ax, ay, _, _ = a.bounds
    bx, by, _, _ = b.bounds
    a0 = affinity.translate(a, -ax, -ay)
    b0 = affinity.translate(b, -bx, -by)
    return a0.symmetric_difference(b0).area <= tol * a.area


def marker_for_pattern(
    pattern: PatternSet,
    size_ratio: dict[str, int],
    width_cm: float,
    seconds: float = 10.0,
    *,
    seed: int = 0,
    threads: int = 2,
    engine: str = "auto",
    categories: Collection[str] | None = None,
) -> MarkerResult:
    """Nest a size ratio of `pattern` on fabric `width_cm` wide; the result carries its instance and the
    consumption: marker length (m), fabric per garment (m at this width, and m²) and efficiency."""
    if not width_cm > 0:
        raise UserError(f"the fabric width must be positive, got {width_cm} cm")
    instance = pattern_instance(pattern, size_ratio, width_cm, categories=categories)
    result = nest(instance, width_cm, seconds=seconds, seed=seed, threads=threads, engine=engine)
    garments = sum(size_ratio.values())
    pieces_area = sum(it.area * it.demand for it in instance.items) / 1e4
    marker_area = result.length * width_cm / 1e4
    consumption = Consumption(
        garments=garments,
        fabric_width_m=width_cm / 100,
        marker_length_m=result.length / 100,
        marker_area_m2=marker_area,
        pieces_area_m2=pieces_area,
        efficiency=pieces_area / marker_area,
        fabric_per_garment_m=result.length / 100 / garments,
        fabric_per_garment_m2=marker_area / garments,
    )
    return replace(result, consumption=consumption, instance=instance)


# ---------------------------------------------------------------------------------------------------------------
# picture


def _colour(name: str) -> tuple[int, int, int]:
    """A stable pastel colour per piece kind (the name without size or mirror note)."""
    key = name.split(" ")[0]
    h = sum((i + 1) * ord(c) for i, c in enumerate(key)) % 360
    r, g, b = colorsys.hls_to_rgb(h / 360, 0.78, 0.55)
    return int(r * 255), int(g * 255), int(b * 255)


def marker_png(
    result: MarkerResult, instance: Instance | None, path: str | os.PathLike[str], *, max_px: int = 3000
) -> None:
    """Draw the marker: the strip (length x width), every placed piece filled by kind and outlined, labels
    where they fit, and a title with length and efficiency. Scaled so the long side is at most `max_px`."""
    instance = instance or result.instance
    if instance is None:
        raise ValueError("marker_png needs the instance the marker was nested from")
    scale = max_px / max(result.length, result.width, 1e-9)
    pad, title = 20, 40
    w_px, h_px = int(result.length * scale) + 2 * pad, int(result.width * scale) + 2 * pad + title
    img = Image.new("RGB", (w_px, h_px), "white")
    draw = ImageDraw.Draw(img)

    def px(x: float, y: float) -> tuple[float, float]:
        return pad + x * scale, pad + title + (result.width - y) * scale

    draw.rectangle([px(0, result.width), px(result.length, 0)], outline=(90, 90, 90), width=2)
    try:
        font = ImageFont.load_default(size=14)
    except TypeError:  # Pillow < 10.1
        font = ImageFont.load_default()
    unit = f" {instance.units}" if instance.units else ""
    draw.text(
        (pad, 8),
        f"{instance.name}: length {result.length:.1f}{unit}, width {result.width:g}{unit}, "
        f"efficiency {100 * result.efficiency:.1f} % ({result.engine})",
        fill="black",
        font=font,
    )
    for p in result.placements:
        poly = p.polygon(instance)
        name = instance.items[p.item].name
        pts = [px(x, y) for x, y in poly.exterior.coords]
        draw.polygon(pts, fill=_colour(name), outline=(30, 30, 30))
        c = poly.representative_point()
        label = name if len(name) * 7 < (poly.bounds[2] - poly.bounds[0]) * scale else name.split(" ")[0][:3]
        try:
            draw.text(px(c.x, c.y), label, fill="black", font=font, anchor="mm")
        except ValueError:  # Pillow's bitmap fallback font takes no anchor
            draw.text(px(c.x, c.y), label, fill="black", font=font)
    img.save(path)
