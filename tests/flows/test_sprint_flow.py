"""The design_sprint flow against a real Prefect API (Prefect's test harness starts a temporary server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import write_brief
from sqlmodel import func, select

from design_ai.db.models import Draft, Look, LookStatus
from design_ai.db.session import session_scope
from design_ai.errors import UserError

pytestmark = pytest.mark.prefect


def _artifact(key: str) -> list:  # type: ignore[type-arg]
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))


def test_flow_drafts_queues_and_is_idempotent(prefect_api, tmp_path: Path, db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    from flows.sprint import design_sprint

    brief = write_brief(tmp_path / "b", looks=[{}, {"name": "Second", "control": "scribble"}])
    result = design_sprint(brief=str(brief), engine="flat", wait=False)
    assert [len(look["drafts"]) for look in result["looks"]] == [2, 2]
    assert all(Path(d["image"]).is_file() for look in result["looks"] for d in look["drafts"])
    assert Path(result["contact_sheet"]).is_file()
    with session_scope(db_url) as s:
        assert s.exec(select(func.count()).select_from(Draft)).one() == 4
        assert {lk.status for lk in s.exec(select(Look)).all()} == {LookStatus.IN_REVIEW.value}

    again = design_sprint(brief=str(brief), engine="flat", wait=False)
    assert again["brief_id"] == result["brief_id"]
    assert [d["draft_id"] for lk in again["looks"] for d in lk["drafts"]] == [
        d["draft_id"] for lk in result["looks"] for d in lk["drafts"]
    ]
    with session_scope(db_url) as s:
        assert s.exec(select(func.count()).select_from(Draft)).one() == 4

    table = _artifact("sprint-drafts")
    assert table, "the drafts table artifact was not published"
    assert _artifact("sprint-contact-sheet")


def test_flow_tiny_engine_records_models(prefect_api, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from flows.sprint import design_sprint

    brief = write_brief(tmp_path / "b", looks=[{"generation": {"width": 64, "height": 64, "steps": 2}}])
    result = design_sprint(brief=str(brief), engine="tiny", drafts=2, wait=False)
    [look] = result["looks"]
    assert [d["engine"] for d in look["drafts"]] == ["tiny", "tiny"]
    with session_scope(settings.resolved_database_url) as s:
        draft = s.exec(select(Draft)).first()
    assert draft.model_ids and draft.note and "noise" in draft.note
    assert draft.steps == 2


def test_user_error_fails_the_run_without_retries(prefect_api, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from flows.sprint import design_sprint

    brief = write_brief(tmp_path / "b", looks=[{"material": "unobtainium"}])
    with pytest.raises(UserError, match="unknown material"):
        design_sprint(brief=str(brief), engine="flat", wait=False)
    assert not Path(settings.home).exists()
