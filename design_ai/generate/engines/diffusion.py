"""Stable Diffusion (1.5 or SDXL) + ControlNet engines: `controlnet` with real weights, `tiny` with random ones.

Both load through the same code: `ControlNetModel.from_pretrained` and `StableDiffusion[XL]ControlNetPipeline
.from_pretrained(..., local_files_only=not allow_downloads)`, so the tiny engine (tests, CI, plumbing) exercises
every line that real weights take except the weights themselves.

Why it is shaped like this:
- One pipeline per process, reused across looks and sprints: loading SD takes seconds to minutes and gigabytes,
  so pipelines live in a module-level cache keyed by what makes them different (arch, base, ControlNet,
  device, dtype). Prefect may run mapped tasks in threads, so each pipeline call, and the scheduler swap in
  front of it, runs under that pipeline's lock.
- Draft `i` is reproducible whatever the batch size: each image has its own CPU `torch.Generator` seeded with
  its plan's seed (a list of generators for a batch), as diffusers' `randn_tensor` supports.
- Nothing heavy at import: torch and diffusers are imported inside functions, so the CLI and the `flat` engine
  never pay for them; `model_ids` and `check` only read small JSON files.
- Missing weights are the user's mistake, reported as a one-line `UserError` naming the path or repo id and
  the setting to change, before anything is loaded.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from design_ai.errors import UserError
from design_ai.generate.base import ControlMap, DraftRequest, GeneratedDraft, plan_drafts
from design_ai.generate.placement import Placement, stretch

if TYPE_CHECKING:
    from design_ai.config import Settings
    from design_ai.generate.tiny_models import TinyArch

__all__ = [
    "CONTROLNET_KEYS",
    "CONTROL_TYPES",
    "ControlNetEngine",
    "PipelineSpec",
    "TinyEngine",
    "clear_pipeline_cache",
    "controlnet_key",
    "engine_status",
    "optimize_pipeline",
    "resolve_dtype",
    "tiny_model_dir",
]

log = logging.getLogger(__name__)

Arch = Literal["sd15", "sdxl"]

CONTROL_TYPES: tuple[str, ...] = ("canny", "lineart", "scribble", "hed", "pidinet")
# Control type -> the `controlnet_models` entry that serves it (HED and PiDiNet maps are both "soft edges",
# the lllyasviel SD 1.5 ControlNet family's name for them). A "default" entry serves any type not listed.
CONTROLNET_KEYS: dict[str, str] = {
    "canny": "canny",
    "lineart": "lineart",
    "scribble": "scribble",
    "hed": "softedge",
    "pidinet": "softedge",
}

TINY_NOTE = "tiny random weights: the image is noise, for tests and plumbing only"

# Speed settings applied on CUDA on top of diffusers' defaults (fp16 weights, SDPA attention), measured on an
# H100 by `bench/generate.py --device cuda --ablate --compile` (figures in optimize_pipeline's docstring).
CUDA_CHANNELS_LAST = True  # only together with torch.compile: eager, it did not pay
CUDA_FUSED_QKV = True

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def controlnet_key(control_type: str) -> str:
    """The `controlnet_models` key for a control type; UserError for a type no engine knows."""
    try:
        return CONTROLNET_KEYS[control_type]
    except KeyError:
        raise UserError(
            f"unknown control type {control_type!r} (choose one of {', '.join(CONTROL_TYPES)})", where="control"
        ) from None


def resolve_dtype(setting: str, device: str) -> str:
    """The torch dtype name to load weights in: `auto` is float16 on CUDA/MPS, float32 on the CPU.

    CPU kernels for fp16 are slow or missing, while GPUs run SD 1.5 fine in fp16 (SDXL's VAE is kept safe
    separately, see `_load_pipeline`).
    """
    if setting != "auto":
        return setting
    return "float16" if device.split(":")[0] in ("cuda", "mps") else "float32"


def tiny_model_dir(settings: Settings, arch: TinyArch = "sd15") -> Path:
    """Where the tiny pipeline of `arch` lives: the tiny-model setting for SD 1.5, a `-sdxl` sibling for SDXL."""
    base = settings.resolved_tiny_model_path
    return base if arch == "sd15" else base.with_name(f"{base.name}-sdxl")


# --- Finding weights without loading them ----------------------------------------------------------------


@dataclass(frozen=True)
class _Located:
    """A model reference found on this machine (or allowed to be downloaded)."""

    ref: str  # what from_pretrained gets: an absolute folder or a repo id
    config: dict[str, Any] | None  # model_index.json / config.json, when readable here
    revision: str | None = None  # the cached snapshot's commit, for a repo id


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _locate(ref: str, filename: str, *, what: str, setting: str, allow_downloads: bool) -> _Located:
    """Find `ref` (a folder or a Hugging Face repo id) holding `filename`, reading only that small file.

    A repo id is looked up in the local Hugging Face cache (`try_to_load_from_cache`); with downloads allowed a
    repo id that is not cached is accepted as it is and fetched by `from_pretrained` later.
    """
    path = Path(ref).expanduser()
    if path.is_dir():
        config_file = path / filename
        if not config_file.is_file():
            raise UserError(f"{what}: folder {path} has no {filename}; check {setting}")
        config = _read_json(config_file)
        if config is None:
            raise UserError(f"{what}: {config_file} is not a readable JSON object; check {setting}")
        return _Located(str(path.resolve()), config)
    if path.exists():
        raise UserError(f"{what}: {path} is a file, not a model folder; check {setting}")
    if not _REPO_ID.match(ref) or ref.startswith((".", "~")):
        raise UserError(f"{what}: folder {path.absolute()} not found; check {setting}")
    cached: Any = None
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(ref, filename)
    except Exception:  # an id the hub library rejects is simply not cached
        cached = None
    if isinstance(cached, str):
        snapshot = Path(cached).parent
        revision = snapshot.name if snapshot.parent.name == "snapshots" else None
        return _Located(ref, _read_json(Path(cached)), revision)
    if allow_downloads:
        return _Located(ref, None)
    raise UserError(
        f"{what}: '{ref}' not found locally (folder missing and not in the Hugging Face cache); "
        f"set SEAMLINE_ALLOW_DOWNLOADS=1 or point {setting} at a folder"
    )


def _arch_of_index(index: dict[str, Any] | None) -> Arch | None:
    if index is None:
        return None
    return "sdxl" if "XL" in str(index.get("_class_name", "")) else "sd15"


def _arch_of_controlnet(config: dict[str, Any] | None) -> Arch | None:
    """SDXL ControlNets carry the text-time embedding (and 2048-wide cross attention); SD 1.5 ones do not."""
    if config is None:
        return None
    return "sdxl" if config.get("addition_embed_type") == "text_time" else "sd15"


def _controlnet_setting(key: str) -> str:
    return f"SEAMLINE_CONTROLNET_MODELS__{key.upper()}"


@dataclass(frozen=True)
class PipelineSpec:
    """Everything that makes one loaded pipeline different from another: the process cache's key."""

    arch: Arch
    base: str  # absolute folder or repo id
    controlnet: str
    device: str
    dtype: str  # torch dtype name: float16 | bfloat16 | float32
    local_files_only: bool
    optimize: bool = True  # apply the CUDA speed settings (see optimize_pipeline)


