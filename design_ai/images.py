"""Loading images from users safely: size limits before decoding, clear errors for corrupt files."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from design_ai.errors import UserError

__all__ = ["encode_png", "load_image"]

DEFAULT_MAX_PIXELS = 50_000_000


def load_image(path: Path, *, where: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Open, bound-check and fully decode an image as RGB, or raise UserError naming `where`.

    The pixel count is read from the header before decoding, so a decompression bomb is refused without
    allocating it; `load()` forces a full decode so a truncated file fails here, not later in a task.
    """
    if not path.exists():
        raise UserError(f"file not found: {path}", where=where)
    if not path.is_file():
        raise UserError(f"not a file: {path}", where=where)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}", where=where) from None
    return decode_image(data, where=f"{where} ({path.name})", max_pixels=max_pixels)


def decode_image(data: bytes, *, where: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Decode bytes as an RGB image under the same checks as `load_image`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            old_limit = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = None  # our own limit below, with our own message
            try:
                img = Image.open(io.BytesIO(data))
            finally:
                Image.MAX_IMAGE_PIXELS = old_limit
            w, h = img.size
            if w * h > max_pixels:
                raise UserError(
                    f"image is {w}x{h} = {w * h / 1e6:.1f} megapixels, over the {max_pixels / 1e6:.0f} MP limit",
                    where=where,
                )
            if w < 16 or h < 16:
                raise UserError(f"image is {w}x{h}, too small to use (16x16 at least)", where=where)
            img.load()
    except UserError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UserError(f"not a readable image ({exc.__class__.__name__}: {exc})", where=where) from None
    if img.mode in ("RGBA", "LA", "P"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    return img.convert("RGB")


def encode_png(img: Image.Image) -> bytes:
    """PNG bytes with no timestamps or other varying chunks, so equal pixels give equal bytes (and keys)."""
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()
