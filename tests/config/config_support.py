"""Helpers for the configuration tests: write a config directory, load it, read its errors."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

from syncd.config import LoadedConfig, load_config

FIXTURES = Path(__file__).parent / "fixtures"
GOOD_CONFIG = FIXTURES / "config"

# Every variable the good fixture needs; the secrets are recognisable so tests can look for them.
FIXTURE_ENV: dict[str, str] = {
    "HOME": "/home/syncd",
    "JIRA_TOKEN": "jira-secret-0001",
    "GITHUB_TOKEN": "github-secret-0002",
    "SLACK_WEBHOOK_PAYMENTS": "https://hooks.slack.example/services/slack-secret-0003",
    "DIGEST_WEBHOOK_URL": "https://hooks.example.com/digest?key=webhook-secret-0004",
    "DIGEST_WEBHOOK_TOKEN": "header-secret-0005",
    "MATTERMOST_WEBHOOK": "https://chat.example.com/hooks/mattermost-secret-0006",
    "DISCORD_WEBHOOK": "https://discord.example.com/api/webhooks/1/discord-secret-0007",
}
# Every secret above contains this; no message, repr or str may.
SECRET_MARK = "secret-000"

# A minimal valid team file; line numbers matter to the tests that edit it.
MINIMAL_TEAM = """\
team: payments
sources:
  - name: pm
    type: markdown
    path: ../postmortems
tracker:
  type: jira
  url: https://acme.atlassian.net
  auth:
    email: bot@acme.com
    token: "${JIRA_TOKEN}"
  project: PAY
"""


def write_config(
    root: Path,
    teams: Mapping[str, str],
    *,
    people: str | None = None,
    service: str | None = None,
) -> Path:
    (root / "teams").mkdir(parents=True, exist_ok=True)
    for name, text in teams.items():
        (root / "teams" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    if people is not None:
        (root / "people.yaml").write_text(textwrap.dedent(people), encoding="utf-8")
    if service is not None:
        (root / "syncd.yaml").write_text(textwrap.dedent(service), encoding="utf-8")
    return root


def load(root: Path, env: Mapping[str, str] | None = None) -> LoadedConfig:
    return load_config(root, env=dict(FIXTURE_ENV if env is None else env))


def error_lines(root: Path, env: Mapping[str, str] | None = None) -> list[str]:
    return [str(error) for error in load(root, env).errors]


def team_errors(tmp_path: Path, team: str, **kwargs: str) -> list[str]:
    """The errors of a config holding one team file, ``teams/payments.yaml``."""
    write_config(tmp_path, {"payments.yaml": team}, **kwargs)
    return error_lines(tmp_path)