@dataclass
class _Resolved:
    """What an engine will use for a control type, found without loading anything."""

    base: _Located
    controlnet: _Located
    arch: Arch | None


# --- The process-wide pipeline cache ---------------------------------------------------------------------


@dataclass
class _Loaded:
    pipe: Any
    lock: threading.Lock = field(default_factory=threading.Lock)
    scheduler_config: Any = None  # the pipeline's own scheduler config: every swap starts from it
    schedulers: dict[str, Any] = field(default_factory=dict)


_PIPELINES: dict[PipelineSpec, _Loaded] = {}
# Re-entrant: also taken around the first `import diffusers` (see _import_diffusers).
_LOAD_LOCK = threading.RLock()


def _import_diffusers() -> Any:
    """`import diffusers`, one thread at a time.

    Threads that import diffusers together (several looks of one generation run) saw a half-initialised
    module: `AttributeError: module 'diffusers' has no attribute 'UniPCMultistepScheduler'` in three of four
    threads, reported as an unknown scheduler. diffusers swaps its module for a lazy one at the end of its
    __init__; importing under one lock lets the others find it finished.
    """
    with _LOAD_LOCK:
        import diffusers

        return diffusers


def clear_pipeline_cache() -> None:
    """Drop every loaded pipeline (tests; a worker that switches models) and give their memory back."""
    with _LOAD_LOCK:
        had_cuda = any(spec.device.startswith("cuda") for spec in _PIPELINES)
        _PIPELINES.clear()
    gc.collect()
    if had_cuda:
        import torch

        torch.cuda.empty_cache()


