"""``team_lock_wait``: how long a writer waits for a team another process holds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from syncd.config import ServiceSettings
from tests.config.config_support import MINIMAL_TEAM, load, write_config

HOME = {"HOME": "/home/syncd"}


def _service(tmp_path: Path, yaml: str | None, env: dict[str, str]) -> tuple[object, list[str]]:
    write_config(tmp_path, {"payments.yaml": MINIMAL_TEAM}, service=yaml)
    loaded = load(tmp_path, env={"JIRA_TOKEN": "t", **HOME, **env})
    return loaded.service, [str(error) for error in loaded.errors]


@pytest.mark.parametrize(
    ("yaml", "env", "expected"),
    [
        (None, {}, timedelta(seconds=5)),
        ("team_lock_wait: 1m\n", {}, timedelta(minutes=1)),
        ("team_lock_wait: 1m\n", {"SYNCD_TEAM_LOCK_WAIT": "0"}, timedelta(0)),
        (None, {"SYNCD_TEAM_LOCK_WAIT": "2.5"}, timedelta(seconds=2.5)),
    ],
)
def test_team_lock_wait_from_yaml_or_environment(
    tmp_path: Path, yaml: str | None, env: dict[str, str], expected: timedelta
) -> None:
    service, errors = _service(tmp_path, yaml, env)
    assert errors == []
    assert isinstance(service, ServiceSettings) and service.team_lock_wait == expected


@pytest.mark.parametrize("value", ["-1", "soon"])
def test_a_bad_team_lock_wait_is_an_error_naming_the_key(tmp_path: Path, value: str) -> None:
    _, errors = _service(tmp_path, f"team_lock_wait: {value}\n", {})
    assert any("syncd.yaml:1: team_lock_wait:" in error for error in errors), errors
