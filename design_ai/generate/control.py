"""Control maps from a sketch: the white-on-black line images a ControlNet is conditioned on.

Which detector makes a map is recorded on the look (`ControlMap.detector`), because the same control type can
come from different code: controlnet-aux's annotators when their weights are in `SEAMLINE_ANNOTATORS_PATH`,
or Seamline's own OpenCV maps, which need no weights, for `lineart` and `scribble`. `canny` is
controlnet-aux's weight-free `CannyDetector`. `hed` and `pidinet` have no fallback: without their weights they
are refused before anything is written (`check_control`), with a message naming the missing file.

controlnet-aux imports torch and every detector (about 5 s), so it is imported only inside the functions that
run one. Its detectors resize to multiples of 64 (`resize_image`); every map here is returned at exactly the
sketch's size.
"""

from __future__ import annotations

import itertools
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from design_ai.errors import UserError
from design_ai.generate.base import ControlMap

__all__ = [
    "ANNOTATOR_WEIGHTS",
    "CONTROL_TYPES",
    "annotator_status",
    "check_control",
    "detector_for",
    "make_control_map",
    "opencv_lineart",
    "opencv_scribble",
]

CONTROL_TYPES: tuple[str, ...] = ("canny", "lineart", "scribble", "hed", "pidinet")

ANNOTATOR_WEIGHTS: dict[str, tuple[str, ...]] = {
    # The files controlnet-aux 0.0.10's from_pretrained reads from a folder (named as in lllyasviel/Annotators).
    "lineart": ("sk_model.pth", "sk_model2.pth"),
    "scribble": ("ControlNetHED.pth",),
    "hed": ("ControlNetHED.pth",),
    "pidinet": ("table5_pidinet.pth",),
}
"""Annotator weight files per control type (none for canny)."""

_AUX_DETECTORS = {
    "canny": "controlnet_aux.CannyDetector",
    "lineart": "controlnet_aux.LineartDetector",
    "scribble": "controlnet_aux.HEDdetector(scribble)",
    "hed": "controlnet_aux.HEDdetector",
    "pidinet": "controlnet_aux.PidiNetDetector",
}
_FALLBACKS = {"lineart": "opencv.lineart", "scribble": "opencv.scribble"}
_ENV = "SEAMLINE_ANNOTATORS_PATH"


def _check_type(control_type: str) -> None:
    if control_type not in CONTROL_TYPES:
        raise UserError(f"unknown control type {control_type!r} (choose one of {', '.join(CONTROL_TYPES)})")


def _missing_weights(control_type: str, annotators_path: Path | None) -> list[str]:
    """The weight files this control type's annotator needs that are not in the folder."""
    needed = ANNOTATOR_WEIGHTS.get(control_type, ())
    if annotators_path is None:
        return list(needed)
    return [name for name in needed if not (Path(annotators_path) / name).is_file()]


def _missing_message(control_type: str, missing: list[str], annotators_path: Path | None) -> str:
    files = ", ".join(missing)
    if annotators_path is None:
        return (
            f"control {control_type!r} needs the annotator weights {files} (from lllyasviel/Annotators); "
            f"set {_ENV} to a folder that holds them, or use canny, lineart or scribble"
        )
    return (
        f"control {control_type!r} needs {files}, not found in {_ENV}={annotators_path}; "
        f"put the file there, or use canny, lineart or scribble"
    )


def detector_for(control_type: str, annotators_path: Path | None) -> str:
    """The detector `make_control_map` will use for this control type here; UserError when none can run."""
    _check_type(control_type)
    if control_type == "canny":
        return _AUX_DETECTORS["canny"]
    missing = _missing_weights(control_type, annotators_path)
    if not missing:
        return _AUX_DETECTORS[control_type]
    if control_type in _FALLBACKS:
        return _FALLBACKS[control_type]
    raise UserError(_missing_message(control_type, missing, annotators_path))


def check_control(control_type: str, annotators_path: Path | None) -> None:
    """Raise UserError if this control type cannot run here. Cheap: looks at files only, imports nothing."""
    detector_for(control_type, annotators_path)