def _dtype_kwarg() -> str:
    """diffusers 0.42 renamed from_pretrained's `torch_dtype` to `dtype` (the old name warns); older ones
    only know `torch_dtype` and would silently ignore `dtype`, loading fp32."""
    try:
        from diffusers.utils.deprecation_utils import _resolve_dtype  # noqa: F401
    except ImportError:
        return "torch_dtype"
    return "dtype"


def optimize_pipeline(
    pipe: Any,
    *,
    compile_models: bool = False,
    channels_last: bool | None = None,
    fused_qkv: bool | None = None,
) -> list[str]:
    """Apply this project's CUDA speed settings to a loaded pipeline; returns what was applied.

    Measured on an H100 (`bench/generate.py --device cuda [--ablate] [--compile]`, SD 1.5 + ControlNet, 512²,
    20 steps, batch 4, fp16, medians of 5-7 runs, each against diffusers out of the box in the same process):
    eager, the settings move throughput within the run-to-run spread (2.9-3.7 images/s out of the box): TF32
    1.12x, fused QKV 1.16x, channels_last alone 1.04x (below TF32 alone), all three 0.83x once; TF32 + fused
    QKV 1.06x and 0.86x in two later runs. `torch.compile` is the one clear gain: 1.38x alone, 1.32x and 1.53x
    with the three. So channels_last follows `compile_models` unless asked for, and compile stays opt-in: its
    first call takes minutes and recompiles per image size (diffusers #11363), worth it for long-lived workers.
    """
    import torch

    applied = []
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    applied.append("tf32")
    if (CUDA_CHANNELS_LAST and compile_models) if channels_last is None else channels_last:
        for name in ("unet", "controlnet", "vae"):
            getattr(pipe, name).to(memory_format=torch.channels_last)
        applied.append("channels_last")
    if CUDA_FUSED_QKV if fused_qkv is None else fused_qkv:
        from diffusers.models.attention_processor import Attention, FusedAttnProcessor2_0

        pipe.fuse_qkv_projections()  # UNet and VAE
        # ControlNetModel.fuse_qkv_projections (AttentionMixin, diffusers 0.42) only fuses the new attention
        # classes and silently skips the classic `Attention` its blocks use; fuse those by hand, as the UNet does.
        for module in pipe.controlnet.modules():
            if isinstance(module, Attention):
                module.fuse_projections(fuse=True)
        pipe.controlnet.set_attn_processor(FusedAttnProcessor2_0())
        applied.append("fused_qkv")
    if compile_models:
        pipe.unet = torch.compile(pipe.unet, fullgraph=False)
        pipe.controlnet = torch.compile(pipe.controlnet, fullgraph=False)
        applied.append("torch.compile(unet, controlnet)")
    return applied


