"""Fixtures of the review tests: cheap password hashes, and clients on a review app built for the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from design_ai.config import Settings
from design_ai.review import accounts


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its default cost takes ~0.15 s per hash; the tests make and check dozens of accounts."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """Build the app for this test's settings and open a client on it (lifespan included); closed at the end."""
    from design_ai.review.app import create_app

    opened: list[TestClient] = []

    def make(settings_: Settings | None = None, **kwargs: Any) -> TestClient:
        app = create_app(settings_ or settings, **kwargs)
        client = TestClient(app, follow_redirects=False)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)
