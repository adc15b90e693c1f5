"""Drafts per second of Seamline's engines, and what the project's CUDA settings buy over diffusers' defaults.

    python bench/generate.py [--device cpu|cuda] [--runs 5] [--n 4] [--size 256] [--compile] [--peak-tflops 989]

Always: the `flat` engine (no model) and the `tiny` engine (random tiny SD 1.5 + ControlNet) at --size.
With --device cuda, also a full-size SD 1.5 + ControlNet pipeline with RANDOM weights (the real architecture:
UNet 320/640/1280/1280, CLIP ViT-L text encoder, SD VAE, ControlNet from the UNet) at 512x512, 20 steps with
classifier-free guidance, twice in one process on the same weights:
  1. diffusers out of the box: fp16, SDPA attention, nothing else;
  2. the project's settings: `optimize_pipeline` from the ControlNet engine (channels_last, fused QKV, TF32,
     and torch.compile of UNet and ControlNet with --compile).
Random weights cost exactly what real ones do, so no download is needed; images/s, the ratio and the MFU
(model FLOPs utilisation: 46 TFLOP per image at 512x512 over --peak-tflops) are printed. Every figure is the
median of --runs timed runs after --warmup runs. `--full-on-cpu` runs that comparison on the CPU at
--sd-size/--sd-steps, a smoke test of the code path on a machine without a GPU (its figures mean little).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing the project

TFLOP_PER_IMAGE_512 = 46.0  # SD 1.5 + ControlNet, 20 steps, CFG, VAE decode (DESIGN.md "Real generation")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--runs", type=int, default=5, help="timed runs; the median is reported")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (compile, cuDNN autotune)")
    parser.add_argument("--n", type=int, default=4, help="drafts per run (one pipeline batch)")
    parser.add_argument("--size", type=int, default=256, help="image side for flat and tiny")
    parser.add_argument("--tiny-steps", type=int, default=4)
    parser.add_argument("--sd-size", type=int, default=512, help="image side for the full-size SD 1.5 run")
    parser.add_argument("--sd-steps", type=int, default=20)
    parser.add_argument("--compile", action="store_true", help="torch.compile UNet and ControlNet (project run)")
    parser.add_argument("--peak-tflops", type=float, default=989.0, help="dense fp16 peak (H100 SXM: 989)")
    parser.add_argument("--full-on-cpu", action="store_true", help="smoke-test the full-size run on the CPU")
    parser.add_argument("--engines", default="flat,tiny", help="comma-separated engines to time (flat, tiny)")
    parser.add_argument("--skip-engines", action="store_true", help="only the full-size comparison")
    parser.add_argument(
        "--ablate", action="store_true", help="time each CUDA setting alone on a fresh pipeline (full-size run)"
    )
    args = parser.parse_args(argv)
    for name in ("runs", "n", "size", "tiny_steps", "sd_size", "sd_steps"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.size % 8 or args.sd_size % 8:
        parser.error("--size and --sd-size must be multiples of 8")
    return args


def timed_runs(call: Callable[[], Any], *, runs: int, warmup: int, sync: Callable[[], None]) -> list[float]:
    """Seconds per call, after `warmup` untimed calls; `sync` waits for queued GPU work (a no-op on CPU)."""
    for _ in range(warmup):
        call()
    sync()
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        sync()
        seconds.append(time.perf_counter() - began)
    return seconds


def _no_sync() -> None:
    return None


# --- flat and tiny engines ---------------------------------------------------------------------------------


def _look_and_control(size: int, steps: int) -> tuple[Any, Any]:
    from PIL import Image, ImageDraw

    from design_ai.generate.base import ControlMap, DraftRequest, GenerationParams, Swatch

    sketch = Image.new("RGB", (512, 512), "white")
    outline = [(200, 60), (312, 60), (420, 110), (470, 220), (380, 200), (380, 470), (132, 470), (132, 200)]
    ImageDraw.Draw(sketch).line([*outline, (42, 220), (92, 110), (200, 60)], fill="black", width=3)
    look = DraftRequest(
        garment="tshirt",
        prompt="flat lay product photo of a boxy cotton t-shirt",
        negative_prompt="person, text, watermark",
        colorways=(Swatch("Sunrise", "#F4A261"), Swatch("Ink", "#1D3557")),
        material="organic-cotton-jersey-180",
        texture="jersey",
        sketch=sketch,
        params=GenerationParams(width=size, height=size, steps=steps),
    )
    control = ControlMap(image=Image.eval(sketch, lambda v: 255 - v), control_type="lineart", detector="bench")
    return look, control


def bench_engines(args: argparse.Namespace, sync: Callable[[], None]) -> None:
    """drafts/s of `flat` and `tiny` at --size with --n drafts per run."""
    from design_ai.config import Settings

    with tempfile.TemporaryDirectory(prefix="seamline-bench-") as tmp:
        settings = Settings(home=Path(tmp), device=args.device, batch_size=args.n, tiny_model_path=Path(tmp) / "tiny")
        look, control = _look_and_control(args.size, args.tiny_steps)
        wanted = {name.strip() for name in args.engines.split(",") if name.strip()}
        engines: list[tuple[str, Any]] = []
        if "flat" in wanted:
            try:
                from design_ai.generate.engines.flat import FlatEngine

                engines.append(("flat", FlatEngine(settings)))
            except ImportError as exc:
                print(f"flat: skipped ({exc})")
        if "tiny" in wanted:
            from design_ai.generate.engines.diffusion import TinyEngine

            engines.append((f"tiny ({args.tiny_steps} steps)", TinyEngine(settings)))
        for label, engine in engines:
            seconds = timed_runs(
                lambda engine=engine: engine.generate(look, control, args.n, seed=0),
                runs=args.runs,
                warmup=args.warmup,
                sync=sync,
            )
            median = statistics.median(seconds)
            print(
                f"{label:<22} {args.device:<5} {args.size}x{args.size}  n={args.n}  "
                f"{args.n / median:8.2f} drafts/s  (median of {args.runs}: {median * 1000:.1f} ms per run)"
            )


# --- full-size SD 1.5 + ControlNet with random weights -------------------------------------------------------


def build_random_sd15_pipeline(device: str, dtype: Any, work: Path) -> Any:
    """SD 1.5 + ControlNet at full size with random weights, allocated on `device` directly (no download).

    The shapes are SD 1.5's (runwayml/stable-diffusion-v1-5 and lllyasviel/control_v11p_sd15_lineart configs):
    the cost of a forward pass depends on them, not on the weights' values.
    """
    import torch
    from diffusers import (
        AutoencoderKL,
        ControlNetModel,
        StableDiffusionControlNetPipeline,
        UNet2DConditionModel,
        UniPCMultistepScheduler,
    )
    from transformers import CLIPTextConfig, CLIPTextModel

    from design_ai.generate.tiny_models import byte_level_clip_tokenizer

    tokenizer = byte_level_clip_tokenizer(work)
    torch.manual_seed(0)
    with torch.device(device):
        unet = UNet2DConditionModel(
            sample_size=64,
            in_channels=4,
            out_channels=4,
            down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
            up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
            block_out_channels=(320, 640, 1280, 1280),
            layers_per_block=2,
            cross_attention_dim=768,
            attention_head_dim=8,
        )
        controlnet = ControlNetModel.from_unet(unet)  # conditioning channels (16, 32, 96, 256), as SD 1.5's
        vae = AutoencoderKL(
            in_channels=3,
            out_channels=3,
            down_block_types=("DownEncoderBlock2D",) * 4,
            up_block_types=("UpDecoderBlock2D",) * 4,
            block_out_channels=(128, 256, 512, 512),
            layers_per_block=2,
            latent_channels=4,
            sample_size=512,
        )
        text_encoder = CLIPTextModel(
            CLIPTextConfig(
                vocab_size=49408,
                hidden_size=768,
                intermediate_size=3072,
                num_hidden_layers=12,
                num_attention_heads=12,
                max_position_embeddings=77,
                hidden_act="quick_gelu",
                projection_dim=768,
                bos_token_id=tokenizer.bos_token_id,
                eos_token_id=tokenizer.eos_token_id,
                pad_token_id=tokenizer.pad_token_id,
            )
        )
    scheduler = UniPCMultistepScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1
    )
    pipe = StableDiffusionControlNetPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        controlnet=controlnet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.to(device=device, dtype=dtype)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def bench_full_sd15(args: argparse.Namespace, device: str, sync: Callable[[], None]) -> None:
    """Out-of-the-box diffusers vs the project's settings on the same random SD 1.5 + ControlNet pipeline."""
    import warnings

    import torch
    from PIL import Image

    from design_ai.generate.engines.diffusion import optimize_pipeline

    dtype = torch.float16 if device == "cuda" else torch.float32
    size, steps, n = args.sd_size, args.sd_steps, args.n
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="seamline-bench-sd15-") as tmp:
        pipe = build_random_sd15_pipeline(device, dtype, Path(tmp))
    sync()
    params = sum(
        p.numel() for name in ("unet", "controlnet", "vae", "text_encoder") for p in getattr(pipe, name).parameters()
    )
    print(
        f"full-size SD 1.5 + ControlNet, random weights: {params / 1e9:.2f} B parameters, built in "
        f"{time.perf_counter() - began:.1f} s; {size}x{size}, {steps} steps, CFG, batch {n}, {dtype}"
    )
    control = Image.new("RGB", (size, size))

    def call() -> None:
        generators = [torch.Generator(device="cpu").manual_seed(i) for i in range(n)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # random weights may overflow fp16; the cost is the same
            pipe(
                prompt=["flat lay product photo of a boxy cotton t-shirt"] * n,
                negative_prompt=["person, text"] * n,
                image=control,
                width=size,
                height=size,
                num_inference_steps=steps,
                guidance_scale=7.5,
                generator=generators,
                output_type="np",
            )

    scale = (size / 512) ** 2 * steps / 20  # FLOPs grow with pixels and steps
    baseline = f"diffusers out of the box ({str(dtype).removeprefix('torch.')}, SDPA)"
    variants: list[tuple[str, dict[str, bool] | None]] = [(baseline, None)]
    if args.ablate:
        # Each setting alone on a freshly built pipeline, so one cannot hide or borrow another's effect.
        variants += [
            ("tf32 only", {"channels_last": False, "fused_qkv": False}),
            ("+ channels_last", {"channels_last": True, "fused_qkv": False}),
            ("+ fused_qkv", {"channels_last": False, "fused_qkv": True}),
        ]
        if args.compile:
            variants.append(("torch.compile alone", {"channels_last": False, "fused_qkv": False, "compile": True}))
    variants.append(("project settings", {"compile": args.compile}))
    results: list[tuple[str, float]] = []
    for label, options in variants:
        if results and args.ablate:
            del pipe
            torch.cuda.empty_cache() if device == "cuda" else None
            with tempfile.TemporaryDirectory(prefix="seamline-bench-sd15-") as tmp:
                pipe = build_random_sd15_pipeline(device, dtype, Path(tmp))
        applied: list[str] = []
        if options is not None:
            opts = dict(options)
            applied = optimize_pipeline(pipe, compile_models=opts.pop("compile", False), **opts)
        compiled = any(a.startswith("torch.compile") for a in applied)
        seconds = timed_runs(call, runs=args.runs, warmup=args.warmup + (2 if compiled else 0), sync=sync)
        images_per_s = n / statistics.median(seconds)
        mfu = images_per_s * TFLOP_PER_IMAGE_512 * scale / args.peak_tflops
        detail = f" [{', '.join(applied)}]" if applied else ""
        ratio = f"   {images_per_s / results[0][1]:.3f}x" if results else ""
        print(f"  {label + detail:<72} {images_per_s:7.3f} images/s   MFU {mfu * 100:5.1f} %{ratio}")
        results.append((label, images_per_s))
    print(f"  ratio project / out of the box: {results[-1][1] / results[0][1]:.3f}x")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import torch

    sync: Callable[[], None] = _no_sync
    if args.device == "cuda":
        if not torch.cuda.is_available():
            print(
                "--device cuda: torch sees no CUDA device here; run on a GPU machine or use --device cpu",
                file=sys.stderr,
            )
            return 2
        sync = torch.cuda.synchronize
        print(f"GPU: {torch.cuda.get_device_name()}  torch {torch.__version__}")
    else:
        print(f"CPU: {torch.get_num_threads()} threads  torch {torch.__version__}")
    if not args.skip_engines:
        bench_engines(args, sync)
    if args.device == "cuda":
        bench_full_sd15(args, "cuda", sync)
    elif args.full_on_cpu:
        bench_full_sd15(args, "cpu", sync)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