def _load_pipeline(spec: PipelineSpec) -> _Loaded:
    """Load one pipeline exactly as real weights are loaded; OSError from the hub layer becomes a UserError."""
    import diffusers
    import torch

    dtype = getattr(torch, spec.dtype)
    common: dict[str, Any] = {"local_files_only": spec.local_files_only, _dtype_kwarg(): dtype}
    started = time.perf_counter()
    try:
        controlnet = diffusers.ControlNetModel.from_pretrained(spec.controlnet, **common)
        if spec.arch == "sdxl":
            pipe = diffusers.StableDiffusionXLControlNetPipeline.from_pretrained(
                spec.base, controlnet=controlnet, **common
            )
        else:
            # Every draft goes to a human reviewer before it is used; the SD 1.5 safety checker would cost
            # 1.2 GB and replace any image it flags with black, leaving the reviewer nothing to judge.
            pipe = diffusers.StableDiffusionControlNetPipeline.from_pretrained(
                spec.base,
                controlnet=controlnet,
                safety_checker=None,
                feature_extractor=None,
                requires_safety_checker=False,
                **common,
            )
    except OSError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise UserError(
            f"cannot load {spec.arch} pipeline (base {spec.base!r}, ControlNet {spec.controlnet!r}): {first_line}"
        ) from None
    if spec.arch == "sdxl" and dtype == torch.float16:
        # SDXL's VAE overflows in fp16 (NaN/black images). The pipeline upcasts it to fp32 around decoding when
        # `force_upcast` is set; keeping it in fp32 for good fails instead (the SDXL ControlNet pipeline feeds
        # it fp16 latents). An fp16-fix VAE says force_upcast=false and is trusted.
        if getattr(pipe.vae.config, "force_upcast", None) is False:
            log.info("SDXL VAE declares itself fp16-safe (force_upcast=false); decoding in fp16")
        else:
            pipe.vae.register_to_config(force_upcast=True)
    pipe.to(spec.device)
    pipe.set_progress_bar_config(disable=True)  # the caller shows its own progress, per batch
    applied: list[str] = []
    if spec.optimize and spec.device.startswith("cuda"):
        applied = optimize_pipeline(pipe)
    log.info(
        "loaded %s pipeline %s + %s on %s/%s in %.1f s (%s)",
        spec.arch,
        spec.base,
        spec.controlnet,
        spec.device,
        spec.dtype,
        time.perf_counter() - started,
        ", ".join(applied) or "diffusers defaults",
    )
    return _Loaded(pipe=pipe, scheduler_config=pipe.scheduler.config)


def _get_pipeline(spec: PipelineSpec) -> _Loaded:
    """The cached pipeline for `spec`, loading it once per process (one loader at a time)."""
    loaded = _PIPELINES.get(spec)
    if loaded is not None:
        return loaded
    with _LOAD_LOCK:
        loaded = _PIPELINES.get(spec)
        if loaded is None:
            loaded = _load_pipeline(spec)
            _PIPELINES[spec] = loaded
        return loaded


def _scheduler_class(name: str) -> Any:
    """The diffusers scheduler class called `name`; UserError naming the setting otherwise."""
    diffusers = _import_diffusers()
    cls = getattr(diffusers, name, None)
    if not (isinstance(cls, type) and issubclass(cls, diffusers.SchedulerMixin)):
        raise UserError(
            f"unknown scheduler {name!r}; use a diffusers scheduler class such as UniPCMultistepScheduler, "
            "DPMSolverMultistepScheduler, EulerDiscreteScheduler or DDIMScheduler",
            where="scheduler",
        )
    return cls


def _scheduler_for(loaded: _Loaded, name: str) -> Any:
    """One scheduler per name per pipeline, made from the pipeline's original config (call under its lock)."""
    scheduler = loaded.schedulers.get(name)
    if scheduler is None:
        scheduler = _scheduler_class(name).from_config(loaded.scheduler_config)
        loaded.schedulers[name] = scheduler
    return scheduler


# --- Engines ---------------------------------------------------------------------------------------------


