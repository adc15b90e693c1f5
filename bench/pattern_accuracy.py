"""Pattern extraction on the independent test corpus: accuracy per variation, and the time of each stage.

    python bench/pattern_accuracy.py [--runs 3] [--corpus tests/patterns/corpus]

The corpus (`tests/patterns/corpus`, drawn by its own generator, which shares no code with `design_ai`)
holds about 100 pictures of tees, raglans, long-sleeves and tanks at about 2 megapixels, with their true
points of measure in cm: line flats, filled flats (light on light too), soft-edged draft-like renders, sizes
XS-4XL, fitted/straight/tapered/flared sides, crew/V/scoop necks, sleeves 10-60° below the shoulder line,
turned up to ±10°, most saved as JPEG.

Accuracy (each picture measured at its true scale): per variation and overall, the share of POMs within
1 cm, the mean absolute error, the worst POM and the refusals. Speed: the chain a pattern maker runs,
measure (silhouette, outline + deskew, landmarks, POMs) + pieces + grading over XS-XXL + the DXF of all
sizes, per picture the median of --runs runs; printed as the median over the pictures with the split by
stage, and the same for the pictures of about 2 MP alone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from design_ai.errors import UserError  # noqa: E402
from design_ai.patterns.accuracy import corpus_cases, corpus_report, measure_case  # noqa: E402
from design_ai.patterns.export_dxf import write_dxf  # noqa: E402
from design_ai.patterns.grading import graded_pattern  # noqa: E402
from design_ai.patterns.measure import measure_garment  # noqa: E402

AXES = ("garment", "style", "sides", "neck", "size", "sleeve_style", "light_on_light")
SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
STAGES = ("decode", "silhouette", "outline_deskew", "landmarks", "poms", "pieces_grading", "dxf")


def timed_chain(path: str, garment: str, ppc: float, out: Path) -> dict[str, float]:
    """One run of the whole chain on one picture, seconds per stage (decoding the file included)."""
    t0 = time.perf_counter()
    img = Image.open(path)
    img.load()
    t1 = time.perf_counter()
    got = measure_garment(img, garment, px_per_cm=ppc)
    t2 = time.perf_counter()
    pattern = graded_pattern(garment, "M", got.measurements_cm, SIZES)
    t3 = time.perf_counter()
    write_dxf(pattern, out)
    t4 = time.perf_counter()
    return {"decode": t1 - t0, **got.stage_seconds, "pieces_grading": t3 - t2, "dxf": t4 - t3, "total": t4 - t0}


def fmt(row: dict[str, object]) -> str:
    worst = row["worst"]
    w = f"{worst[1]} {worst[2]:+.2f} cm ({worst[0]})" if worst else "-"  # type: ignore[index]
    return (f"{row['cases']:>5} {row['refused']:>7} {100 * row['within_1cm']:>8.1f} % {row['mae_cm']:>7.3f}  {w}")  # type: ignore[operator]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per picture (the median is kept)")
    parser.add_argument("--corpus", default=str(ROOT / "tests" / "patterns" / "corpus"))
    parser.add_argument("--no-timing", action="store_true", help="accuracy only")
    args = parser.parse_args()
    cases = corpus_cases(args.corpus)

    results = [measure_case(c) for c in cases]
    report = corpus_report(results, AXES)
    print(f"{'variation':<24} {'cases':>5} {'refused':>7} {'within 1 cm':>10} {'MAE cm':>7}  worst POM")
    for key, row in report.items():
        print(f"{key:<24} {fmt(row)}")
    for r in results:
        if r.refusal:
            print(f"refused: {r.case.name}: {r.refusal}")
    if args.no_timing:
        return

    per_case: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p.dxf"
        for c in cases:
            runs = []
            for _ in range(args.runs):
                try:
                    runs.append(timed_chain(c.path, c.garment, c.px_per_cm, out))
                except UserError:
                    break
            if runs:
                med = {k: statistics.median(r.get(k, 0.0) for r in runs) for k in (*STAGES, "total")}
                width, height = Image.open(c.path).size
                med["mp"] = width * height / 1e6
                per_case.append(med)
    two_mp = [r for r in per_case if 1.9 <= r["mp"] <= 2.1]
    for label, rows in (("all pictures", per_case), ("pictures of 1.9-2.1 MP", two_mp)):
        if not rows:
            continue
        total = statistics.median(r["total"] for r in rows)
        split = ", ".join(f"{k} {1000 * statistics.median(r[k] for r in rows):.0f} ms" for k in STAGES)
        print(f"\n{label} ({len(rows)}, median of {args.runs} runs each): chain {total:.3f} s median per picture "
              f"(target < 0.5 s); by stage (medians): {split}")  # fmt: skip


if __name__ == "__main__":
    main()
