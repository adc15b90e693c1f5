"""Pattern extraction speed and accuracy on the project's own drawn set.

    python bench/patterns.py [--runs 5] [--width 1600 --height 1250]

Each case is a T-shirt flat drawn by `design_ai.garments.tops.flat` from known measurements at about 2
megapixels: a line flat, a filled colorway flat, a draft-like render (the flat engine's textured garment on a
tinted background), a rotated line flat (3°) and a JPEG (quality 75). For each it times the whole chain a pattern
maker runs:
measure (silhouette, landmarks, POMs) + pieces + grading over XS-XXL + the DXF of all sizes, and prints the
median of --runs runs, images/s, and the accuracy table per POM against the drawn truth (MAE and max, cm).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from design_ai.garments.tops.flat import PRESETS, draw_tee_flat  # noqa: E402
from design_ai.generate.engines.flat import render_draft  # noqa: E402
from design_ai.patterns.export_dxf import write_dxf  # noqa: E402
from design_ai.patterns.grading import graded_pattern  # noqa: E402
from design_ai.patterns.measure import measure_garment  # noqa: E402

POMS = ("body_length", "chest_width", "hem_width", "shoulder_width", "sleeve_length", "sleeve_opening", "neck_width",
        "front_neck_drop")  # fmt: skip
SIZES = ["XS", "S", "M", "L", "XL", "XXL"]


def cases(width: int, height: int) -> list[tuple[str, str, Image.Image, float]]:
    """(name, preset, image, px_per_cm) at about width x height pixels."""
    out = []
    for preset in ("boxy-tee", "fitted-tee"):
        m = PRESETS[preset]
        px = min(width / (m.shoulder_width + 2 * m.sleeve_length + 20), height / (m.body_length + 16))
        canvas = (width, height)
        line, _ = draw_tee_flat(m, px_per_cm=px, style="line", canvas=canvas)
        filled, _ = draw_tee_flat(m, px_per_cm=px, style="filled", fill="#1D3557", canvas=canvas)
        rotated, _ = draw_tee_flat(m, px_per_cm=px, style="line", rotation_deg=3.0, canvas=canvas)
        draft = render_draft(line, colour=(244, 162, 97), texture="jersey", seed=7, width=width, height=height)
        buf = io.BytesIO()
        line.save(buf, format="JPEG", quality=75)
        jpeg = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
        for name, img in (("line", line), ("filled", filled), ("draft-like", draft), ("rotated 3°", rotated),
                          ("jpeg q75", jpeg)):  # fmt: skip
            # the flat engine letterboxes the sketch at 94 % (design_ai/generate/engines/flat.py): same scale here
            out.append((f"{preset} {name}", preset, img, px * 0.94 if name == "draft-like" else px))
    return out


def chain(img: Image.Image, px: float, out: Path) -> dict[str, float]:
    measure = measure_garment(img, "tshirt", px_per_cm=px)
    pattern = graded_pattern("tshirt", "M", measure.measurements_cm, SIZES)
    write_dxf(pattern, out)
    return measure.measurements_cm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1250)
    args = parser.parse_args()
    all_cases = cases(args.width, args.height)
    errors: dict[str, list[float]] = {p: [] for p in POMS}
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p.dxf"
        print(f"{'case':<26} {'MP':>5} {'median s':>9}  worst POM error")
        for name, preset, img, px in all_cases:
            runs = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                got = chain(img, px, out)
                runs.append(time.perf_counter() - t0)
            med = statistics.median(runs)
            times.append(med)
            truth = PRESETS[preset]
            errs = {p: got[p] - getattr(truth, p) for p in POMS}
            for p, e in errs.items():
                errors[p].append(abs(e))
            worst = max(errs, key=lambda p: abs(errs[p]))
            mp = img.width * img.height / 1e6
            print(f"{name:<26} {mp:5.2f} {med:9.3f}  {worst} {errs[worst]:+.2f} cm")
    overall = statistics.median(times)
    print(f"\nmeasure + pieces + grading (6 sizes) + DXF, median over {len(times)} cases x {args.runs} runs: "
          f"{overall:.3f} s per image = {1 / overall:.2f} images/s (target < 0.5 s)")  # fmt: skip
    print(f"\n{'POM':<16} {'MAE cm':>7} {'max cm':>7}")
    for p in POMS:
        print(f"{p:<16} {statistics.mean(errors[p]):7.2f} {max(errors[p]):7.2f}")
    every = [e for v in errors.values() for e in v]
    print(f"{'all':<16} {statistics.mean(every):7.2f} {max(every):7.2f}")


if __name__ == "__main__":
    main()
