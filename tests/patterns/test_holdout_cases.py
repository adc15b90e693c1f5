"""Pictures of holdout corpora that were once misread, regenerated and measured again.

A holdout corpus is the corpus generator run with another seed (`make_corpus.py --seed N --out DIR`): new
proportions, colours and looks the extractor was never tuned on. Each case below once put a point of measure
more than a centimetre off; the note says why. They are drawn again here (the generator is deterministic per
seed and index) rather than stored, and measured under the same bar as the stored corpus.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from design_ai.patterns.measure import measure_garment

GENERATOR = Path(__file__).parent / "corpus" / "make_corpus.py"

CASES = [
    # A long sleeve hanging steeply: its long underseam passed for side seam, and the underarm went to the cuff.
    pytest.param(4242, 74, id="4242-074-longsleeve-line-XS"),
    # A near-white raglan on a light backdrop: its edge was trimmed as if its colour cue reached past it.
    pytest.param(777, 58, id="777-058-raglan-draft-XXL-light-on-light"),
    # A black fill on a near-black paper whose armhole seams are drawn in the paper's tone: the flood ran
    # along them, the sleeves came off the body, and the body alone was refused for having no underarms.
    pytest.param(31337, 16, id="31337-016-filled-L-seams-in-the-paper-tone"),
    # A V neck so short that its filled-in tip was most of its first fifth: not taken for a V, read 2.5 cm high.
    pytest.param(31337, 66, id="31337-066-longsleeve-draft-4XL-short-V"),
    # A dark draft with a very soft edge (2.5 px blur): its edge ink spread past what the trim takes off, and
    # the edge placement by colour took the blurred rim for a light garment's shaded one (chest +1.7 cm).
    pytest.param(31337, 64, id="31337-064-longsleeve-draft-4XL-soft-edge"),
    # A white tank with wide grey stripes of the backdrop's tone: the flood ran along every grey stripe and
    # the garment came out a comb of its white ones (refused as having sleeves).
    pytest.param(31337, 99, id="31337-099-tank-draft-3XL-wide-backdrop-stripes"),
    # A striped draft whose cuff corner split into three vertices: the sleeve hem was taken between two of
    # them and the shoulder point went to the cuff (shoulder width +43.8 cm).
    pytest.param(2027, 10, id="2027-010-tshirt-draft-XXL-split-cuff-corner"),
    # A short sleeve held out level: its underseam heads back only to 158°, its cuff's bottom corner turns
    # 35°, and it was refused as sleeveless.
    pytest.param(2027, 31, id="2027-031-tshirt-line-M-level-short-sleeve"),
]


def _generator(seed: int) -> ModuleType:
    """A fresh copy of the generator set to `seed` (its seed is a module global the CLI sets)."""
    spec = importlib.util.spec_from_file_location(f"seamline_corpus_make_corpus_{seed}", GENERATOR)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    mod.SEED = seed
    return mod


@pytest.mark.parametrize(("seed", "index"), CASES)
def test_a_once_misread_holdout_picture_is_measured_within_a_centimetre(seed: int, index: int) -> None:
    img, entry = _generator(seed).make_entry(index)
    quality = entry["tags"]["jpeg_quality"]
    if quality is not None:  # saved as the CLI saves it: the JPEG's artefacts are part of the case
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=int(quality))
        img = Image.open(io.BytesIO(buf.getvalue()))
    style = str(entry["tags"]["sleeve_style"]).replace("_", "-")
    features = {"sleeve": style} if style in ("set-in", "raglan") else None  # known from its sketch
    got = measure_garment(img, entry["garment"], px_per_cm=entry["px_per_cm"], features=features)
    errors = {p: got.measurements_cm[p] - v for p, v in entry["truth_cm"].items()}
    assert max(abs(e) for e in errors.values()) <= 1.0, errors
