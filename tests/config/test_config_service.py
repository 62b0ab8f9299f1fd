"""Service settings: SYNCD_* variables over syncd.yaml over defaults."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from syncd.config import ENVIRONMENT, ServiceSettings
from syncd.config.duration import format_duration, parse_duration
from tests.config.config_support import MINIMAL_TEAM, load, write_config

HOME = {"HOME": "/home/syncd"}


def service_of(
    tmp_path: Path, service: str | None, env: dict[str, str]
) -> tuple[object, list[str]]:
    write_config(tmp_path, {"payments.yaml": MINIMAL_TEAM}, service=service)
    loaded = load(tmp_path, env={"JIRA_TOKEN": "t", **env})
    return loaded.service, [str(error) for error in loaded.errors]


def test_defaults(tmp_path: Path) -> None:
    service, errors = service_of(tmp_path, None, HOME)

    assert errors == []
    assert isinstance(service, ServiceSettings)
    assert service.state_dir == Path("/home/syncd/.local/state/syncd")
    assert service.database_url == "sqlite:////home/syncd/.local/state/syncd/state.db"
    assert service.log_format is None
    assert service.log_level == "info"
    assert service.http_port == 8080
    assert service.sync_interval == timedelta(minutes=10)


def test_xdg_state_home(tmp_path: Path) -> None:
    service, _ = service_of(tmp_path, None, {**HOME, "XDG_STATE_HOME": "/var/lib/state"})
    assert isinstance(service, ServiceSettings)
    assert service.state_dir == Path("/var/lib/state/syncd")

    # the XDG spec says a relative value is to be ignored
    service, _ = service_of(tmp_path, None, {**HOME, "XDG_STATE_HOME": "relative"})
    assert isinstance(service, ServiceSettings)
    assert service.state_dir == Path("/home/syncd/.local/state/syncd")


def test_environment_beats_syncd_yaml_beats_defaults(tmp_path: Path) -> None:
    yaml = "http_port: 9000\nlog_level: warning\nsync_interval: 5m\n"
    env = {**HOME, "SYNCD_HTTP_PORT": "9100", "SYNCD_LOG_FORMAT": "json", "SYNCD_LOG_LEVEL": ""}

    service, errors = service_of(tmp_path, yaml, env)

    assert errors == []
    assert isinstance(service, ServiceSettings)
    assert service.http_port == 9100  # environment
    assert service.log_format == "json"  # environment
    assert service.log_level == "warning"  # syncd.yaml (an empty variable counts as unset)
    assert service.sync_interval == timedelta(minutes=5)  # syncd.yaml
    assert service.state_dir == Path("/home/syncd/.local/state/syncd")  # default


def test_state_dir_in_syncd_yaml_is_relative_to_the_config_root(tmp_path: Path) -> None:
    service, _ = service_of(tmp_path, "state_dir: var/syncd\n", HOME)
    assert isinstance(service, ServiceSettings)
    assert service.state_dir == tmp_path / "var/syncd"
    assert service.database_url == f"sqlite:///{tmp_path}/var/syncd/state.db"

    service, _ = service_of(tmp_path, "state_dir: ~/syncd-state\n", HOME)
    assert isinstance(service, ServiceSettings)
    assert service.state_dir == Path("/home/syncd/syncd-state")


def test_database_url_from_the_environment(tmp_path: Path) -> None:
    env = {**HOME, "SYNCD_DATABASE_URL": "postgres://syncd:pw-secret-000@db:5432/syncd"}

    service, errors = service_of(tmp_path, None, env)

    assert errors == []
    assert isinstance(service, ServiceSettings)
    assert service.database_url == "postgresql://syncd:pw-secret-000@db:5432/syncd"
    assert service.database_url_redacted == "postgresql://syncd:***@db:5432/syncd"
    assert "secret-000" not in repr(service) + str(service)


def test_database_password_written_in_syncd_yaml_is_refused(tmp_path: Path) -> None:
    yaml = "database_url: postgresql://syncd:hunter2-secret@db/syncd\n"

    _, errors = service_of(tmp_path, yaml, HOME)

    assert errors == [
        "syncd.yaml:1: database_url: the password must come from the environment, e.g. "
        'database_url: "postgresql://syncd:${SYNCD_DB_PASSWORD}@db.example.com/syncd", '
        "or set SYNCD_DATABASE_URL"
    ]
    assert "hunter2" not in "".join(errors)


def test_database_password_from_a_reference_is_fine(tmp_path: Path) -> None:
    yaml = 'database_url: "postgresql://syncd:${DB_PASSWORD}@db/syncd"\n'

    service, errors = service_of(tmp_path, yaml, {**HOME, "DB_PASSWORD": "pw"})

    assert errors == []
    assert isinstance(service, ServiceSettings)
    assert service.database_url == "postgresql://syncd:pw@db/syncd"


def test_bad_environment_values_name_the_variable(tmp_path: Path) -> None:
    env = {
        **HOME,
        "SYNCD_HTTP_PORT": "http",
        "SYNCD_SYNC_INTERVAL": "10 minutes",
        "SYNCD_DATABASE_URL": "mysql://u:pw-secret-000@db/x",
    }

    service, errors = service_of(tmp_path, None, env)

    assert errors == [
        "environment variable SYNCD_DATABASE_URL: must be an SQLAlchemy URL: sqlite:///PATH or "
        "postgresql://USER@HOST/DATABASE",
        "environment variable SYNCD_HTTP_PORT: must be a whole number",
        "environment variable SYNCD_SYNC_INTERVAL: must be a duration like 10m, 90s or 1h30m "
        "(units d, h, m, s), or a number of seconds",
    ]
    # nothing half-applied: the defaults, for a caller that must not start anyway
    assert isinstance(service, ServiceSettings)
    assert service.http_port == 8080


def test_errors_in_syncd_yaml_give_file_line_and_key(tmp_path: Path) -> None:
    yaml = "log_level: info\nhttp_prot: 80\nlog_format: xml\nsync_interval: 10s\nhttp_port: 0\n"

    _, errors = service_of(tmp_path, yaml, HOME)

    assert errors == [
        "syncd.yaml:2: http_prot: unknown key 'http_prot' (did you mean 'http_port'?)",
        "syncd.yaml:3: log_format: must be one of 'console' or 'json'",
        "syncd.yaml:4: sync_interval: must be at least 30s (trackers rate-limit frequent polling)",
        "syncd.yaml:5: http_port: must be at least 1",
    ]


def test_syncd_yaml_syntax_error_and_missing_variable(tmp_path: Path) -> None:
    _, errors = service_of(tmp_path, "http_port: [1\n", HOME)
    assert len(errors) == 1 and errors[0].startswith("syncd.yaml:2: invalid YAML: ")

    _, errors = service_of(tmp_path, "http_port: ${PORT}\n", HOME)
    assert errors == ["syncd.yaml:1: http_port: environment variable PORT is not set"]


def test_log_settings_are_case_insensitive(tmp_path: Path) -> None:
    service, errors = service_of(tmp_path, "log_level: DEBUG\nlog_format: Console\n", HOME)

    assert errors == []
    assert isinstance(service, ServiceSettings)
    assert (service.log_level, service.log_format) == ("debug", "console")


def test_environment_error_formats_as_a_variable() -> None:
    from syncd.config import ConfigError

    error = ConfigError(ENVIRONMENT, None, "SYNCD_HTTP_PORT", "must be a whole number")

    assert str(error) == "environment variable SYNCD_HTTP_PORT: must be a whole number"


def test_plain_construction_reads_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SYNCD_HTTP_PORT", "9999")

    assert ServiceSettings().http_port == 9999


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10m", timedelta(minutes=10)),
        ("90s", timedelta(seconds=90)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1d", timedelta(days=1)),
        ("2H", timedelta(hours=2)),
        ("600", timedelta(minutes=10)),
        ("1.5", timedelta(seconds=1.5)),
        (45, timedelta(seconds=45)),
    ],
)
def test_parse_duration(text: str | int, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "10 minutes", "m", "1m1h", "-5m", "1.5h", True])
def test_parse_duration_refuses(text: str | bool) -> None:
    with pytest.raises(ValueError, match="must be a duration like 10m"):
        parse_duration(text)


def test_format_duration_round_trips() -> None:
    for text in ("10m", "1h30m", "1d2h3m4s", "0s"):
        assert format_duration(parse_duration(text)) == text
