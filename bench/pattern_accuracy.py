"""Pattern extraction on the independent test corpus: accuracy per variation, and the time of each stage.

    python bench/pattern_accuracy.py [--runs 3] [--corpus DIR ...]

Two corpora by default, each with its true points of measure in cm, neither drawn by `design_ai`:
`tests/patterns/corpus` (its own generator: about 100 pictures of tees, raglans, long-sleeves and tanks at about
2 megapixels: line flats, filled flats (light on light too), soft-edged draft-like renders, sizes XS-4XL,
fitted/straight/tapered/flared sides, crew/V/scoop necks, sleeves 10-60° below the shoulder line, turned up to
±10°, most saved as JPEG) and `tests/patterns/freesewing` (flats assembled from FreeSewing's drafted patterns:
tees, long-sleeves, tanks, sweatshirts and hoodies, in the cut-out and the designers' neckline conventions).
Figures are printed per corpus, per garment and convention, and per variation.

Accuracy (each picture measured at its true scale): per variation and overall, the share of POMs within
1 cm, the mean absolute error, the worst POM, the refusals, the POMs assumed (a band drawn without its seam:
not read, so not in the error figures), and the misassumed ones (assumed though the picture draws them, or read
though it does not: truth.json's `not_drawn` says which a picture leaves out). Speed: the chain a pattern maker runs,
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
from design_ai.patterns.accuracy import (  # noqa: E402
    CorpusCase,
    corpus_cases,
    corpus_report,
    design_features,
    measure_case,
)
from design_ai.patterns.export_dxf import write_dxf  # noqa: E402
from design_ai.patterns.grading import graded_pattern  # noqa: E402
from design_ai.patterns.measure import measure_garment  # noqa: E402

AXES = ("garment", "garment_convention", "convention", "style", "sides", "neck", "size", "sleeve_style",
        "light_on_light", "design")
CORPORA = (ROOT / "tests" / "patterns" / "corpus", ROOT / "tests" / "patterns" / "freesewing")
SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
STAGES = ("decode", "silhouette", "outline_deskew", "landmarks", "poms", "pieces_grading", "dxf")


def timed_chain(case: CorpusCase, out: Path) -> dict[str, float]:
    """One run of the whole chain on one picture, seconds per stage (decoding the file included)."""
    t0 = time.perf_counter()
    img = Image.open(case.path)
    img.load()
    t1 = time.perf_counter()
    got = measure_garment(img, case.garment, px_per_cm=case.px_per_cm, features=design_features(case))
    t2 = time.perf_counter()
    pattern = graded_pattern(case.garment, "M", got.measurements_cm, SIZES, features=got.features)
    t3 = time.perf_counter()
    write_dxf(pattern, out)
    t4 = time.perf_counter()
    return {"decode": t1 - t0, **got.stage_seconds, "pieces_grading": t3 - t2, "dxf": t4 - t3, "total": t4 - t0}


def _with_convention(case: CorpusCase) -> CorpusCase:
    """The case with a garment/convention tag (the old corpus draws the cut-out convention only)."""
    convention = str(case.tags.get("convention", "cutout"))
    return case._replace(tags={**case.tags, "convention": convention,
                               "garment_convention": f"{case.garment}/{convention}"})  # fmt: skip


def fmt(row: dict[str, object]) -> str:
    worst = row["worst"]
    w = f"{worst[1]} {worst[2]:+.2f} cm ({worst[0]})" if worst else "-"  # type: ignore[index]
    return (f"{row['cases']:>5} {row['refused']:>7} {row['assumed']:>7} {row['misassumed']:>10} "
            f"{100 * row['within_1cm']:>8.1f} % "
            f"{row['mae_cm']:>7.3f}  {w}")  # type: ignore[operator]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per picture (the median is kept)")
    parser.add_argument("--corpus", action="append", help="a corpus folder (truth.json + images/); repeatable")
    parser.add_argument("--no-timing", action="store_true", help="accuracy only")
    args = parser.parse_args()
    cases = []
    for folder in args.corpus or [str(c) for c in CORPORA if (c / "truth.json").exists()]:
        print(f"\n== {folder}")
        found = [_with_convention(c) for c in corpus_cases(folder)]
        results = [measure_case(c) for c in found]
        report = corpus_report(results, AXES)
        print(f"{'variation':<32} {'cases':>5} {'refused':>7} {'assumed':>7} {'misassumed':>10} "
              f"{'within 1 cm':>10} {'MAE cm':>7}  worst POM")
        for key, row in report.items():
            if not key.endswith("=None"):
                print(f"{key:<32} {fmt(row)}")
        for r in results:
            if r.refusal:
                print(f"refused: {r.case.name}: {r.refusal}")
            elif r.assumed or r.case.not_drawn:
                agree = "as truth.json's not_drawn" if set(r.assumed) == set(r.case.not_drawn) else \
                    f"MISASSUMED: truth.json's not_drawn is {', '.join(r.case.not_drawn) or 'empty'}"
                print(f"assumed (not drawn): {r.case.name}: {', '.join(r.assumed) or '-'} ({agree})")
        cases += found
    if args.no_timing:
        return

    per_case: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p.dxf"
        for c in cases:
            runs = []
            for _ in range(args.runs):
                try:
                    runs.append(timed_chain(c, out))
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
