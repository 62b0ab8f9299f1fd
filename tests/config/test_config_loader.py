"""Loading a configuration directory: good teams, and every kind of error with file:line: key."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from connectors.github import GitHubSettings
from connectors.jira import JiraSettings
from connectors.markdown import MarkdownSettings
from connectors.slack import SlackSettings
from connectors.webhook import WebhookSettings
from syncd.config import ConfigError, load_config
from syncd.model import Priority
from syncd.plugins import available
from tests.config.config_support import (
    FIXTURE_ENV,
    GOOD_CONFIG,
    MINIMAL_TEAM,
    SECRET_MARK,
    error_lines,
    load,
    team_errors,
    write_config,
)

# --------------------------------------------------------------------------- the good fixture


def test_good_config_loads_every_team_without_errors() -> None:
    loaded = load(GOOD_CONFIG)

    assert loaded.errors == []
    assert loaded.ok
    assert loaded.root == GOOD_CONFIG.absolute()
    assert [team.config.team for team in loaded.teams] == ["payments", "search"]
    assert loaded.teams[0].file == GOOD_CONFIG.absolute() / "teams" / "payments.yaml"
    assert loaded.teams[0].dir == GOOD_CONFIG.absolute() / "teams"


def test_connector_blocks_hold_their_connectors_settings() -> None:
    payments = load(GOOD_CONFIG).teams[0].config

    first, second = payments.sources
    assert (first.name, first.type) == ("pm-repo", "markdown")
    assert isinstance(first.settings, MarkdownSettings)
    assert first.settings.path == "../postmortems/payments"
    assert isinstance(second.settings, MarkdownSettings)
    assert second.settings.git is not None and second.settings.git.subdir == "postmortems"

    tracker = payments.tracker.settings
    assert isinstance(tracker, JiraSettings)
    assert tracker.url == "https://acme.atlassian.net"  # trailing / removed
    assert tracker.auth.token.get_secret_value() == FIXTURE_ENV["JIRA_TOKEN"]
    assert tracker.timeout_seconds == 20.0  # from the ${JIRA_TIMEOUT:-20} default
    assert tracker.priorities == {"P0": "Blocker", "P1": "High", "P2": "Medium", "P3": "Low"}

    slack, teams, webhook = (channel.settings for channel in payments.digest.channels)
    assert isinstance(slack, SlackSettings) and slack.icon_emoji == ":memo:"
    assert teams.webhook_url.get_secret_value() == ""  # type: ignore[attr-defined]
    assert isinstance(webhook, WebhookSettings)
    authorization = webhook.headers["Authorization"].get_secret_value()
    assert authorization == "Bearer " + FIXTURE_ENV["DIGEST_WEBHOOK_TOKEN"]


def test_team_settings_and_defaults() -> None:
    payments, search = (team.config for team in load(GOOD_CONFIG).teams)

    assert payments.timezone == "Europe/Berlin" and payments.tzinfo.key == "Europe/Berlin"
    assert payments.date_order == "dmy"
    assert payments.policy.business_days is True
    assert payments.policy.holidays == [date(2026, 12, 24), date(2026, 12, 25)]
    assert payments.policy.due_soon_days == 5
    assert payments.policy.due_days.for_priority(Priority.P0) == 7
    assert payments.policy.due_days.for_priority(Priority.P3) == 56
    assert payments.policy.due_days.for_priority(None) == 56

    assert search.timezone == "UTC"
    assert search.date_order is None
    assert search.policy.stale_after_days == 14
    assert search.policy.review_after_days == 35
    assert search.policy.mirror_done_items is False
    assert search.digest.schedule == "30 8 * * 1-5"
    github = search.tracker.settings
    assert isinstance(github, GitHubSettings)
    assert (github.repo, github.due_dates) == ("acme/search", "milestone")


def test_people_yaml_is_merged_under_each_team_and_team_entries_replace_shared_ones() -> None:
    payments, search = (team.config for team in load(GOOD_CONFIG).teams)

    assert set(payments.people) == {"alice", "bob", "core-1-team"}
    assert payments.people["bob"].aliases == ["Robert Jones", "bjones"]
    assert payments.people["bob"].email is None  # replaced as a whole, not merged key by key
    assert payments.people["core-1-team"].lead == "alice"
    assert set(search.people) == {"alice", "bob"}
    assert search.people["bob"].aliases == ["Bob Jones"]


def test_service_settings_come_from_syncd_yaml() -> None:
    service = load(GOOD_CONFIG).service

    assert service.log_level == "debug"
    assert service.http_port == 9100
    assert service.sync_interval == timedelta(hours=1, minutes=30)
    assert service.state_dir == GOOD_CONFIG.absolute() / "state"
    assert service.database_url == f"sqlite:///{(GOOD_CONFIG.absolute() / 'state/state.db')}"


def test_a_single_team_file_uses_the_shared_files_of_its_config_root() -> None:
    loaded = load(GOOD_CONFIG / "teams" / "search.yml")

    assert loaded.errors == []
    assert loaded.root == GOOD_CONFIG.absolute()
    assert [team.config.team for team in loaded.teams] == ["search"]
    assert "alice" in loaded.teams[0].config.people  # from people.yaml
    assert loaded.service.http_port == 9100  # from syncd.yaml


def test_a_single_team_file_outside_a_teams_directory_is_its_own_root(tmp_path: Path) -> None:
    (tmp_path / "people.yaml").write_text("zed: {aliases: [Zed]}\n")
    (tmp_path / "payments.yaml").write_text(MINIMAL_TEAM)

    loaded = load(tmp_path / "payments.yaml")

    assert loaded.errors == []
    assert loaded.root == tmp_path
    assert set(loaded.teams[0].config.people) == {"zed"}


def test_empty_optional_sections_mean_their_defaults(tmp_path: Path) -> None:
    write_config(tmp_path, {"payments.yaml": MINIMAL_TEAM + "people:\npolicy:\ndigest:\n"})

    loaded = load(tmp_path)

    assert loaded.errors == []
    team = loaded.teams[0].config
    assert team.people == {}
    assert team.policy.due_days.for_priority(Priority.P1) == 28
    assert team.digest.schedule == "0 9 * * MON" and team.digest.channels == []


# ------------------------------------------------------------------------- errors, one by one


def test_missing_required_key_points_at_the_parent_mapping(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("  project: PAY\n", "")

    assert team_errors(tmp_path, team) == ["teams/payments.yaml:6: tracker.project: field required"]


def test_missing_top_level_key_points_at_the_first_line(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.split("tracker:")[0]

    assert team_errors(tmp_path, team) == ["teams/payments.yaml:1: tracker: field required"]


def test_unknown_key_suggests_the_closest_one(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("  project: PAY", "  prject: PAY") + "polcy: {}\n"

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:6: tracker.project: field required",
        "teams/payments.yaml:12: tracker.prject: unknown key 'prject' (did you mean 'project'?)",
        "teams/payments.yaml:13: polcy: unknown key 'polcy' (did you mean 'policy'?)",
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_ones(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + "policy: {zzz: 1}\n"

    [error] = team_errors(tmp_path, team)

    assert error.startswith("teams/payments.yaml:13: policy.zzz: unknown key 'zzz' (allowed: ")
    assert "due_soon_days" in error and "stale_after_days" in error


def test_wrong_type(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + "policy:\n  due_soon_days: soon\n  business_days: maybe\n"

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:14: policy.due_soon_days: must be a whole number",
        "teams/payments.yaml:15: policy.business_days: must be true or false",
    ]


def test_bad_enum_value(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + "  deployment: cloudy\ndate_order: ymd\n"

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:13: tracker.deployment: must be one of 'auto', 'cloud' or "
        "'datacenter'",
        "teams/payments.yaml:14: date_order: must be one of 'dmy' or 'mdy'",
    ]


def test_bad_cron_schedule(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + 'digest:\n  schedule: "0 9 * MON"\n'

    [error] = team_errors(tmp_path, team)

    assert error.startswith("teams/payments.yaml:14: digest.schedule: not a valid cron expression")
    assert 'e.g. "0 9 * * MON"' in error


def test_bad_timezone_suggests_a_real_one(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("team: payments\n", "team: payments\ntimezone: Europe/Berln\n")

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:2: timezone: unknown time zone; use an IANA name "
        "(did you mean 'Europe/Berlin'?)"
    ]


def test_bad_team_name(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("team: payments", "team: Payments Team")

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:1: team: must be lowercase letters, digits, - and _ (e.g. payments)"
    ]


def test_duplicate_source_name(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace(
        "tracker:", "  - name: pm\n    type: markdown\n    path: ../other\ntracker:"
    )

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:6: sources[1].name: duplicate source name 'pm' (also sources[0]); "
        "names must be unique within the team"
    ]


def test_unknown_connector_type_lists_the_installed_ones(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("type: markdown", "type: sharepoint").replace(
        "type: jira", "type: jria"
    )

    sources = ", ".join(available("source"))
    trackers = ", ".join(available("tracker"))
    assert team_errors(tmp_path, team) == [
        f"teams/payments.yaml:4: sources[0].type: unknown source type 'sharepoint' "
        f"(installed: {sources})",
        f"teams/payments.yaml:7: tracker.type: unknown tracker type 'jria' "
        f"(did you mean 'jira'? installed: {trackers})",
    ]
    assert "github" in trackers and "jira" in trackers


def test_connector_type_of_the_wrong_kind_is_unknown(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + "digest:\n  channels:\n    - {type: jira, webhook_url: x}\n"

    [error] = team_errors(tmp_path, team)

    assert error.startswith(
        "teams/payments.yaml:15: digest.channels[0].type: unknown notifier type 'jira'"
    )
    assert "slack" in error and "webhook" in error


def test_missing_connector_type(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("    type: markdown\n", "")

    assert team_errors(tmp_path, team) == ["teams/payments.yaml:3: sources[0].type: field required"]


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("  project: PAY\n", "  project: PAY\n  project: OPS\n")

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:13: tracker.project: duplicate key 'project' (first on line 12); "
        "keep one of them"
    ]


def test_yaml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    team = MINIMAL_TEAM.replace("  project: PAY", "  project: [PAY")

    [error] = team_errors(tmp_path, team)

    assert error.startswith("teams/payments.yaml:13: invalid YAML: ")
    assert "flow sequence" in error


def test_missing_environment_variable(tmp_path: Path) -> None:
    write_config(tmp_path, {"payments.yaml": MINIMAL_TEAM})

    errors = error_lines(tmp_path, env={"HOME": "/home/syncd"})

    assert errors == [
        "teams/payments.yaml:11: tracker.auth.token: environment variable JIRA_TOKEN is not set"
    ]


def test_empty_default_is_allowed_for_a_dry_run(tmp_path: Path) -> None:
    write_config(tmp_path, {"payments.yaml": MINIMAL_TEAM.replace("JIRA_TOKEN", "JIRA_TOKEN:-")})

    loaded = load(tmp_path, env={})

    assert loaded.errors == []
    settings = loaded.teams[0].config.tracker.settings
    assert isinstance(settings, JiraSettings)
    assert settings.auth.token.get_secret_value() == ""


@pytest.mark.parametrize(
    ("edit", "line", "key", "example"),
    [
        (
            ('token: "${JIRA_TOKEN}"', "token: plain-secret-0009"),
            11,
            "tracker.auth.token",
            'token: "${JIRA_TOKEN}"',
        ),
        (
            (
                "  project: PAY\n",
                '  project: PAY\ndigest:\n  channels: [{type: slack, webhook_url: "https://hooks.example.com/secret-0009"}]\n',
            ),
            14,
            "digest.channels[0].webhook_url",
            'webhook_url: "${SLACK_WEBHOOK_URL}"',
        ),
        (
            (
                "  project: PAY\n",
                "  project: PAY\ndigest:\n  channels:\n    - type: webhook\n"
                '      webhook_url: "${HOOK:-}"\n      headers: {X-Api-Key: secret-0009}\n',
            ),
            17,
            "digest.channels[0].headers.X-Api-Key",
            'X-Api-Key: "${WEBHOOK_X_API_KEY}"',
        ),
    ],
)
def test_plain_text_secret_is_refused_without_repeating_it(
    tmp_path: Path, edit: tuple[str, str], line: int, key: str, example: str
) -> None:
    team = MINIMAL_TEAM.replace(*edit)

    errors = team_errors(tmp_path, team)

    assert errors == [
        f"teams/payments.yaml:{line}: {key}: secrets must come from the environment, e.g. {example}"
    ]
    assert "secret-0009" not in "".join(errors)


def test_a_secret_inside_a_larger_value_from_the_environment_is_fine(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + (
        "digest:\n  channels:\n    - type: webhook\n"
        '      webhook_url: "https://hooks.example.com/${HOOK_PATH}"\n'
        '      headers: {Authorization: "Bearer ${DIGEST_WEBHOOK_TOKEN}"}\n'
    )
    write_config(tmp_path, {"payments.yaml": team})

    loaded = load(tmp_path, env={**FIXTURE_ENV, "HOOK_PATH": "abc"})

    assert loaded.errors == []


def test_alias_claimed_by_two_people_names_both(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + (
        "people:\n"
        "  alice: {aliases: [Alice Smith, asmith]}\n"
        "  alex:\n"
        "    aliases: [alex, '@ASmith']\n"
    )

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:16: people.alex.aliases[1]: alias '@ASmith' is claimed by both "
        "alice and alex; keep it on one of them"
    ]


def test_alias_collision_with_a_shared_person_is_reported_in_the_team_file(
    tmp_path: Path,
) -> None:
    team = MINIMAL_TEAM + "people:\n  alex: {aliases: [asmith]}\n"
    people = "alice:\n  aliases: [asmith]\n"

    assert team_errors(tmp_path, team, people=people) == [
        "teams/payments.yaml:14: people.alex.aliases[0]: alias 'asmith' is claimed by both "
        "alice and alex; keep it on one of them"
    ]


def test_shared_alias_colliding_with_a_team_key_is_reported_in_the_team_file(
    tmp_path: Path,
) -> None:
    team = MINIMAL_TEAM + "people:\n  bob: {}\n"
    people = "alice:\n  aliases: [Bob]\n"

    assert team_errors(tmp_path, team, people=people) == [
        "teams/payments.yaml:13: people.alice.aliases[0]: alias 'Bob' is claimed by both "
        "bob and alice; keep it on one of them"
    ]


def test_lead_pointing_nowhere(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + "people:\n  alice: {}\n  core-team:\n    lead: alcie\n"

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:16: people.core-team.lead: lead 'alcie' is not a key under people "
        "(did you mean 'alice'?)"
    ]


def test_lead_may_name_a_shared_person(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + "people:\n  core-team: {lead: alice}\n"

    assert team_errors(tmp_path, team, people="alice: {email: alice@example.com}\n") == []


def test_leads_forming_a_loop(tmp_path: Path) -> None:
    team = MINIMAL_TEAM + "people:\n  a: {lead: b}\n  b: {lead: a}\n"

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:14: people.a.lead: leads form a loop: a -> b -> a"
    ]


def test_errors_in_people_yaml_are_reported_once_against_it(tmp_path: Path) -> None:
    people = "alice:\n  slack: '@alice'\nteam-x:\n  lead: nobody\nbob: {}\n"
    write_config(
        tmp_path,
        {"a.yaml": MINIMAL_TEAM, "b.yaml": MINIMAL_TEAM.replace("payments", "search")},
        people=people,
    )

    loaded = load(tmp_path)

    assert [str(error) for error in loaded.errors] == [
        "people.yaml:2: alice.slack: must be a Slack member ID like U012ABCDEF "
        "(profile > Copy member ID)",
        "people.yaml:4: team-x.lead: lead 'nobody' is not a key under people",
    ]
    # the broken shared entries are left out; the teams still load
    assert [set(team.config.people) for team in loaded.teams] == [{"bob"}, {"bob"}]


# --------------------------------------------------------------------- several files and errors


def test_every_error_of_a_file_is_reported(tmp_path: Path) -> None:
    team = """\
        team: payments
        timezone: Mars/Olympus
        sources: []
        tracker:
          type: jira
          url: ftp://acme
          auth: {token: "${JIRA_TOKEN}"}
          project: pay
        policy:
          due_days: {P0: 0}
    """

    assert team_errors(tmp_path, team) == [
        "teams/payments.yaml:2: timezone: unknown time zone; use an IANA name "
        "(e.g. Europe/Berlin, America/New_York, UTC)",
        "teams/payments.yaml:3: sources: must have at least 1 item(s)",
        "teams/payments.yaml:6: tracker.url: must be an http:// or https:// URL with a host",
        "teams/payments.yaml:8: tracker.project: must be a Jira project key: capitals, digits, _ "
        "(e.g. PAY)",
        "teams/payments.yaml:10: policy.due_days.P0: must be at least 1",
        "teams/payments.yaml:10: policy.due_days.default: field required",
    ]


def test_one_bad_team_file_does_not_hide_the_good_ones(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        {
            "a-payments.yaml": MINIMAL_TEAM,
            "b-broken.yaml": MINIMAL_TEAM.replace("team: payments", "team: broken").replace(
                "project: PAY", "project: 42"
            ),
            "c-search.yml": MINIMAL_TEAM.replace("team: payments", "team: search"),
            ".hidden.yaml": "not: [valid",
            "notes.txt": "ignored",
        },
    )

    loaded = load(tmp_path)

    assert [team.config.team for team in loaded.teams] == ["payments", "search"]
    assert [str(error) for error in loaded.errors] == [
        "teams/b-broken.yaml:12: tracker.project: must be a string (quote it if YAML reads it "
        "as something else)"
    ]


def test_team_names_must_be_unique_across_files(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        {
            "one.yaml": MINIMAL_TEAM,
            "two.yaml": MINIMAL_TEAM,
            "three.yaml": MINIMAL_TEAM.replace("team: payments", "team: search"),
        },
    )

    loaded = load(tmp_path)

    assert [team.config.team for team in loaded.teams] == ["search"]
    assert [str(error) for error in loaded.errors] == [
        "teams/one.yaml:1: team: team name 'payments' is also used by teams/two.yaml; "
        "team names must be unique",
        "teams/two.yaml:1: team: team name 'payments' is also used by teams/one.yaml; "
        "team names must be unique",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "teams/payments.yaml:1: a team file is a mapping with at least team, sources and "
            "tracker",
        ),
        (
            "- team: payments\n",
            "teams/payments.yaml:1: a team file must be a mapping "
            "(key: value), not a list or a single value",
        ),
    ],
)
def test_a_team_file_must_be_a_mapping(tmp_path: Path, text: str, message: str) -> None:
    assert team_errors(tmp_path, text) == [message]


def test_missing_config_directory(tmp_path: Path) -> None:
    loaded = load_config(tmp_path / "nowhere", env={})

    assert [str(error) for error in loaded.errors] == [
        f"{tmp_path / 'nowhere'}: no such file or directory"
    ]
    assert loaded.teams == []


def test_config_directory_without_team_files(tmp_path: Path) -> None:
    assert error_lines(tmp_path) == ["teams: no teams directory: put one YAML file per team in it"]
    (tmp_path / "teams").mkdir()
    assert error_lines(tmp_path) == ["teams: no team files (*.yaml, *.yml) in it"]


def test_config_error_formats() -> None:
    assert str(ConfigError(Path("teams/a.yaml"), 3, "tracker.url", "bad")) == (
        "teams/a.yaml:3: tracker.url: bad"
    )
    assert str(ConfigError(Path("teams/a.yaml"), None, None, "bad")) == "teams/a.yaml: bad"
    assert str(ConfigError(Path("people.yaml"), 7, None, "bad")) == "people.yaml:7: bad"


# --------------------------------------------------------------------------- secrets stay secret


def test_secrets_are_absent_from_str_and_repr_of_the_loaded_config() -> None:
    loaded = load(GOOD_CONFIG)

    text = (
        repr(loaded) + str(loaded) + "".join(str(t.config) + repr(t.config) for t in loaded.teams)
    )

    assert SECRET_MARK not in text
    assert "**********" in text


def test_secrets_never_appear_in_errors_even_when_they_land_in_a_wrong_field(
    tmp_path: Path,
) -> None:
    team = MINIMAL_TEAM + (
        "  deployment: ${JIRA_TOKEN}\n"
        "  timeout_seconds: ${JIRA_TOKEN}\n"
        "  labels: ['${GITHUB_TOKEN} x']\n"
        "timezone: ${JIRA_TOKEN}\n"
        "digest:\n"
        "  schedule: ${JIRA_TOKEN}\n"
        "  channels:\n"
        "    - {type: slack, webhook_url: 'ftp://${JIRA_TOKEN}'}\n"
    )
    write_config(tmp_path, {"payments.yaml": team})

    errors = load(tmp_path).errors

    assert len(errors) >= 6
    text = "\n".join(str(error) + repr(error) for error in errors)
    assert SECRET_MARK not in text


def test_secret_str_from_the_environment_is_masked() -> None:
    settings = load(GOOD_CONFIG).teams[1].config.tracker.settings

    assert isinstance(settings, GitHubSettings)
    assert isinstance(settings.token, SecretStr)
    assert settings.token.get_secret_value() == FIXTURE_ENV["GITHUB_TOKEN"]
    assert SECRET_MARK not in repr(settings) + str(settings)
