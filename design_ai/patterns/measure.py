"""Points of measure of a garment, in cm, read off one picture of it (a line flat, a filled flat or a draft).

The reading itself belongs to the garment: each garment of the library (`design_ai.garments`) reads its
landmarks on the shared silhouette (`design_ai.patterns.silhouette`) and outline geometry
(`design_ai.patterns.outline`). This entry point names no garment: it asks the registry.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from PIL import Image

from design_ai import garments
from design_ai.patterns.model import GarmentMeasure

__all__ = ["measure_garment"]


def measure_garment(
    img: Image.Image | np.ndarray,
    garment: str,
    *,
    px_per_cm: float | None = None,
    body_length_cm: float | None = None,
    features: Mapping[str, str] | None = None,
) -> GarmentMeasure:
    """The points of measure (cm) of the `garment` in `img`, with its landmarks (px) and the deskew applied.

    Give exactly one scale: `px_per_cm`, or `body_length_cm` (the body length, HPS to hem, of the garment in
    the picture). Raises UserError (one line) for a garment not in the library, a bad or missing scale, or a
    picture the garment's reader cannot measure (naming the landmark and why). `features` are what is known of
    the design beyond this picture (e.g. `{"sleeve": "raglan"}` read off its sketch); they win over the picture.
    """
    return garments.get(garment).measure(img, px_per_cm=px_per_cm, body_length_cm=body_length_cm, features=features)
