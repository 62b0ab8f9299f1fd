"""No secret in any log line: a full service cycle, the CLI, and failures that print URLs.

Known secrets — the Jira token, its basic-auth form, a webhook URL's secret path and a webhook
header token — are given to ``syncd run``, ``syncd sync``, ``syncd digest`` and
``syncd check --online`` at debug level with JSON logs; every captured line of stderr and
stdout is then searched for each of them.
"""

from __future__ import annotations

import base64
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from syncd.clock import TEST_NOW_ENV
from tests.fakes.jira.server import FakeJira
from tests.http.loopback import Reply, serve
from tests.service.proof_support import (
    Finished,
    base_env,
    log_events,
    posts_by_path,
    run_cli,
    write_documents,
    write_jira_team,
)
from tests.service.service_support import start_service, wait_for

JIRA_TOKEN = "jira-secret-token-4f9c1e7a"
WRONG_TOKEN = "wrong-jira-token-8d2b6c0f"
HOOK_PATH = "T0SECRET/B0SECRET/hook-path-secret-3a7e"
HOOK_HEADER_TOKEN = "hook-header-token-61d5b9"
SLACK_PATH = "T1SECRET/B1SECRET/slack-path-secret-9b2c"
TEAM = "payments"
ITEMS = 5
# A digest every minute: the service catches up the slot it starts in (the failed one, or one
# the CLI did not post); at worst the next comes within a minute and a bit.
NEXT_SLOT_TIMEOUT = 75.0


def secrets_in(text: str, email: str, *tokens: str) -> list[str]:
    """Which of the known secrets (or their encoded forms) ``text`` contains."""
    needles = {HOOK_PATH, HOOK_HEADER_TOKEN, SLACK_PATH}
    # A secret path shows up whole or by its distinctive last segment, maybe URL-quoted.
    needles |= {HOOK_PATH.rsplit("/", 1)[1], SLACK_PATH.rsplit("/", 1)[1]}
    needles |= {HOOK_PATH.replace("/", "%2F"), SLACK_PATH.replace("/", "%2F")}
    for token in tokens:
        needles |= {token, base64.b64encode(f"{email}:{token}".encode()).decode()}
    return sorted(needle for needle in needles if needle in text)


def workspace(tmp_path: Path, jira: FakeJira, receiver_url: str) -> tuple[Path, dict[str, str]]:
    config = tmp_path / "config"
    docs = tmp_path / "docs"
    write_documents(docs, "checkout", (3, 2))
    write_jira_team(
        config,
        docs,
        team=TEAM,
        jira=jira,
        project="PAY",
        channels=[
            '{type: webhook, webhook_url: "${DIGEST_WEBHOOK_URL}", '
            'headers: {Authorization: "Bearer ${DIGEST_WEBHOOK_TOKEN}"}}',
            '{type: slack, webhook_url: "${SLACK_WEBHOOK_URL}"}',
        ],
    )
    env = {
        **base_env(tmp_path / "state"),
        "SYNCD_LOG_LEVEL": "debug",
        "JIRA_TOKEN": JIRA_TOKEN,
        "DIGEST_WEBHOOK_URL": f"{receiver_url}/hooks/{HOOK_PATH}",
        "DIGEST_WEBHOOK_TOKEN": HOOK_HEADER_TOKEN,
        "SLACK_WEBHOOK_URL": f"{receiver_url}/services/{SLACK_PATH}",
    }
    return config, env


def assert_no_secret(runs: list[Finished], email: str) -> None:
    for run in runs:
        log_events(run.stderr)  # every stderr line is a JSON record
        for stream, text in (("stdout", run.stdout), ("stderr", run.stderr)):
            leaked = secrets_in(text, email, JIRA_TOKEN, WRONG_TOKEN)
            assert leaked == [], f"`syncd {run.command}` {stream} shows {len(leaked)} secret(s)"