def _import_problem() -> str | None:
    """Why torch/diffusers/transformers cannot be imported here, or None (a broken torchvision shows here)."""
    try:
        import diffusers  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except Exception as exc:
        return f"cannot import the diffusion stack ({exc.__class__.__name__}: {str(exc).splitlines()[0]})"
    return None


def _device_problem(settings: Settings) -> str | None:
    import torch

    device = settings.resolved_device()
    if device.startswith("cuda") and not torch.cuda.is_available():
        return f"SEAMLINE_DEVICE is {device!r} but torch sees no CUDA device"
    if device == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        return "SEAMLINE_DEVICE is 'mps' but torch sees no MPS device"
    return None


class ControlNetEngine:
    """Stable Diffusion 1.5 or SDXL (from the base model's `model_index.json`) with one ControlNet per
    control type, on `settings.resolved_device()`. Construction is free; the pipeline loads on first use."""

    name: ClassVar[str] = "controlnet"
    note: ClassVar[str | None] = None
    _local_only: ClassVar[bool] = False  # True: never let from_pretrained reach the hub, whatever the settings

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # What would be used (cheap: reads small JSON files only) ---------------------------------------------

    def _base(self) -> _Located:
        settings = self.settings
        if not settings.base_model:
            raise UserError(
                "SEAMLINE_BASE_MODEL is not set; point it at a Stable Diffusion 1.5 or SDXL folder or a cached "
                "Hugging Face repo id (or use --engine flat)"
            )
        return _locate(
            settings.base_model,
            "model_index.json",
            what="base model",
            setting="SEAMLINE_BASE_MODEL",
            allow_downloads=settings.allow_downloads,
        )

    def _controlnet(self, control_type: str) -> tuple[_Located, str]:
        """The ControlNet for a control type and the setting it came from."""
        key = controlnet_key(control_type)
        models = self.settings.controlnet_models
        cn_key = key if key in models else "default"
        ref = models.get(cn_key)
        if not ref:
            raise UserError(
                f"no ControlNet for control type {control_type!r}: set {_controlnet_setting(key)} "
                f"(or {_controlnet_setting('default')}) to a folder or a cached repo id"
            )
        setting = _controlnet_setting(cn_key)
        located = _locate(
            ref,
            "config.json",
            what=f"ControlNet for {control_type!r}",
            setting=setting,
            allow_downloads=self.settings.allow_downloads,
        )
        return located, setting

    def _resolve(self, control_type: str, *, for_loading: bool) -> _Resolved:
        base = self._base()
        controlnet, setting = self._controlnet(control_type)
        arch = _arch_of_index(base.config)
        cn_arch = _arch_of_controlnet(controlnet.config)
        if arch and cn_arch and arch != cn_arch:
            raise UserError(
                f"ControlNet '{controlnet.ref}' ({setting}) is an {cn_arch} ControlNet but the base model "
                f"'{base.ref}' is {arch}; use a matching pair"
            )
        if arch is None and for_loading:
            if self._local_only or not self.settings.allow_downloads:
                raise UserError(f"base model '{base.ref}': its cached model_index.json is not readable JSON")
            # A repo id allowed to download and not cached yet: fetch its small index to learn the arch.
            from diffusers import DiffusionPipeline

            arch = _arch_of_index(DiffusionPipeline.load_config(base.ref, local_files_only=False))
        return _Resolved(base=base, controlnet=controlnet, arch=arch)

    def _arch_label(self, arch: Arch | None) -> str:
        return arch or "unknown"

    def model_ids(self, control_type: str) -> dict[str, str]:
        """Base model, ControlNet and arch that would make drafts of this control type (nothing is loaded).

        Raises UserError when they are not configured or not on this machine, so a sprint fails before it
        starts rather than after the first look.
        """
        return self._ids(self._resolve(control_type, for_loading=False))

    def placement(self, sketch_size: tuple[int, int], width: int, height: int) -> Placement:
        """Where the sketch (as its control map) lands on a `width` x `height` draft: stretched to fill it."""
        return stretch(sketch_size, width, height)

    def _ids(self, resolved: _Resolved) -> dict[str, str]:
        ids = {
            "base": resolved.base.ref,
            "controlnet": resolved.controlnet.ref,
            "arch": self._arch_label(resolved.arch),
        }
        if resolved.base.revision:
            ids["base_revision"] = resolved.base.revision
        if resolved.controlnet.revision:
            ids["controlnet_revision"] = resolved.controlnet.revision
        return ids

    def _spec(self, resolved: _Resolved) -> PipelineSpec:
        device = self.settings.resolved_device()
        return PipelineSpec(
            arch=resolved.arch or "sd15",
            base=resolved.base.ref,
            controlnet=resolved.controlnet.ref,
            device=device,
            dtype=resolve_dtype(self.settings.dtype, device),
            local_files_only=self._local_only or not self.settings.allow_downloads,
        )

    # Status for `seamline doctor`-like reports -----------------------------------------------------------

    @classmethod
    def check(cls, settings: Settings, control_types: Sequence[str] | None = None) -> tuple[bool, list[str]]:
        """Whether this engine can run here for these control types (all by default), and if not, why.

        Reads settings, folders and the Hugging Face cache index only: no weights are loaded.
        """
        problems: list[str] = []
        if (problem := _import_problem()) is not None:
            return False, [problem]
        if (problem := _device_problem(settings)) is not None:
            problems.append(problem)
        engine = cls(settings)
        base_ok = True
        try:
            engine._base()
        except UserError as exc:
            problems.append(str(exc))
            base_ok = False
        for control_type in control_types or CONTROL_TYPES:
            try:
                engine._controlnet(control_type)
                if base_ok:
                    engine._resolve(control_type, for_loading=False)  # the SD 1.5 / SDXL pairing
            except UserError as exc:
                if str(exc) not in problems:
                    problems.append(str(exc))
        return not problems, problems

    # Generation -----------------------------------------------------------------------------------------

    def _validate(self, look: DraftRequest, control: ControlMap, n: int) -> None:
        params = look.params
        if n <= 0:
            raise UserError(f"drafts must be at least 1, got {n}", where="drafts")
        for name, value in (("width", params.width), ("height", params.height)):
            if value < 64 or value % 8:
                raise UserError(f"{name} must be a multiple of 8 and at least 64, got {value}", where=name)
        if params.steps < 1:
            raise UserError(f"steps must be at least 1, got {params.steps}", where="steps")
        controlnet_key(control.control_type)
        _scheduler_class(params.scheduler)

    def generate(
        self,
        look: DraftRequest,
        control: ControlMap,
        n: int,
        seed: int,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> list[GeneratedDraft]:
        """`n` drafts in plan order, in batches of `settings.batch_size`; `progress(done)` after each batch."""
        import torch
        from PIL import Image

        self._validate(look, control, n)
        resolved = self._resolve(control.control_type, for_loading=True)
        spec = self._spec(resolved)
        model_ids = self._ids(resolved)
        loaded = _get_pipeline(spec)
        params = look.params
        control_image = control.image.convert("RGB")
        placed = self.placement(control_image.size, params.width, params.height)
        if control_image.size != placed.placed_size:
            control_image = control_image.resize(placed.placed_size, Image.Resampling.LANCZOS)
        recorded = {
            "steps": params.steps,
            "guidance": params.guidance,
            "controlnet_scale": params.controlnet_scale,
            "scheduler": params.scheduler,
            "width": params.width,
            "height": params.height,
            "dtype": spec.dtype,
            "device": spec.device,
        }
        negative = look.negative_prompt or None  # None lets SDXL use its zero negative embedding

        plans = plan_drafts(look, n, seed)
        drafts: list[GeneratedDraft] = []
        batch_size = self.settings.batch_size
        for start in range(0, n, batch_size):
            chunk = plans[start : start + batch_size]
            generators = [torch.Generator(device="cpu").manual_seed(plan.seed) for plan in chunk]
            with loaded.lock:
                loaded.pipe.scheduler = _scheduler_for(loaded, params.scheduler)
                began = time.perf_counter()
                images = loaded.pipe(
                    prompt=[plan.prompt for plan in chunk],
                    negative_prompt=[negative] * len(chunk) if negative else None,
                    image=control_image,
                    width=params.width,
                    height=params.height,
                    num_inference_steps=params.steps,
                    guidance_scale=params.guidance,
                    controlnet_conditioning_scale=params.controlnet_scale,
                    generator=generators,
                    output_type="pil",
                ).images
                seconds = (time.perf_counter() - began) / len(chunk)
            for plan, image in zip(chunk, images, strict=True):
                drafts.append(
                    GeneratedDraft(
                        image=image,
                        plan=plan,
                        engine=self.name,
                        model_ids=dict(model_ids),
                        params=dict(recorded),
                        seconds=seconds,
                        note=self.note,
                    )
                )
            if progress is not None:
                progress(len(drafts))
        return drafts


class TinyEngine(ControlNetEngine):
    """The ControlNet engine on a tiny random-weight pipeline built once into `settings.tiny_model_path`.

    It loads through exactly the same `from_pretrained` path (local files only) with any device and dtype, so
    tests, CI and GPU smoke checks cover the real engine's code in about a second.
    """

    name: ClassVar[str] = "tiny"
    note: ClassVar[str | None] = TINY_NOTE
    _local_only: ClassVar[bool] = True

    def __init__(self, settings: Settings, *, arch: TinyArch = "sd15") -> None:
        super().__init__(settings)
        self.arch: TinyArch = arch

    @property
    def path(self) -> Path:
        return tiny_model_dir(self.settings, self.arch)

    def _resolve(self, control_type: str, *, for_loading: bool) -> _Resolved:
        controlnet_key(control_type)  # the same control types as the real engine, one tiny ControlNet for all
        path = self.path
        if for_loading:
            from design_ai.generate.tiny_models import ensure_tiny_pipeline

            _import_diffusers()
            path = ensure_tiny_pipeline(path, self.arch)
        return _Resolved(
            base=_Located(str(path), None),
            controlnet=_Located(str(path / "controlnet"), None),
            arch=self.arch,
        )

    def _arch_label(self, arch: Arch | None) -> str:
        return f"{self.arch}-tiny"

    @classmethod
    def check(cls, settings: Settings, control_types: Sequence[str] | None = None) -> tuple[bool, list[str]]:
        """Whether the tiny engine can run: the diffusion stack imports, the device exists, and its folder is
        built or can be built (a writable place, not some other folder)."""
        if (problem := _import_problem()) is not None:
            return False, [problem]
        problems: list[str] = []
        if (problem := _device_problem(settings)) is not None:
            problems.append(problem)
        path = tiny_model_dir(settings)
        if not (path / "model_index.json").is_file():
            if path.exists() and (not path.is_dir() or any(path.iterdir())):
                problems.append(f"SEAMLINE_TINY_MODEL_PATH {path} exists but holds no model_index.json")
            else:
                ancestor = path
                while not ancestor.exists():
                    ancestor = ancestor.parent
                if not os.access(ancestor, os.W_OK):
                    problems.append(f"SEAMLINE_TINY_MODEL_PATH {path} cannot be created ({ancestor} is read-only)")
        return not problems, problems


def engine_status(
    settings: Settings, engine: str = "controlnet", control_types: Sequence[str] | None = None
) -> tuple[bool, list[str]]:
    """(can run, problems) for the `controlnet` or `tiny` engine; see their `check` classmethods."""
    engines: dict[str, type[ControlNetEngine]] = {"controlnet": ControlNetEngine, "tiny": TinyEngine}
    if engine not in engines:
        raise ValueError(f"engine must be one of {', '.join(engines)}, got {engine!r}")
    return engines[engine].check(settings, control_types)
