"""Loading images from users safely: size limits before decoding, clear errors for corrupt files."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from design_ai.errors import UserError, escaped, quoted
from design_ai.limits import MAX_IMAGE_BYTES, read_bounded

__all__ = ["decode_image", "encode_png", "load_image", "read_image_file"]

DEFAULT_MAX_PIXELS = 50_000_000


def load_image(
    path: Path, *, where: str, max_pixels: int = DEFAULT_MAX_PIXELS, max_bytes: int = MAX_IMAGE_BYTES
) -> Image.Image:
    """Open, bound-check and fully decode an image as RGB, or raise UserError naming `where`.

    The file's size is checked before it is read and the pixel count from the header before decoding, so
    neither a huge file nor a decompression bomb is ever held in memory; `load()` forces a full decode so a
    truncated file fails here, not later in a task.
    """
    data = read_image_file(path, where=where, max_bytes=max_bytes)
    return decode_image(data, where=f"{where} ({escaped(path.name, 40)})", max_pixels=max_pixels)


def read_image_file(path: Path, *, where: str, follow_symlinks: bool = True, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, read once (`limits.read_bounded`), with its open and
    read failures worded for the field `where`."""
    shown = quoted(str(path), 120)
    try:
        return read_bounded(path, where=where, max_bytes=max_bytes, follow_symlinks=follow_symlinks)
    except FileNotFoundError:
        raise UserError(f"file not found: {shown}", where=where) from None
    except (OSError, ValueError) as exc:
        reason = "a symlink, which is not allowed" if not follow_symlinks and path.is_symlink() else "cannot open it"
        raise UserError(f"{shown}: {reason} ({exc.__class__.__name__})", where=where) from None


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
