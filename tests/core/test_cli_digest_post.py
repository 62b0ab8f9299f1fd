"""``syncd digest`` posts once per team, schedule slot and channel, and retries what failed."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from syncd.cli.app import app
from tests.http.loopback import Reply, serve

DOC = """\
---
title: Checkout outage
date: 2026-09-14
---
# Checkout outage

## Action items

- [ ] Alert on checkout 5xx rate above 2% for 5 minutes @alice due 2026-10-01
- [ ] Improve monitoring
"""
SECRET = "T000/B000/digest-secret-path"


def workspace(tmp_path: Path, webhook: str) -> tuple[Path, dict[str, str]]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2026-09-14-checkout.md").write_text(DOC, encoding="utf-8")
    teams = tmp_path / "config" / "teams"
    teams.mkdir(parents=True)
    (teams / "payments.yaml").write_text(
        textwrap.dedent(f"""\
            team: payments
            timezone: Europe/Berlin
            sources: [{{name: pm, type: markdown, path: {docs}}}]
            tracker:
              type: jira
              url: https://example.atlassian.net
              auth: {{email: bot@example.com, token: "${{JIRA_TOKEN:-}}"}}
              project: PAY
            people:
              alice: {{slack: U0ALICE}}
            digest:
              schedule: "0 9 * * *"
              channels:
                - {{type: slack, webhook_url: "${{SLACK_WEBHOOK}}"}}
            """),
        encoding="utf-8",
    )
    env = {
        "SYNCD_STATE_DIR": str(tmp_path / "state"),
        "SLACK_WEBHOOK": webhook,
        # After the item's due date, so it is overdue and its owner is mentioned, on any day.
        "SYNCD_TEST_NOW": "2026-11-16T10:00:00+00:00",
    }
    CliRunner().invoke(app, ["sync", "--config", str(tmp_path / "config")], env=env)
    return tmp_path / "config", env


def digest(config: Path, env: dict[str, str], *extra: str) -> Any:
    return CliRunner().invoke(app, ["digest", "--config", str(config), *extra], env=env)


def test_a_digest_is_posted_once_per_slot_and_force_posts_again(tmp_path: Path) -> None:
    with serve(otherwise=Reply(200, body=b"ok")) as server:
        config, env = workspace(tmp_path, f"{server.url}/services/{SECRET}")
        first = digest(config, env)
        assert first.exit_code == 0, first.output
        assert len(server.received) == 1
        payload = json.loads(server.received[0].body)
        assert payload["blocks"] and "<@U0ALICE>" in json.dumps(payload)
        again = digest(config, env)
        assert again.exit_code == 0 and "already posted" in again.stdout
        assert len(server.received) == 1
        forced = digest(config, env, "--force")
        assert forced.exit_code == 0 and len(server.received) == 2
    for output in (first.output, again.output, forced.output):
        assert SECRET not in output


def test_a_failed_post_is_recorded_and_retried_on_the_next_run(tmp_path: Path) -> None:
    script = [Reply(404, body=b"no_service")]
    with serve(script, otherwise=Reply(200, body=b"ok")) as server:
        config, env = workspace(tmp_path, f"{server.url}/services/{SECRET}")
        failed = digest(config, env)
        assert failed.exit_code == 1
        assert "webhook" in failed.stdout.lower() and SECRET not in failed.output
        retried = digest(config, env)
        assert retried.exit_code == 0, retried.output
        assert (
            [r.status for r in server.received] if hasattr(server.received[0], "status") else True
        )
        assert len(server.received) == 2
        assert digest(config, env).exit_code == 0
        assert len(server.received) == 2  # posted now: not again
