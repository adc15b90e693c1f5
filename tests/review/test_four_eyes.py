"""The four-eyes rule as an attacker tries it: the author's name spelt otherwise or left out, and a terminal
whose environment does not set the rule. The switch lives in the database, so every entry point reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import PASSWORD, api_login, db_counts, make_user, sprint_looks
from factories import write_brief
from test_cli import seamline

from design_ai.brief import load_brief
from design_ai.db.models import Brief
from design_ai.db.session import session_scope
from design_ai.errors import UserError
from design_ai.review.accounts import Forbidden
from design_ai.review.four_eyes import set_four_eyes
from design_ai.review.state import decide
from design_ai.sprint import preflight


def _rule_on(url: str, by: str = "root") -> None:
    with session_scope(url) as s:
        set_four_eyes(s, enabled=True, by=by)


def _author(url: str, brief_id: int, author: str | None) -> None:
    with session_scope(url) as s:
        s.get(Brief, brief_id).author = author


@pytest.mark.parametrize("written", ["Mina", "mina ", " MINA"])
def test_the_author_is_matched_as_an_account_not_a_string(written: str, tmp_path: Path, db_url: str,
                                                          settings) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings, author="mina")
    make_user(db_url, "mina")
    make_user(db_url, "ana")
    _author(db_url, look.brief_id, written)
    before = db_counts(db_url)
    with pytest.raises(Forbidden, match="four-eyes rule: mina wrote this brief"):
        decide(db_url, look_id=look.look_id, verdict="reject", reviewer="mina", four_eyes=True)
    assert db_counts(db_url) == before
    decide(db_url, look_id=look.look_id, verdict="reject", reviewer="ana", four_eyes=True)


@pytest.mark.parametrize("written", [None, "", "  ", "somebody else"])
def test_a_brief_whose_author_cannot_be_told_is_not_decided_under_the_rule(
    written: str | None, tmp_path: Path, db_url: str, settings  # type: ignore[no-untyped-def]
) -> None:
    [look] = sprint_looks(tmp_path / "b", settings, author="mina")
    make_user(db_url, "ana")
    _author(db_url, look.brief_id, written)
    before = db_counts(db_url)
    with pytest.raises(Forbidden, match="four-eyes rule: the brief"):
        decide(db_url, look_id=look.look_id, verdict="reject", reviewer="ana", four_eyes=True)
    assert db_counts(db_url) == before


def test_the_rule_in_the_database_holds_whatever_an_entry_point_sets(tmp_path: Path, db_url: str,
                                                                     settings) -> None:  # type: ignore[no-untyped-def]
    """A caller passing four_eyes=False (a terminal without SEAMLINE_FOUR_EYES) is still held to it."""
    [look] = sprint_looks(tmp_path / "b", settings, author="mina")
    make_user(db_url, "mina")
    _rule_on(db_url)
    with pytest.raises(Forbidden, match="mina wrote this brief"):
        decide(db_url, look_id=look.look_id, verdict="reject", reviewer="mina", four_eyes=False)


def test_the_cli_reads_the_rule_from_the_database(tmp_path: Path, db_url: str, settings, home: Path) -> None:  # type: ignore[no-untyped-def]
    if not db_url.startswith("sqlite"):
        pytest.skip("the CLI reads the home's SQLite database")
    [look] = sprint_looks(tmp_path / "b", settings, author="Mina")
    make_user(db_url, "mina")
    make_user(db_url, "root", role="admin")
    env = {"SEAMLINE_HOME": str(home), "SEAMLINE_PASSWORD": PASSWORD}
    refused = seamline("review", "four-eyes", "on", "--as", "mina", env=env)
    assert refused.returncode == 2 and "may not switch the four-eyes rule" in refused.stderr
    on = seamline("review", "four-eyes", "on", "--as", "root", env=env)
    assert on.returncode == 0 and "four-eyes rule: on (database: set on by root" in on.stdout
    before = db_counts(db_url)
    out = seamline("review", "reject", str(look.look_id), "--as", "mina", env=env)  # no SEAMLINE_FOUR_EYES here
    assert out.returncode == 2 and "four-eyes rule: mina wrote this brief" in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert db_counts(db_url) == before


def test_the_page_says_why_the_author_cannot_decide(tmp_path: Path, db_url: str, settings,
                                                   make_client) -> None:  # type: ignore[no-untyped-def]
    [look] = sprint_looks(tmp_path / "b", settings, author="MINA")
    make_user(db_url, "mina")
    make_user(db_url, "ana")
    _rule_on(db_url)
    client = make_client()  # the app's settings do not set the rule
    api_login(client, "mina")
    page = client.get(f"/looks/{look.look_id}").text
    assert "mina wrote this brief" in page and 'name="verdict"' not in page
    api_login(client, "ana")
    assert 'name="verdict"' in client.get(f"/looks/{look.look_id}").text


@pytest.mark.parametrize("author", [None, "nobody"])
def test_a_sprint_under_the_rule_needs_an_author_account(author: str | None, tmp_path: Path, db_url: str,
                                                         settings) -> None:  # type: ignore[no-untyped-def]
    make_user(db_url, "mina")
    _rule_on(db_url)
    top = {} if author is None else {"author": author}
    loaded = load_brief(write_brief(tmp_path / "b", **top))
    with pytest.raises(UserError, match="author: the four-eyes rule is on"):
        preflight(loaded, settings, "flat")
    preflight(load_brief(write_brief(tmp_path / "c", author="Mina")), settings, "flat")
