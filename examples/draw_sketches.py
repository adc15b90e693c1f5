"""Redraw the bundled example sketches from known measurements (design_ai.garments.tops.flat).

The sketches of `examples/briefs/tee-capsule.yaml` are technical flats drawn from the men's M measurement
sets in `design_ai.garments.tops.flat.PRESETS` at a fixed scale, so a pattern extracted from them can be checked
against the numbers they were drawn from; `sweatshirt.png` and `hoodie.png` are drawn the same way, at the same
scale, from `BANDED_PRESETS` (on a larger canvas: long sleeves and a hood). Run it after changing
`design_ai/garments/tops/flat.py`:

    .venv/bin/python examples/draw_sketches.py [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from design_ai.garments.tops.flat import ALL_PRESETS, draw_tee_flat

PX_PER_CM = 7.5  # the scale of every bundled sketch; the brief gives body_length_cm, which implies it
CANVAS = (768, 768)
BANDED_CANVAS = (896, 896)  # a hoodie stands 34 cm taller than a tee; long sleeves reach further out
SKETCHES = {
    "boxy-tee.png": ("boxy-tee", CANVAS),
    "raglan-tee.png": ("raglan-tee", CANVAS),
    "sweatshirt.png": ("sweatshirt", BANDED_CANVAS),
    "hoodie.png": ("hoodie", BANDED_CANVAS),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "briefs" / "sketches")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for filename, (preset, canvas) in SKETCHES.items():
        m = ALL_PRESETS[preset]
        img, _ = draw_tee_flat(m, px_per_cm=PX_PER_CM, style="line", line_px=3, canvas=canvas)
        path = args.out / filename
        img.convert("L").save(path, optimize=True)  # black on white: one channel is enough
        print(
            f"{path}: {preset}, {img.width}x{img.height} px at {PX_PER_CM} px/cm, "
            f"body length {m.body_length} cm, chest {m.chest_width} cm, {path.stat().st_size / 1024:.0f} KiB"
        )


if __name__ == "__main__":
    main()
