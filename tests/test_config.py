"""Settings from the environment: a wrong value is a user error naming its variable; an empty one is unset."""

from __future__ import annotations

import pytest

from design_ai.config import get_settings
from design_ai.errors import UserError


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SEAMLINE_ENGINE", "bogus", r"SEAMLINE_ENGINE: Input should be 'flat', 'tiny' or 'controlnet'"),
        ("SEAMLINE_STEPS", "0", r"SEAMLINE_STEPS: .*greater than or equal to 1"),
        ("SEAMLINE_CONTROLNET_MODELS", "{not json", r"SEAMLINE_CONTROLNET_MODELS: cannot parse the value"),
        ("SEAMLINE_STORE_OPTIONS", "[1, 2]", r"SEAMLINE_STORE_OPTIONS: "),
    ],
)
def test_a_bad_setting_names_its_variable(  # type: ignore[no-untyped-def]
    home, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(UserError, match=message):
        get_settings()


def test_an_empty_variable_means_the_default(home, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # Compose files write `SEAMLINE_X: ${X:-}` for optional settings: empty must not crash or override.
    for name in ("SEAMLINE_CONTROLNET_MODELS", "SEAMLINE_GENERATE_DEPLOYMENT", "SEAMLINE_GPU_LIMIT", "SEAMLINE_ENGINE"):
        monkeypatch.setenv(name, "")
    settings = get_settings()
    assert settings.controlnet_models == {} and settings.generate_deployment is None and settings.gpu_limit is None
    assert settings.engine == "flat"