def annotator_status(annotators_path: Path | None) -> dict[str, str]:
    """Per control type, one line: which detector will run and, where weights are missing, which."""
    status: dict[str, str] = {}
    for control_type in CONTROL_TYPES:
        if control_type == "canny":
            status[control_type] = f"{_AUX_DETECTORS['canny']} (needs no weights)"
            continue
        missing = _missing_weights(control_type, annotators_path)
        if not missing:
            status[control_type] = f"{_AUX_DETECTORS[control_type]} (weights in {annotators_path})"
        elif control_type in _FALLBACKS:
            where = f"not in {annotators_path}" if annotators_path else f"{_ENV} is not set"
            status[control_type] = (
                f"{_FALLBACKS[control_type]} ({_AUX_DETECTORS[control_type]} needs {', '.join(missing)}: {where})"
            )
        else:
            status[control_type] = f"unavailable: {_missing_message(control_type, missing, annotators_path)}"
    return status


def make_control_map(
    sketch: Image.Image,
    control_type: str,
    *,
    annotators_path: Path | None,
    device: str = "cpu",
) -> ControlMap:
    """The control map of `control_type` for a sketch: RGB, white lines on black, the sketch's exact size."""
    detector = detector_for(control_type, annotators_path)
    rgb = np.asarray(sketch.convert("RGB"), dtype=np.uint8)
    if detector == "opencv.lineart":
        lines = opencv_lineart(rgb)
    elif detector == "opencv.scribble":
        lines = opencv_scribble(rgb)
    elif control_type == "canny":
        lines = _aux_canny(rgb)
    else:
        lines = _aux_annotator(rgb, control_type, Path(annotators_path or "."), device)
    out = np.repeat(lines[:, :, None], 3, axis=2) if lines.ndim == 2 else lines
    return ControlMap(Image.fromarray(np.ascontiguousarray(out), "RGB"), control_type, detector)


# --- controlnet-aux --------------------------------------------------------------------------------------


def _import_aux() -> Any:
    """controlnet_aux, imported on first use with its import-time warnings (timm, mediapipe) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import controlnet_aux
    return controlnet_aux


def _pad64(rgb: np.ndarray) -> np.ndarray:
    """Pad (edge-replicated) to multiples of 64, so controlnet-aux's `resize_image` leaves the pixels alone."""
    h, w = rgb.shape[:2]
    ph, pw = -h % 64, -w % 64
    return cv2.copyMakeBorder(rgb, 0, ph, 0, pw, cv2.BORDER_REPLICATE) if ph or pw else rgb


def _aux_canny(rgb: np.ndarray, low: int = 100, high: int = 200) -> np.ndarray:
    """controlnet-aux's CannyDetector at the sketch's own resolution (no resampling of the edges)."""
    detector = _import_aux().CannyDetector()
    h, w = rgb.shape[:2]
    padded = _pad64(rgb)
    res = min(padded.shape[:2])  # scale factor exactly 1, and sides already multiples of 64
    edges = detector(
        padded,
        low_threshold=low,
        high_threshold=high,
        detect_resolution=res,
        image_resolution=res,
        output_type="np",
    )
    if edges.shape[:2] != padded.shape[:2]:  # a future version that resamples: bring it back to size
        edges = cv2.resize(edges, (padded.shape[1], padded.shape[0]), interpolation=cv2.INTER_NEAREST)
    return np.ascontiguousarray(edges[:h, :w])


@lru_cache(maxsize=4)
def _load_annotator(control_type: str, folder: str, device: str) -> Any:
    aux = _import_aux()
    cls = {
        "lineart": aux.LineartDetector,
        "scribble": aux.HEDdetector,
        "hed": aux.HEDdetector,
        "pidinet": aux.PidiNetDetector,
    }[control_type]
    try:
        # A folder path: from_pretrained reads the files from it and never reaches the hub.
        return cls.from_pretrained(folder).to(device)
    except Exception as exc:  # a truncated or foreign .pth: the user's folder is wrong, not our code
        files = ", ".join(ANNOTATOR_WEIGHTS[control_type])
        raise UserError(
            f"cannot load {files} from {_ENV}={folder} ({exc.__class__.__name__}: {exc})".splitlines()[0]
        ) from None


