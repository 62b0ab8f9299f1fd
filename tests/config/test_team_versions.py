"""Team files carry their format's version: read as version 1 when they say nothing, refused
when newer than this syncd, and older ones brought up to date step by step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syncd.config.team_versions import (
    TEAM_FILE_VERSION,
    VersionError,
    migrate_team_file,
)
from tests.config.config_support import MINIMAL_TEAM, load, team_errors, write_config

REPOSITORY = Path(__file__).resolve().parents[2]


def test_a_file_without_a_version_and_one_with_version_1_load_alike(tmp_path: Path) -> None:
    without = load(write_config(tmp_path / "a", {"payments.yaml": MINIMAL_TEAM}))
    with_it = load(write_config(tmp_path / "b", {"payments.yaml": "version: 1\n" + MINIMAL_TEAM}))
    assert without.ok and with_it.ok
    assert without.teams[0].config == with_it.teams[0].config
    assert with_it.teams[0].config.version == TEAM_FILE_VERSION == 1


def test_the_shipped_example_carries_the_current_version() -> None:
    example = (REPOSITORY / "config" / "teams" / "example.yaml").read_text(encoding="utf-8")
    assert f"\nversion: {TEAM_FILE_VERSION}\n" in example


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2", "2 is newer than this syncd reads (at most 1); upgrade syncd"),
        ("0", "must be at least 1"),
        ("one", "must be a whole number"),
        ("true", "must be a whole number"),
        ("1.5", "must be a whole number"),
    ],
)
def test_a_version_this_syncd_cannot_read_is_an_error_on_its_line(
    tmp_path: Path, written: str, message: str
) -> None:
    [error] = team_errors(tmp_path, MINIMAL_TEAM + f"version: {written}\n")
    line = MINIMAL_TEAM.count("\n") + 1
    assert error.startswith(f"teams/payments.yaml:{line}: version: {message}")


def _rename_owner_key(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data["people"] = data.pop("owners", {})
    return data


def _add_policy(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "policy": {"due_soon_days": 5}}


def test_older_files_are_brought_forward_one_version_at_a_time() -> None:
    steps = {1: _rename_owner_key, 2: _add_policy}
    old = {"version": 1, "team": "t", "owners": {"bob": {}}}
    migrated = migrate_team_file(old, current=3, steps=steps)
    assert migrated.from_version == 1
    assert migrated.data == {
        "version": 3,
        "team": "t",
        "people": {"bob": {}},
        "policy": {"due_soon_days": 5},
    }
    assert old["version"] == 1 and "owners" in old  # the file's own mapping is left alone
    newer = migrate_team_file({"version": 2, "team": "t"}, current=3, steps=steps)
    assert newer.data == {"version": 3, "team": "t", "policy": {"due_soon_days": 5}}
    unversioned = migrate_team_file({"team": "t", "owners": {}}, current=3, steps=steps)
    assert unversioned.from_version == 1 and "people" in unversioned.data


def test_a_missing_step_is_reported_not_skipped() -> None:
    with pytest.raises(VersionError, match="cannot read version 1 files any more"):
        migrate_team_file({"version": 1}, current=2, steps={})
