"""Tiny Stable Diffusion + ControlNet pipelines with random weights, built from configs, saved to a folder.

Why: the `tiny` engine and the test suite must run the very code path that real weights take (the diffusers
pipeline classes, `save_pretrained`, `from_pretrained(..., local_files_only=True)`, the scheduler swap, the
batching and seeding) on a machine with no network and no GPU. A few hundred kilobytes of random weights do
that in well under a second per image; the images are noise, which is fine for plumbing.

The layout on disk is exactly a real model's: `model_index.json`, one subfolder per component, and the
ControlNet in `controlnet/`, so `ControlNetModel.from_pretrained(path / "controlnet")` loads it like a real one.

Shapes that matter (measured with diffusers 0.42 and transformers 5.24):
- the VAE has 4 blocks, so its latent is 1/8 of the image, as in SD;
- the ControlNet's `conditioning_embedding_out_channels` has 4 entries, so it too shrinks the control image by 8
  (with fewer the forward fails on a shape mismatch against the UNet's latent);
- SDXL: two text encoders (the second with a projection), UNet and ControlNet with
  `addition_embed_type="text_time"`, `addition_time_embed_dim=8` and
  `projection_class_embeddings_input_dim = 6 * 8 + projection size`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from design_ai.errors import UserError

if TYPE_CHECKING:
    from transformers import CLIPTokenizer

__all__ = [
    "TINY_ARCHES",
    "TinyArch",
    "build_tiny_pipeline",
    "byte_level_clip_tokenizer",
    "ensure_tiny_pipeline",
    "tiny_pipeline_class_name",
]

TinyArch = Literal["sd15", "sdxl"]
TINY_ARCHES: tuple[str, ...] = ("sd15", "sdxl")

# Bumped when the configs below change; written into the folder so a stale build can be recognised.
_TINY_VERSION = 1
_MARKER = "seamline-tiny.json"

_PIPELINE_CLASS: dict[str, str] = {
    "sd15": "StableDiffusionControlNetPipeline",
    "sdxl": "StableDiffusionXLControlNetPipeline",
}

# Building seeds torch's global CPU generator, which threads share: two threads building at once would draw
# from it in turn and make different weights. Processes have their own; the atomic rename handles those.
_BUILD_LOCK = threading.Lock()

# Text encoder width and (SDXL) projection size; everything else follows from these.
_TEXT_HIDDEN = 32
_PROJECTION = 32
_TIME_EMBED = 8


def tiny_pipeline_class_name(arch: TinyArch) -> str:
    """The diffusers pipeline class that a tiny folder of this arch records in `model_index.json`."""
    return _PIPELINE_CLASS[arch]


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte -> printable-character table (transformers 5 no longer exports `bytes_to_unicode`).

    Byte-level BPE maps every byte to a visible character so that any text is spelled with the vocabulary's
    256 base symbols; with those symbols in the vocab (and no merges) every prompt tokenizes without `unk`.
    """
    printable = (
        list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    )
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return dict(zip(printable, (chr(c) for c in codes), strict=True))


def _write_vocab(folder: Path) -> tuple[Path, Path]:
    """Write a CLIP vocab (byte alphabet, each also with `</w>`, then start/end tokens) and an empty merges file."""
    folder.mkdir(parents=True, exist_ok=True)
    symbols = list(_bytes_to_unicode().values())
    vocab: dict[str, int] = {}
    for s in symbols:
        vocab[s] = len(vocab)
    for s in symbols:
        vocab[s + "</w>"] = len(vocab)
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    vocab_file = folder / "vocab.json"
    merges_file = folder / "merges.txt"
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    merges_file.write_text("#version: 0.2\n", encoding="utf-8")
    return vocab_file, merges_file


