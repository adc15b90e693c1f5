"""Ids past the database's integer range, in API, page and file URLs and in bodies: 404 or 422, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import api_login, db_counts, form_login, make_user, sprint_looks

HUGE = [str(2**63), str(2**70), "-1", "0", "9" * 5000]


@pytest.mark.parametrize("look_id", HUGE, ids=["2^63", "2^70", "-1", "0", "5000 digits"])
def test_ids_out_of_range_in_urls(tmp_path: Path, db_url: str, settings, make_client, look_id: str) -> None:  # type: ignore[no-untyped-def]
    make_user(db_url, "ana")
    client = make_client()
    csrf = api_login(client, "ana")
    for r in (
        client.get(f"/api/looks/{look_id}"),
        client.post(f"/api/looks/{look_id}/decision", json={"verdict": "reject"}, headers={"X-CSRF-Token": csrf}),
        client.get(f"/looks/{look_id}"),
        client.post(f"/looks/{look_id}/decision", data={"csrf_token": csrf, "verdict": "reject"}),
        client.get(f"/files/{look_id}"),
        client.get(f"/files/sha256/{look_id}.png"),
    ):
        assert r.status_code in (404, 422), (r.request.url, r.status_code, r.text[:300])
        assert "internal" not in r.text.lower()


def test_ids_out_of_range_in_bodies(tmp_path: Path, db_url: str, settings, make_client) -> None:  # type: ignore[no-untyped-def]
    (look,) = sprint_looks(tmp_path / "b", settings)
    make_user(db_url, "ana")
    client = make_client()
    csrf = form_login(client, "ana")
    before = db_counts(db_url)
    for big in (2**63, 2**70):
        for body in ({"draft_id": big}, {"draft_id": look.draft_ids[0], "round": big}):
            r = client.post(
                f"/api/looks/{look.look_id}/decision",
                json={"verdict": "approve", **body},
                headers={"X-CSRF-Token": csrf},
            )
            assert r.status_code in (404, 422), r.text[:300]
            form = {"csrf_token": csrf, "verdict": "approve", **{k: str(v) for k, v in body.items()}}
            r = client.post(f"/looks/{look.look_id}/decision", data=form)
            assert r.status_code in (404, 422), r.text[:300]
            assert str(big) not in r.text or len(str(big)) < 60
    assert db_counts(db_url) == before
