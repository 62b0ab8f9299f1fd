"""${VAR} and ${VAR:-default} expansion, before validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.config.interpolate import expand, interpolate
from tests.config.config_support import MINIMAL_TEAM, load, write_config

ENV = {"HOST": "jira.example.com", "PORT": "8443", "EMPTY": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", "plain text"),
        ("https://${HOST}", "https://jira.example.com"),
        ("https://${HOST}:${PORT}/x", "https://jira.example.com:8443/x"),
        ("${MISSING:-fallback}", "fallback"),
        ("${HOST:-fallback}", "jira.example.com"),
        ("${EMPTY:-fallback}", "fallback"),  # as in a shell: unset or empty
        ("${EMPTY}", ""),  # set but empty is a value
        ("${MISSING:-}", ""),
        ("${MISSING:-a:-b}", "a:-b"),
        ("$${HOST}", "${HOST}"),  # escaped: literal
        ("$${HOST} and ${HOST}", "${HOST} and jira.example.com"),
        ("cost: $5", "cost: $5"),
        ("$HOST", "$HOST"),  # only the braced form is expanded
    ],
)
def test_expand(text: str, expected: str) -> None:
    expansion = expand(text, ENV)

    assert expansion.problems == ()
    assert expansion.value == expected


def test_values_from_the_environment_are_not_expanded_again() -> None:
    assert expand("${A}", {"A": "${B}", "B": "no"}).value == "${B}"


def test_which_strings_had_a_reference() -> None:
    assert expand("${HOST}", ENV).had_reference
    assert expand("x-${MISSING:-}", ENV).had_reference
    assert not expand("$${HOST}", ENV).had_reference
    assert not expand("plain", ENV).had_reference


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("${JIRA_TOKEN}", "environment variable JIRA_TOKEN is not set"),
        ("${HOST} ${A} ${B}", "environment variable A is not set"),
        (
            "${not valid}",
            "bad reference ${not valid}: write ${NAME} or ${NAME:-default} "
            "(NAME: letters, digits and _)",
        ),
        (
            "${1X}",
            "bad reference ${1X}: write ${NAME} or ${NAME:-default} (NAME: letters, digits and _)",
        ),
        ("${HOST", "unterminated ${ (close it with }, or write $${ for a literal ${)"),
    ],
)
def test_expand_problems(text: str, problem: str) -> None:
    assert expand(text, ENV).problems[0] == problem


def test_several_missing_variables_are_each_reported() -> None:
    assert expand("${A}${B}", {}).problems == (
        "environment variable A is not set",
        "environment variable B is not set",
    )


def test_interpolate_walks_values_but_not_keys_or_other_scalars() -> None:
    data = {"${HOST}": "${HOST}", "n": 3, "flag": True, "list": ["${PORT}", None]}

    tree = interpolate(data, ENV)

    assert tree.data == {
        "${HOST}": "jira.example.com",
        "n": 3,
        "flag": True,
        "list": ["8443", None],
    }
    assert tree.from_environment == {("${HOST}",), ("list", 0)}
    assert tree.problems == ()


def test_interpolate_reports_the_path_and_blanks_the_value() -> None:
    tree = interpolate({"tracker": {"auth": {"token": "${JIRA_TOKEN}"}}}, {})

    assert tree.problems == (
        (("tracker", "auth", "token"), "environment variable JIRA_TOKEN is not set"),
    )
    assert tree.data == {"tracker": {"auth": {"token": ""}}}
    assert tree.failed == {("tracker", "auth", "token")}


def test_numbers_and_booleans_can_come_from_the_environment(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + (
        "  timeout_seconds: ${TIMEOUT}\n"
        "policy:\n  due_soon_days: ${SOON:-3}\n  business_days: ${BUSINESS}\n"
    )
    write_config(tmp_path, {"payments.yaml": team})

    loaded = load(tmp_path, env={"JIRA_TOKEN": "t", "TIMEOUT": "12.5", "BUSINESS": "true"})

    assert loaded.errors == []
    config = loaded.teams[0].config
    assert config.policy.due_soon_days == 3
    assert config.policy.business_days is True
    assert config.tracker.settings.timeout_seconds == 12.5  # type: ignore[attr-defined]


def test_a_missing_variable_is_not_reported_twice(tmp_path: Path) -> None:
    write_config(tmp_path, {"payments.yaml": MINIMAL_TEAM.replace("PAY", "${PROJECT}")})

    errors = [str(error) for error in load(tmp_path).errors]

    # the blanked value would also fail validation; only the cause is reported
    assert errors == [
        "teams/payments.yaml:12: tracker.project: environment variable PROJECT is not set"
    ]


def test_escaped_reference_stays_literal_in_the_loaded_value(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("path: ../postmortems", "path: '../postmortems/$${x}'")
    write_config(tmp_path, {"payments.yaml": team})

    loaded = load(tmp_path)

    assert loaded.errors == []
    settings = loaded.teams[0].config.sources[0].settings
    assert settings.path == "../postmortems/${x}"  # type: ignore[attr-defined]
