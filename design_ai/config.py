"""Settings from `SEAMLINE_*` environment variables or a `seamline.toml`, with embedded defaults.

The defaults need nothing outside the checkout: SQLite and a local store under `SEAMLINE_HOME`, the `flat`
engine, no GPU and no downloaded weights. Everything a cluster changes (database, store, engine, models) is a
setting, so the same code runs on a laptop and in a work pool.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

if TYPE_CHECKING:
    from design_ai.patterns.drift import FidelityLimits

__all__ = ["EngineName", "Settings", "get_settings"]

EngineName = Literal["flat", "tiny", "controlnet"]


class Settings(BaseSettings):
    """Every knob Seamline reads; see the README's "Settings" table for what each is for."""

    model_config = SettingsConfigDict(
        env_prefix="SEAMLINE_",
        toml_file="seamline.toml",
        extra="ignore",
        env_nested_delimiter="__",
        env_ignore_empty=True,  # `SEAMLINE_X=` (as compose files write an unset optional) means "default"
    )

    home: Path = Field(default=Path(".seamline"), description="Folder for the default database and store.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in home.")
    store_url: str | None = Field(default=None, description="fsspec URL of the artifact store; default home/store.")
    # S3 credentials are boto's own AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or a profile, or an instance role):
    # deliberately not settings, so they never land in seamline.toml or Prefect's stored parameters.
    store_endpoint_url: str | None = Field(
        default=None, description="S3 endpoint for an s3:// store (MinIO, SeaweedFS: http://minio:9000); None = AWS."
    )
    store_options: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra fsspec storage options for the store, JSON in SEAMLINE_STORE_OPTIONS (no region_name: "
        "with a custom endpoint it breaks bucket creation).",
    )
    engine: EngineName = Field(default="flat", description="Draft engine when a command names none.")
    device: str | None = Field(default=None, description="cuda, mps or cpu; default cuda if present, else cpu.")
    dtype: Literal["auto", "float16", "bfloat16", "float32"] = Field(
        default="auto", description="Weights' dtype: auto means fp16 on CUDA/MPS, fp32 on CPU."
    )

    # Real Stable Diffusion + ControlNet weights: a local folder or a Hugging Face repo id found in the cache.
    base_model: str | None = Field(default=None, description="SD 1.5 or SDXL base model (folder or repo id).")
    controlnet_models: dict[str, str] = Field(
        default_factory=dict,
        description="ControlNet per control type, e.g. {canny: ..., lineart: ..., scribble: ..., softedge: ...}.",
    )
    annotators_path: Path | None = Field(
        default=None, description="Folder with controlnet-aux annotator weights (sk_model.pth, ControlNetHED.pth, ...)."
    )
    allow_downloads: bool = Field(default=False, description="Let from_pretrained reach the hub (off: local only).")
    tiny_model_path: Path | None = Field(default=None, description="Where the tiny random pipeline is saved.")

    # Generation defaults; a brief's look can override each.
    steps: int = Field(default=20, ge=1, le=200)
    guidance: float = Field(default=7.5, ge=0.0, le=50.0)
    controlnet_scale: float = Field(default=1.0, ge=0.0, le=2.0)
    scheduler: str = Field(default="UniPCMultistepScheduler")
    image_size: int = Field(default=512, ge=64, le=2048, description="Draft width and height in pixels.")
    batch_size: int = Field(default=4, ge=1, le=64, description="Images per pipeline call.")

    # Review.
    review_timeout_s: int = Field(default=7 * 24 * 3600, ge=1, description="How long a sprint waits for a decision.")
    review_poll_s: float = Field(default=10.0, gt=0, description="How often a waiting flow run checks for input.")
    four_eyes: bool = Field(default=False, description="Refuse a decision by the look's own author.")
    review_queue_cache_s: float = Field(
        default=1.0, ge=0.0, le=60.0,
        description="How long a rendered queue page serves every reviewer (a decision here clears it; 0: off).",
    )  # fmt: skip
    secret_key: str | None = Field(default=None, description="Signs review-app sessions; default a file in home.")
    review_url: str = Field(default="http://127.0.0.1:8088", description="Where the review app is served.")
    sprint_cron: str = Field(default="0 9 * * 1", description="When the served design-sprint deployment runs.")
    sprint_brief: Path | None = Field(default=None, description="The brief the scheduled sprint drafts.")

    # At scale (infra/prefect.yaml): generation runs as its own deployment on the `gpu` work pool.
    generate_deployment: str | None = Field(
        default=None,
        description="Deployment ('flow/name') each look's generation runs as; unset: in the sprint's own process.",
    )
    looks_per_run: int = Field(
        default=8, ge=1, le=500,
        description="Looks per generation run: each run pays a process start and a pipeline load once.",
    )  # fmt: skip
    gpu_limit: str | None = Field(
        default=None, description="Prefect global concurrency limit held while generating (one slot per GPU)."
    )
    gpu_limit_timeout_s: float = Field(
        default=6 * 3600, gt=0, description="How long a generation run may wait for a GPU slot before failing."
    )

    # Fidelity guard: a draft whose garment drifts this far from its sketch is flagged in the review queue,
    # and approving it asks for confirmation. Judged when the queue is shown or a draft approved, so a changed
    # limit applies to every draft waiting (each draft also keeps the flag it had when made).
    fidelity_min_iou: float = Field(
        default=0.85, ge=0.0, le=1.0, description="Least silhouette IoU (draft vs its placed sketch) not flagged."
    )
    fidelity_max_pom_cm: float = Field(
        default=2.0, gt=0.0, le=50.0, description="Largest |draft - sketch| of any point of measure (cm) not flagged."
    )

    # Patterns and markers.
    fabric_width_cm: float = Field(default=150.0, gt=0, le=400, description="Marker width when no material says.")
    seam_allowance_cm: float = Field(default=1.0, ge=0, le=5)
    hem_allowance_cm: float = Field(default=2.5, ge=0, le=10)
    back_neck_drop_cm: float = Field(default=2.0, ge=0, le=10)
    sleeve_ease_cm: float = Field(default=1.0, ge=0, le=5)
    rib_ratio: float = Field(default=0.8, gt=0.3, le=1.0, description="Neckband length over neckline length.")
    baseline_material: str = Field(default="cotton-jersey-180", description="Carbon comparison when a look names none.")
    marker_seconds: float = Field(default=3.0, gt=0, le=600, description="Time the nesting may take per marker.")

    # Bad input limits.
    max_image_pixels: int = Field(default=50_000_000, description="Refuse images above this (decompression bomb).")

    @field_validator("home", mode="after")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the project's seamline.toml, which beats the defaults.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def fidelity_limits(self) -> FidelityLimits:
        """The fidelity guard's limits (`design_ai.patterns.drift`)."""
        from design_ai.patterns.drift import FidelityLimits

        return FidelityLimits(min_iou=self.fidelity_min_iou, max_pom_cm=self.fidelity_max_pom_cm)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'seamline.db'}"

    @property
    def resolved_store_url(self) -> str:
        return self.store_url or str(self.home / "store")

    @property
    def resolved_tiny_model_path(self) -> Path:
        return (self.tiny_model_path or self.home / "models" / "tiny-sd-controlnet").expanduser().resolve()

    def resolved_device(self) -> str:
        """cuda if present, else mps, else cpu; imports torch, so call it only when generating."""
        if self.device:
            return self.device
        import torch

        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return "mps"
        return "cpu"


@lru_cache(maxsize=1)
def _cached_settings(_env_key: tuple[tuple[str, str], ...], _cwd: str) -> Settings:
    """Settings, or one line naming the variable that is wrong (a typo in a deployment's env is a user error)."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from design_ai.errors import UserError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "SEAMLINE_" + "__".join(str(part) for part in first["loc"]).upper()
        raise UserError(f"{first['msg']}", where=name) from None
    except SettingsError as exc:
        field = str(exc).split('"')[1] if '"' in str(exc) else ""
        name = f"SEAMLINE_{field.upper()}" if field else "a SEAMLINE_* setting"
        raise UserError(f"cannot parse the value (JSON expected for lists and maps): {exc}", where=name) from None


def get_settings() -> Settings:
    """Settings for the current environment; re-read when a SEAMLINE_* variable or the folder changes."""
    key = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("SEAMLINE_")))
    return _cached_settings(key, os.getcwd())
