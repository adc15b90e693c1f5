"""`seamline pattern extract` and `seamline marker nest`: pattern making and nesting from a terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer

from design_ai import garments
from design_ai.errors import UserError, quoted
from design_ai.limits import (
    MAX_MARKER_EXTENT,
    MAX_MARKER_GARMENTS,
    MAX_MARKER_SECONDS,
    MAX_RATIO_COUNT,
    MAX_SIZES,
    SIZE_LABEL,
)

pattern_app = typer.Typer(help="Pattern pieces from an approved design: measure, draft, grade, export.",
                          no_args_is_help=True)  # fmt: skip
marker_app = typer.Typer(help="Nesting pattern pieces on a strip of fabric.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


_COUNT = re.compile(r"^[0-9]{1,9}$")


def _parse_sizes(text: str) -> list[str]:
    """The size range, checked before the image is read: a label is short and plain, the range bounded."""
    sizes = [s.strip() for s in text.split(",") if s.strip()]
    if not sizes or len(sizes) > MAX_SIZES:
        raise UserError(f"give 1-{MAX_SIZES} comma-separated sizes", where="--sizes")
    for size in sizes:
        if not SIZE_LABEL.match(size):
            raise UserError(f"not a size label: {quoted(size, 20)}", where="--sizes")
    return sizes


def _parse_ratio(text: str | None) -> dict[str, int] | None:
    """SIZE=COUNT pairs, bounded here so that a huge count is refused before any work, not in the nester."""
    if not text:
        return None
    ratio: dict[str, int] = {}
    for part in text.split(",")[: MAX_SIZES + 1]:
        size, sep, count = part.strip().partition("=")
        if not sep or not SIZE_LABEL.match(size.strip()) or not _COUNT.match(count.strip()):
            raise UserError(f"expected SIZE=COUNT pairs like XS=1,S=2, got {quoted(part.strip())}", where="--ratio")
        if int(count) > MAX_RATIO_COUNT:
            raise UserError(f"{size.strip()}={int(count)}: at most {MAX_RATIO_COUNT} of a size", where="--ratio")
        ratio[size.strip()] = int(count)
    if len(ratio) > MAX_SIZES:
        raise UserError(f"more than {MAX_SIZES} sizes", where="--ratio")
    if sum(ratio.values()) > MAX_MARKER_GARMENTS:
        raise UserError(f"more than {MAX_MARKER_GARMENTS} garments in one marker", where="--ratio")
    return ratio


def _check_seconds(seconds: float | None) -> None:
    if seconds is not None and not 0 < seconds <= MAX_MARKER_SECONDS:
        raise UserError(f"must be in (0, {MAX_MARKER_SECONDS:g}], got {seconds:g}", where="--seconds")


@pattern_app.command("extract")
def pattern_extract(
    image: Annotated[Path, typer.Argument(help="An approved draft, a line flat or a filled colorway flat.")],
    garment: Annotated[str, typer.Option(help=f"A garment of the library: {' | '.join(garments.names())}.")],
    out: Annotated[Path, typer.Option(help="Folder for pattern.json, pattern.dxf, pattern.svg and pictures.")],
    px_per_cm: Annotated[float | None, typer.Option(help="The image's scale in pixels per cm.")] = None,
    body_length: Annotated[float | None, typer.Option(help="Or one known measurement: HPS to hem, cm.")] = None,
    base_size: Annotated[str, typer.Option(help="The size the image shows.")] = "M",
    sizes: Annotated[str, typer.Option(help="Size range to grade, comma-separated.")] = "XS,S,M,L,XL,XXL",
    ratio: Annotated[
        str | None, typer.Option(help="Size ratio for a marker, e.g. XS=1,S=2,M=3,L=3,XL=2,XXL=1.")
    ] = None,
    fabric_width: Annotated[float | None, typer.Option(help="Marker width in cm (default 150).")] = None,
    seconds: Annotated[float | None, typer.Option(help="Nesting time for the marker.")] = None,
    sleeve: Annotated[
        str | None,
        typer.Option(help="set-in | raglan: the design's sleeve, when the picture shows no seam (a draft)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Measure the garment, draft pieces with seam allowance, grade them and write DXF/SVG/JSON (and a marker)."""
    from design_ai.config import get_settings
    from design_ai.images import load_image
    from design_ai.patterns.extract import extract_pattern, write_bundle

    settings = get_settings()
    if garment not in garments.names():
        raise UserError(garments.unknown_garment(garment), where="--garment")
    if sleeve is not None and sleeve not in ("set-in", "raglan"):
        raise UserError(f"expected set-in or raglan, got {sleeve[:20]!r}", where="--sleeve")
    if (px_per_cm is None) == (body_length is None):
        raise UserError("give exactly one of --px-per-cm or --body-length", where="scale")
    size_list = _parse_sizes(sizes)
    if base_size not in size_list:
        raise UserError(f"base size {quoted(base_size, 20)} is not in the size range {size_list}", where="--base-size")
    size_ratio = _parse_ratio(ratio)
    _check_seconds(seconds)
    img = load_image(image, where="IMAGE", max_pixels=settings.max_image_pixels)
    bundle = extract_pattern(
        img, garment, settings=settings, px_per_cm=px_per_cm, body_length_cm=body_length, base_size=base_size,
        sizes=size_list, size_ratio=size_ratio, fabric_width_cm=fabric_width, marker_seconds=seconds,
        features={"sleeve": sleeve} if sleeve else None,
    )  # fmt: skip
    files = write_bundle(bundle, out)
    result = {
        "garment": bundle.pattern.garment,
        "features": dict(bundle.measure.features),
        "assumed": dict(bundle.measure.assumed),
        "measurements_cm": {k: round(v, 2) for k, v in bundle.measure.measurements_cm.items()},
        "pieces": [
            {"name": p.name, "cut": p.cut, "area_cm2": round(p.area_cm2, 1)}
            for p in bundle.pattern.pieces[bundle.pattern.base_size]
        ],
        "files": {k: str(v) for k, v in files.items()},
    }
    if bundle.marker is not None and bundle.marker.consumption is not None:
        result["marker"] = bundle.marker.consumption.as_json()
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"{bundle.pattern.garment}, base size {bundle.pattern.base_size}, graded {', '.join(size_list)}")
    for name, value in result["measurements_cm"].items():
        why = bundle.measure.assumed.get(name)
        typer.echo(f"  {name:<16} {value:7.1f} cm" + (f"  (assumed: {why})" if why else ""))
    for p in result["pieces"]:
        typer.echo(f"  piece {p['name']:<10} cut {p['cut']}  {p['area_cm2']:8.1f} cm²")
    if "marker" in result:
        c = result["marker"]
        typer.echo(
            f"  marker: {c['marker_length_m']:.2f} m at {c['fabric_width_m'] * 100:.0f} cm, "
            f"efficiency {c['efficiency'] * 100:.1f} %, {c['fabric_per_garment_m2']:.3f} m² per garment"
        )
    for kind, path in files.items():
        typer.echo(f"  {kind:<10} {path}")


@marker_app.command("nest")
def marker_nest(
    instance: Annotated[Path, typer.Argument(help="A nesting-benchmark instance (jagua-rs / OR-Datasets JSON).")],
    width: Annotated[float | None, typer.Option(help="Strip width (overrides the instance's Strip.Height).")] = None,
    seconds: Annotated[float, typer.Option(help="Time limit for the nesting.")] = 10.0,
    picture: Annotated[Path | None, typer.Option(help="Also draw the marker to this PNG.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Nest an instance's polygons on a strip; prints length, width, efficiency and the placements."""
    from design_ai.patterns.marker import marker_png, nest, read_instance

    if width is not None and not 0 < width <= MAX_MARKER_EXTENT:
        raise UserError(f"must be in (0, {MAX_MARKER_EXTENT:g}], got {width:g}", where="--width")
    _check_seconds(seconds)
    inst = read_instance(instance)
    result = nest(inst, width, seconds=seconds)
    if picture is not None:
        marker_png(result, inst, picture)
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2))
        return
    typer.echo(f"{inst.name or instance.name}: {len(result.placements)} pieces on a {result.width:g} wide strip")
    typer.echo(f"  length {result.length:.2f}, efficiency {result.efficiency * 100:.2f} % ({result.engine})")