def byte_level_clip_tokenizer(work: Path) -> CLIPTokenizer:
    """A CLIP tokenizer over the bare byte alphabet (no merges), written into `work/_vocab`: needs no download,
    tokenizes any prompt (one token per byte), 77 tokens long like SD's. Also used by the full-size benchmark."""
    from transformers import CLIPTokenizer

    folder = work / "_vocab"
    _write_vocab(folder)
    # 77 tokens as in SD: the pipelines pad prompts to `model_max_length`, and the text encoders' position
    # embeddings are sized to match.
    return CLIPTokenizer.from_pretrained(str(folder), model_max_length=77, local_files_only=True)


def _text_config(tokenizer: CLIPTokenizer, **extra: Any) -> Any:
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        vocab_size=len(tokenizer),
        hidden_size=_TEXT_HIDDEN,
        intermediate_size=37,
        num_attention_heads=4,
        num_hidden_layers=2,
        max_position_embeddings=tokenizer.model_max_length,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        layer_norm_eps=1e-5,
        **extra,
    )


def _unet_kwargs(cross_attention_dim: int, sdxl: bool) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "block_out_channels": (32, 64),
        "layers_per_block": 1,
        "in_channels": 4,
        "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D"),
        "cross_attention_dim": cross_attention_dim,
        "attention_head_dim": (2, 4),
        "norm_num_groups": 8,
    }
    if sdxl:
        kwargs |= {
            "use_linear_projection": True,
            "addition_embed_type": "text_time",
            "addition_time_embed_dim": _TIME_EMBED,
            # 6 micro-conditioning numbers (original size, crop, target size), each embedded to 8, plus the
            # pooled projection of the second text encoder.
            "projection_class_embeddings_input_dim": 6 * _TIME_EMBED + _PROJECTION,
        }
    return kwargs


def _components(arch: TinyArch, work: Path) -> dict[str, Any]:
    """Every component of the pipeline, with weights drawn after `torch.manual_seed(0)`."""
    import torch
    from diffusers import (
        AutoencoderKL,
        ControlNetModel,
        DDIMScheduler,
        EulerDiscreteScheduler,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    sdxl = arch == "sdxl"
    tokenizer = byte_level_clip_tokenizer(work)
    cross_attention_dim = 2 * _TEXT_HIDDEN if sdxl else _TEXT_HIDDEN

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=32,
        out_channels=4,
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        **_unet_kwargs(cross_attention_dim, sdxl),
    )
    torch.manual_seed(0)
    controlnet = ControlNetModel(
        # 4 entries: three stride-2 convs, so the control image shrinks by 8 like the VAE's latent.
        conditioning_embedding_out_channels=(8, 16, 16, 32),
        **_unet_kwargs(cross_attention_dim, sdxl),
    )
    torch.manual_seed(0)
    vae = AutoencoderKL(
        block_out_channels=(8, 16, 16, 16),  # 4 blocks: 3 downsamplings, latent = image / 8
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=8,
        sample_size=64,
        # SDXL's real VAE overflows in fp16 and says so; the engine reads this flag to keep the VAE in fp32.
        force_upcast=sdxl,
    )
    # The SD noise schedule (scaled linear, 0.00085..0.012); the engine swaps the scheduler class per call.
    schedule = {
        "beta_start": 0.00085,
        "beta_end": 0.012,
        "beta_schedule": "scaled_linear",
        "steps_offset": 1,
        "timestep_spacing": "leading",
    }
    if sdxl:
        scheduler: Any = EulerDiscreteScheduler(**schedule)
    else:
        scheduler = DDIMScheduler(clip_sample=False, set_alpha_to_one=False, **schedule)

    torch.manual_seed(0)
    text_encoder = CLIPTextModel(_text_config(tokenizer))
    parts: dict[str, Any] = {
        "unet": unet,
        "controlnet": controlnet,
        "vae": vae,
        "scheduler": scheduler,
        "text_encoder": text_encoder,
        "tokenizer": tokenizer,
    }
    if sdxl:
        torch.manual_seed(0)
        parts["text_encoder_2"] = CLIPTextModelWithProjection(_text_config(tokenizer, projection_dim=_PROJECTION))
        parts["tokenizer_2"] = tokenizer
        parts["force_zeros_for_empty_prompt"] = True
        parts["add_watermarker"] = False  # needs the invisible-watermark package; pointless on noise
    else:
        parts["safety_checker"] = None
        parts["feature_extractor"] = None
        parts["requires_safety_checker"] = False
        parts["image_encoder"] = None
    return parts


