"""One rule for the real components the tests start (PostgreSQL, S3, Chromium, LibreCAD, Compose).

Missing on a developer's machine: the test is skipped, saying what to install. Missing in CI, where `.ci/run`
installs each and sets its SEAMLINE_REQUIRE_* variable: the test fails, so a skip can never hide a gap.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ["missing"]


def missing(require: str, why: str) -> NoReturn:
    """Skip for want of a real component, or fail when `require` (a SEAMLINE_REQUIRE_* variable) is set."""
    if os.environ.get(require):
        pytest.fail(f"{require} is set but {why}")
    pytest.skip(why)