def _aux_annotator(rgb: np.ndarray, control_type: str, folder: Path, device: str) -> np.ndarray:
    """A weight-based controlnet-aux annotator at 512 px, resized back to the sketch's size."""
    if not folder.is_dir():
        raise UserError(f"{_ENV}={folder} is not a folder")
    detector = _load_annotator(control_type, str(folder.resolve()), device)
    kwargs: dict[str, Any] = {"detect_resolution": 512, "image_resolution": 512, "output_type": "np"}
    if control_type == "scribble":
        kwargs["scribble"] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = detector(rgb, **kwargs)
    out = out[:, :, 0] if out.ndim == 3 else out
    h, w = rgb.shape[:2]
    interp = cv2.INTER_NEAREST if control_type == "scribble" else cv2.INTER_LINEAR
    return cv2.resize(out, (w, h), interpolation=interp)


# --- Seamline's own maps (OpenCV, no weights) ---------------------------------------------------------------


def _odd(n: float) -> int:
    k = max(3, round(n))
    return k if k % 2 else k + 1


def _dark_strokes(rgb: np.ndarray) -> np.ndarray:
    """Pixels darker than their neighbourhood (the sketch's pencil or ink strokes), specks removed; 0/1."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    h, w = gray.shape
    block = _odd(min(h, w) / 24)
    strokes = cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY_INV, block, 12)
    return _drop_small(strokes, max(6, round((0.004 * min(h, w)) ** 2)))


def _drop_small(mask: np.ndarray, min_pixels: int) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, np.uint8)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= min_pixels
    return keep[labels]


def _thin(mask: np.ndarray, max_iter: int = 64) -> np.ndarray:
    """Zhang-Suen thinning to one-pixel lines (OpenCV's own thinning is in contrib, which we don't ship)."""
    img = np.pad(mask.astype(np.uint8), 1)
    for _ in range(max_iter):
        changed = False
        for step in (0, 1):
            p2, p3, p4 = img[:-2, 1:-1], img[:-2, 2:], img[1:-1, 2:]
            p5, p6, p7 = img[2:, 2:], img[2:, 1:-1], img[2:, :-2]
            p8, p9 = img[1:-1, :-2], img[:-2, :-2]
            ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2]
            neighbours = sum(ring[:8])
            transitions = sum(((a == 0) & (b == 1)).astype(np.uint8) for a, b in itertools.pairwise(ring))
            # Sub-iteration 0 peels south-east boundary pixels (P2.P4.P6 = P4.P6.P8 = 0), 1 north-west ones
            # (P2.P4.P8 = P2.P6.P8 = 0): the same test with the roles of (P4, P6) and (P2, P8) swapped.
            x, y, u, v = (p4, p6, p2, p8) if step == 0 else (p2, p8, p4, p6)
            cond = (x * y * u == 0) & (x * y * v == 0)
            centre = img[1:-1, 1:-1]
            remove = (centre == 1) & (neighbours >= 2) & (neighbours <= 6) & (transitions == 1) & cond
            if remove.any():
                centre[remove] = 0
                changed = True
        if not changed:
            break
    return img[1:-1, 1:-1]


def opencv_lineart(rgb: np.ndarray) -> np.ndarray:
    """A clean line drawing of the sketch: its strokes thinned to 1 px (2 px from 384 px up), uint8 0/255."""
    h, w = rgb.shape[:2]
    skeleton = _thin(_dark_strokes(rgb))
    if min(h, w) >= 384:
        skeleton = cv2.dilate(skeleton, np.ones((2, 2), np.uint8))
    return skeleton * np.uint8(255)


def opencv_scribble(rgb: np.ndarray) -> np.ndarray:
    """A scribble of the sketch: its main strokes (no short dashes), smooth, ~1 % of the image thick."""
    h, w = rgb.shape[:2]
    size = min(h, w)
    skeleton = _thin(_dark_strokes(rgb))
    skeleton = _drop_small(skeleton, max(8, round(0.02 * size)))  # stitching dashes are detail, not shape
    k = _odd(0.01 * size)
    thick = cv2.dilate(skeleton, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    smooth = cv2.GaussianBlur(thick.astype(np.float32), (0, 0), k / 4)
    return (smooth > 0.5).astype(np.uint8) * np.uint8(255)
