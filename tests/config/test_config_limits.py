"""Configuration files within their limits (``syncd.limits``): a hostile file is refused with
its file, line and what to do, never a hang or a traceback."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from syncd.config.yaml_reader import read_yaml
from syncd.cycle.digest_inputs import current_slot
from syncd.limits import CONFIG_YAML
from tests.config.config_support import MINIMAL_TEAM, load, team_errors, write_config

# 218 bytes that stand for 9**6 (half a million) values, and a billion with two more lines.
LAUGHS = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
)


def test_nested_aliases_are_refused_at_the_alias_that_crosses_the_budget(tmp_path: Path) -> None:
    errors = team_errors(tmp_path, MINIMAL_TEAM + LAUGHS)
    assert len(errors) == 1
    # line 13 + 5: the sixth line of the bomb, where *e repeats 9**4 values
    assert errors[0].startswith("teams/payments.yaml:18: a configuration file stands for more")
    assert "the alias *e here repeats" in errors[0]
    assert "use fewer aliases" in errors[0]
    assert load(tmp_path).teams == []


def test_aliases_and_merge_keys_within_the_budget_still_work(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("tracker:\n  type: jira\n", "tracker:\n  <<: *jira\n").replace(
        "team: payments\n", "team: payments\n.defaults: &jira {type: jira}\n"
    )
    write_config(tmp_path, {"payments.yaml": team})
    # The hidden key is unknown to the team file: the merge itself worked if that is the error.
    errors = [str(e) for e in load(tmp_path).errors]
    assert errors == [
        "teams/payments.yaml:2: .defaults: unknown key '.defaults' "
        "(allowed: date_order, digest, nudges, people, policy, services, sources, team, "
        "timezone, tracker, version)"
    ]


@pytest.mark.parametrize(
    "nesting",
    [
        "deep: " + "[" * 5000 + "]" * 5000 + "\n",
        "deep:\n" + "".join("  " * i + "- \n" for i in range(1, 60)),
    ],
    ids=["flow", "block"],
)
def test_deep_nesting_is_refused_with_its_line(tmp_path: Path, nesting: str) -> None:
    errors = team_errors(tmp_path, MINIMAL_TEAM + nesting)
    assert len(errors) == 1
    assert errors[0].startswith("teams/payments.yaml:")
    assert errors[0].endswith("nests lists and mappings more than 40 deep; flatten it")


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    padding = "# " + "x" * 1000 + "\n"
    errors = team_errors(tmp_path, MINIMAL_TEAM + padding * 1100)
    assert len(errors) == 1
    assert errors[0].startswith("teams/payments.yaml: a configuration file is 1,1")
    assert errors[0].endswith(f"the limit is {CONFIG_YAML.max_bytes:,} (is it the right file?)")


def test_a_raw_control_character_is_reported_on_its_line(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("project: PAY", "project: P\x01AY")
    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:12: invalid YAML: character U+0001 is not allowed (a control "
        "character?); remove it, or write it as an escape in a double-quoted string"
    ]


def test_an_escaped_control_character_is_reported_with_its_key(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("path: ../postmortems", 'path: "../post\\x00mortems"')
    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:5: sources[0].path: holds the control character U+0000 at "
        "position 8; remove it (check the file, or the ${VAR} it came from)"
    ]


def test_a_control_character_from_the_environment_names_the_key(tmp_path: Path) -> None:
    write_config(tmp_path, {"payments.yaml": MINIMAL_TEAM.replace("PAY", '"${PROJECT}"')})
    errors = [str(e) for e in load(tmp_path, {"JIRA_TOKEN": "t", "PROJECT": "P\x1bAY"}).errors]
    assert errors == [
        "teams/payments.yaml:12: tracker.project: holds the control character U+001B at "
        "position 2; remove it (check the file, or the ${VAR} it came from)"
    ]


def test_strings_and_lists_have_a_size_limit(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + "  labels: [" + ", ".join(["x"] * 10_001) + "]\n"
    team = team.replace("project: PAY", "project: " + "P" * 10_001)
    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:12: tracker.project: is 10,001 characters long; at most 10,000",
        "teams/payments.yaml:13: tracker.labels: has 10,001 items; at most 10,000",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("99999999999d", "must be shorter than 100 years"),
        ("9" * 5000 + "s", "must be shorter than 100 years"),
        (".inf", "must be a duration like"),
        ("8d", "must be at most 7d"),
        ("10s", "must be at least 30s"),
    ],
)
def test_sync_interval_is_bounded(tmp_path: Path, value: str, message: str) -> None:
    errors = team_errors(tmp_path, MINIMAL_TEAM, service=f"sync_interval: {value}\n")
    assert len(errors) == 1
    assert errors[0].startswith("syncd.yaml:1: sync_interval: " + message)


def test_a_week_is_the_longest_sync_interval(tmp_path: Path) -> None:
    write_config(tmp_path, {"payments.yaml": MINIMAL_TEAM}, service="sync_interval: 7d\n")
    loaded = load(tmp_path)
    assert loaded.errors == []
    assert loaded.service.sync_interval.days == 7


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("due_days: {default: 100000000000}", "policy.due_days.default: must be at most 3650"),
        ("due_days: {default: 1.0e+26}", "policy.due_days.default: must be a whole number"),
        ("due_days: {default: 1.5}", "policy.due_days.default: must be a whole number"),
        ("due_days: {default: 0}", "policy.due_days.default: must be at least 1"),
        ("due_soon_days: 400", "policy.due_soon_days: must be at most 365"),
        ("review_after_days: 99999", "policy.review_after_days: must be at most 3650"),
        ("stale_after_days: 4000", "policy.stale_after_days: must be at most 3650"),
        ("holidays: [9999-12-31]", "policy.holidays[0]: must be a date between 1970 and 2199"),
        ("holidays: [2026-02-30]", "policy.holidays[0]: invalid value: not a date or number"),
    ],
)
def test_policy_values_are_bounded(tmp_path: Path, policy: str, message: str) -> None:
    errors = team_errors(tmp_path, MINIMAL_TEAM + f"policy:\n  {policy}\n")
    assert len(errors) == 1
    assert errors[0].startswith("teams/payments.yaml:14: " + message), errors[0]


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("0 9 31 2 *", "the schedule never fires (a day that does not exist, like 31 February)"),
        ("0 9 29 2 *", "the schedule leaves 11"),  # every four years
        ("0 9 13 * fri", "the schedule leaves 4"),  # Friday the 13th: up to 14 months apart
        ("0 9 31 12 mon", "the schedule leaves 18"),
    ],
)
def test_a_schedule_must_fire_at_least_once_a_year(
    tmp_path: Path, schedule: str, message: str
) -> None:
    errors = team_errors(tmp_path, MINIMAL_TEAM + f'digest:\n  schedule: "{schedule}"\n')
    assert len(errors) == 1
    assert errors[0].startswith("teams/payments.yaml:14: digest.schedule: " + message), errors[0]


@pytest.mark.parametrize(
    ("schedule", "latest"),
    [
        ("0 9 * * 0-6", datetime(2026, 11, 18, 9, 0, tzinfo=UTC)),  # every day, Sunday first
        ("0 9 * * 1-7", datetime(2026, 11, 18, 9, 0, tzinfo=UTC)),
        ("0 9 * * */2", datetime(2026, 11, 17, 9, 0, tzinfo=UTC)),  # Sun, Tue, Thu, Sat
        ("0 9 1-7 1 mon", datetime(2026, 1, 5, 9, 0, tzinfo=UTC)),  # up to 371 days apart
        ("0 9 1 1 *", datetime(2026, 1, 1, 9, 0, tzinfo=UTC)),
    ],
)
def test_valid_schedules_are_accepted_and_have_a_slot(
    tmp_path: Path, schedule: str, latest: datetime
) -> None:
    write_config(
        tmp_path, {"payments.yaml": MINIMAL_TEAM + f'digest: {{schedule: "{schedule}"}}\n'}
    )
    loaded = load(tmp_path)
    assert loaded.errors == []
    now = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday
    assert current_slot(loaded.teams[0].config.digest.schedule, "UTC", now) == latest


def test_read_yaml_never_raises_on_text_yaml_refuses() -> None:
    for text in ("a: \ud800\n", "a: *nowhere\n", "a: [1\n", "\x00", "? [a]\n: b\n", "a: !!x 1\n"):
        _, problems = read_yaml(text)
        assert problems, text
        assert all(problem.message for problem in problems)


def test_a_markdown_source_reads_documents_of_at_most_64_mib(tmp_path: Path) -> None:
    setting = f"    max_document_bytes: {10**30}\n"
    team = MINIMAL_TEAM.replace(
        "    path: ../postmortems\n", "    path: ../postmortems\n" + setting
    )
    errors = team_errors(tmp_path, team)
    assert len(errors) == 1
    assert "max_document_bytes: must be at most 67108864" in errors[0]


def test_a_folder_of_time_zones_is_not_a_time_zone(tmp_path: Path) -> None:
    # Found by the soak: ZoneInfo("Europe") raises IsADirectoryError, not ZoneInfoNotFoundError.
    errors = team_errors(tmp_path, MINIMAL_TEAM + "timezone: Europe\n")
    assert len(errors) == 1
    assert errors[0].startswith("teams/payments.yaml:13: timezone: unknown time zone; use an IANA")