def build_tiny_pipeline(arch: TinyArch = "sd15", *, work: Path | None = None) -> Any:
    """A tiny `StableDiffusion[XL]ControlNetPipeline` in memory, float32 on the CPU, deterministic.

    The caller's global torch RNG state is left as it was (the build seeds with 0 inside `fork_rng`).
    `work` is a scratch folder for the tokenizer's vocab files (a temporary one if None).
    """
    if arch not in _PIPELINE_CLASS:
        raise ValueError(f"arch must be one of {', '.join(TINY_ARCHES)}, got {arch!r}")
    import diffusers
    import torch

    with tempfile.TemporaryDirectory(prefix="seamline-tiny-vocab-") as scratch:
        with torch.random.fork_rng(devices=[]):
            parts = _components(arch, work or Path(scratch))
        pipeline_class = getattr(diffusers, _PIPELINE_CLASS[arch])
        return pipeline_class(**parts)


def _check_existing(path: Path, arch: TinyArch) -> bool:
    """True when `path` already holds a finished tiny pipeline of this arch; UserError when it holds another."""
    index = path / "model_index.json"
    if not index.is_file():
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UserError(
                f"{path} exists but holds no model_index.json; remove it or point SEAMLINE_TINY_MODEL_PATH "
                "at another folder",
                where="SEAMLINE_TINY_MODEL_PATH",
            )
        return False
    try:
        class_name = json.loads(index.read_text(encoding="utf-8")).get("_class_name", "")
    except (OSError, ValueError) as exc:
        raise UserError(f"{index} is not readable JSON ({exc})", where="SEAMLINE_TINY_MODEL_PATH") from None
    if class_name != _PIPELINE_CLASS[arch]:
        raise UserError(
            f"{path} holds a {class_name or 'unknown'} pipeline, not the tiny {arch} one; remove it or use "
            "another folder",
            where="SEAMLINE_TINY_MODEL_PATH",
        )
    return True


def ensure_tiny_pipeline(path: Path, arch: TinyArch = "sd15") -> Path:
    """Make sure `path` holds the tiny pipeline of `arch`; build and save it only if `model_index.json` is missing.

    The folder is written whole or not at all: the pipeline is saved into a temporary sibling folder, which is
    then renamed onto `path`. Several processes (Prefect workers, pytest-xdist) may race here; the first rename
    wins, the others find `model_index.json` and throw their copy away. Returns `path`, resolved.
    """
    path = Path(path).expanduser().resolve()
    if _check_existing(path, arch):
        return path
    with _BUILD_LOCK:
        if _check_existing(path, arch):  # another thread built it while this one waited
            return path
        _build_into(path, arch)
    return path


def _build_into(path: Path, arch: TinyArch) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    try:
        pipe = build_tiny_pipeline(arch, work=tmp / "_vocab_src")
        out = tmp / "pipeline"
        pipe.save_pretrained(str(out), safe_serialization=True)
        # transformers 5 saves only tokenizer.json; the vocab and merges files let transformers 4 load it too.
        for sub in ("tokenizer", "tokenizer_2"):
            if (out / sub).is_dir():
                _write_vocab(out / sub)
        (out / _MARKER).write_text(
            json.dumps({"arch": arch, "version": _TINY_VERSION, "note": "random weights, for tests"}) + "\n",
            encoding="utf-8",
        )
        try:
            os.rename(out, path)  # atomic on one filesystem; onto an empty folder it also succeeds
        except OSError:
            # Another process won the race (or a folder appeared): accept theirs if it is complete.
            if not _check_existing(path, arch):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