def test_a_full_service_and_cli_cycle_logs_no_secret(tmp_path: Path) -> None:
    with (
        FakeJira("cloud", token=JIRA_TOKEN) as jira,
        serve(otherwise=Reply(200, body=b"ok")) as receiver,
    ):
        config, env = workspace(tmp_path, jira, receiver.url)
        runs: list[Finished] = []

        # The CLI: an online check, a sync that creates every issue, a digest of this slot.
        runs.append(run_cli(config, env, "check", "--online"))
        runs.append(run_cli(config, env, "sync", "--json"))
        assert runs[-1].code == 0, runs[-1].stdout[-2000:]
        assert len(jira.state.issues) == ITEMS
        # Two slots back, so that the service, started within the hour's grace of the slot it
        # starts in, catches that one up at once instead of waiting for the next minute.
        earlier = (datetime.now(UTC) - timedelta(minutes=2)).isoformat()
        runs.append(run_cli(config, {**env, TEST_NOW_ENV: earlier}, "digest"))
        assert runs[-1].code == 0, runs[-1].stdout[-2000:]
        posted = posts_by_path(receiver)
        # The secrets really were used (compared quietly: a failure must not print them).
        used_paths = sorted(posted) == [f"/hooks/{HOOK_PATH}", f"/services/{SLACK_PATH}"]
        assert used_paths, "the digest was not posted to both secret webhook URLs"
        by_cli = receiver.count("POST")
        header = receiver.received[0].headers.get("Authorization")
        sent_header = header == f"Bearer {HOOK_HEADER_TOKEN}"
        assert sent_header, "the webhook header token was not sent"

        # The service: a sync, then the next minute's digest, then SIGTERM.
        service = start_service(config, env)
        try:
            wait_for(
                "the service's first sync",
                lambda: service.metric("syncd_last_successful_sync_timestamp_seconds", team=TEAM),
            )
            wait_for(
                "the service's digest of its slot",
                lambda: receiver.count("POST") >= by_cli + 2,
                timeout=NEXT_SLOT_TIMEOUT,
            )
            service.signal(signal.SIGTERM)
            code = service.process.wait(timeout=10)
        finally:
            service.stop()
        assert code == 0
        assert service.process.stdout is not None
        runs.append(Finished("run", code, "", service.stderr.decode(errors="replace")))
        assert len(jira.state.issues) == ITEMS  # nothing created twice

    events = [event for run in runs for event in log_events(run.stderr)]
    names = {event["event"] for event in events}
    assert {"service.started", "digest.posted", "service.stopped"} <= names
    assert any(event["level"] == "debug" for event in events)  # debug really was on
    assert_no_secret(runs, jira.email)


def test_failures_that_name_urls_log_no_secret(tmp_path: Path) -> None:
    with (
        FakeJira("cloud", token=JIRA_TOKEN) as jira,
        serve(otherwise=Reply(404, body=b"no_service")) as receiver,
    ):
        config, env = workspace(tmp_path, jira, receiver.url)
        runs: list[Finished] = []
        # Jira answers 401 to a wrong token — which is itself a secret to look for.
        wrong = {**env, "JIRA_TOKEN": WRONG_TOKEN}
        runs.append(run_cli(config, wrong, "sync", "--json"))
        assert runs[-1].code == 1 and jira.state.issues == {}
        assert any(r.status == 401 for r in jira.requests)
        # The webhooks answer 404: the digest fails, naming the channel but not its URL.
        runs.append(run_cli(config, env, "sync"))
        assert runs[-1].code == 0 and len(jira.state.issues) == ITEMS
        runs.append(run_cli(config, env, "digest"))
        assert runs[-1].code == 1
        assert "404" in runs[-1].stdout
        assert receiver.count("POST") == 2

        # The service against the same failures: a wrong token and refusing webhooks.
        refused = sum(1 for r in jira.requests if r.status == 401)
        service = start_service(config, wrong)
        try:
            wait_for(
                "Jira refusing the service's wrong token",
                lambda: sum(1 for r in jira.requests if r.status == 401) > refused,
            )
            wait_for(
                "the service's failed digest",
                lambda: receiver.count("POST") >= 4,
                timeout=NEXT_SLOT_TIMEOUT,
            )
            service.signal(signal.SIGTERM)
            code = service.process.wait(timeout=10)
        finally:
            service.stop()
        assert code == 0
        runs.append(Finished("run", code, "", service.stderr.decode(errors="replace")))

    events = [event for run in runs for event in log_events(run.stderr)]
    names = {event["event"] for event in events}
    assert "digest.post_failed" in names, sorted(names)
    in_service = log_events(runs[-1].stderr)  # the refused token is reported by the service
    assert any(e["level"] == "error" and e.get("team") == TEAM for e in in_service)
    assert_no_secret(runs, jira.email)
