"""No secret leaves syncd, whatever a server echoes: real processes against echoing fakes.

The trackers and the chat webhook quote the whole request (URL and every header, the
``Authorization`` header included) in every error answer. ``check --online``, ``sync`` (text
and JSON), ``digest`` and ``run`` are run on a good path (the first answers are 500s, then the
tracker works) and a failure path (the tracker refuses the token, the webhook refuses the
post), with debug logs; stdout, stderr, every file of the state directory and ``/metrics`` are
searched for each secret in every form it travels in: as written, URL-quoted, JSON-escaped,
base64, and Jira Cloud's base64 ``email:token``.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.fakes.echo_webhook import EchoWebhook
from tests.fakes.faults import Fault
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.server import FakeJira
from tests.service.service_support import free_port, http_get, start_service, wait_for
from tests.support import syncd_process
from tests.support.fast_limits import FAST_LIMITS
from tests.support.proofs import only_in_full_proofs

# "+", "/" and "=" make every encoding of a secret differ from the secret itself; the length
# is a Jira Cloud API token's, longer than a terminal line, so printing it would fold it.
TOKEN = "ATATT3x+Wire/Secret=" + "3f9a7c" * 28
EMAIL = "syncd-bot@example.com"
WEBHOOK_SECRET = "whk+Path/Secret=8d2e1b"
ECHO_MARK = "the request was"  # how the fakes start the quoted request

DOCUMENT = """\
---
title: Checkout outage
date: 2026-09-14
---
# Checkout outage

## Action items

- [ ] Alert on checkout 5xx rate above 2% @alice due 2026-12-01
"""


def forms(secret: str) -> set[str]:
    raw = secret.encode()
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        base64.b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }


@dataclass
class Workspace:
    root: Path
    kind: str
    fake: FakeJira | FakeGitHub
    webhook: EchoWebhook
    good: bool  # the tracker takes the token (after two 500s), or refuses it

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def webhook_url(self) -> str:
        return f"{self.webhook.root_url}/hooks/T0TEAM/{quote(WEBHOOK_SECRET, safe='')}"

    def secrets(self) -> set[str]:
        found = forms(TOKEN) | forms(WEBHOOK_SECRET) | forms(self.webhook_url)
        found |= forms(f"{EMAIL}:{TOKEN}")  # Jira Cloud's basic credential
        return found

    def env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SYNCD_STATE_DIR": str(self.root / "state"),
            "SYNCD_LOG_FORMAT": "json",
            "SYNCD_LOG_LEVEL": "debug",
            "TRACKER_TOKEN": TOKEN,
            "CHAT_WEBHOOK": self.webhook_url,
            **FAST_LIMITS,  # the fakes of these tests enforce no limit
        }

    def write(self) -> None:
        docs = self.root / "docs"
        docs.mkdir(parents=True)
        (docs / "2026-09-14-checkout.md").write_text(DOCUMENT, encoding="utf-8")
        (self.config / "teams").mkdir(parents=True)
        (self.config / "teams" / "payments.yaml").write_text(
            "team: payments\ntimezone: Europe/Berlin\n"
            f"sources: [{{name: pm, type: markdown, path: {docs}}}]\n"
            f"tracker:\n{textwrap.indent(self._tracker(), '  ')}\n"
            f"people:\n  alice: {self._person()}\n"
            'digest:\n  schedule: "* * * * *"\n'
            '  channels: [{type: slack, webhook_url: "${CHAT_WEBHOOK}"}]\n',
            encoding="utf-8",
        )

    def _tracker(self) -> str:
        if self.kind == "github":
            return (
                f"type: github\nrepo: acme/payments\napi_url: {self.fake.url}\n"
                'token: "${TRACKER_TOKEN}"'
            )
        if self.kind == "jira-cloud":
            auth = f'{{email: {EMAIL}, token: "${{TRACKER_TOKEN}}"}}'
        else:
            auth = '{token: "${TRACKER_TOKEN}"}'
        deployment = "cloud" if self.kind == "jira-cloud" else "datacenter"
        return (
            f"type: jira\nurl: {self.fake.url}\ndeployment: {deployment}\nauth: {auth}\n"
            "project: PAY"
        )

    def _person(self) -> str:
        if self.kind == "github":
            return "{github: alice-gh, slack: U0ALICE}"
        return "{email: alice@example.com, slack: U0ALICE}"

    def syncd(self, *args: str) -> subprocess.CompletedProcess[str]:
        return syncd_process.run(
            [*args, "--config", str(self.config)],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def stored(self) -> str:
        """Every byte of every file syncd keeps in its state directory (database, WAL)."""
        chunks = [
            path.read_bytes().decode("utf-8", "replace")
            for path in sorted((self.root / "state").rglob("*"))
            if path.is_file()
        ]
        assert chunks, "syncd stored nothing"
        return "\n".join(chunks)


def _fake(kind: str, *, good: bool) -> FakeJira | FakeGitHub:
    # On the failure path the fake expects another token: syncd's is refused, and echoed.
    expected = TOKEN if good else "the-token-the-fake-wants"
    if kind == "github":
        return FakeGitHub(token=expected, secondary=SecondaryLimits.off())
    mode = "cloud" if kind == "jira-cloud" else "datacenter"
    return FakeJira(mode, email=EMAIL, token=expected, pat=expected)


CI_PAIRS = {
    ("jira-cloud", "good"),
    ("github", "good"),
    ("jira-dc", "failure"),
    ("github", "failure"),
}


@pytest.fixture(params=["jira-cloud", "jira-dc", "github"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["good", "failure"])
def workspace(request: pytest.FixtureRequest, tmp_path: Path, kind: str) -> Iterator[Workspace]:
    good = request.param == "good"
    # CI: the good path on Jira Cloud and GitHub, the failure path on Jira Data Center (its
    # PAT) and GitHub; the full proofs run every pair.
    only_in_full_proofs(
        (kind, request.param) in CI_PAIRS, "CI runs each tracker on one or both of the paths"
    )
    with _fake(kind, good=good) as fake, EchoWebhook(status=400) as webhook:
        fake.echo_requests = True
        if isinstance(fake, FakeGitHub):
            fake.state.add_collaborator(fake.repo, "alice-gh")
        else:
            fake.state.add_user("alice@example.com", "Alice Smith")
        if good:  # errors that are retried, each quoting the credentials
            fake.faults.on("*", "*", Fault("500"), times=2)
        space = Workspace(tmp_path, kind, fake, webhook, good)
        space.write()
        yield space


def _leaks(text: str, secrets: set[str]) -> list[str]:
    return sorted(secret for secret in secrets if secret in text)


def test_no_command_shows_a_secret_whatever_the_servers_echo(workspace: Workspace) -> None:
    good = workspace.good
    outputs: dict[str, str] = {}
    for name, args in {
        "check --online": ("check", "--online"),
        "sync": ("sync",),
        "sync --json": ("sync", "--json"),
        "digest": ("digest", "--force"),
    }.items():
        done = workspace.syncd(*args)
        outputs[f"{name}: stdout"] = done.stdout
        outputs[f"{name}: stderr"] = done.stderr
        assert "Traceback" not in done.stderr, done.stderr
    outputs.update(_run_service(workspace, good=good))
    outputs["state directory"] = workspace.stored()

    secrets = workspace.secrets()
    leaks = {where: _leaks(text, secrets) for where, text in outputs.items()}
    assert {where: found for where, found in leaks.items() if found} == {}
    # The proof is only worth something if the echoes reached syncd and what it printed.
    statuses = {r.status for r in workspace.fake.requests}
    assert (500 in statuses) if good else (401 in statuses)
    assert workspace.webhook.posts >= 1
    everything = "\n".join(outputs.values())
    assert ECHO_MARK in everything
    assert "***" in everything


def _run_service(workspace: Workspace, *, good: bool) -> dict[str, str]:
    port = free_port()
    env = {**workspace.env(), "SYNCD_HTTP_PORT": str(port)}
    service = start_service(workspace.config, env, port=port)
    try:
        wanted = (
            'syncd_last_successful_sync_timestamp_seconds{team="payments"}'
            if good
            else 'syncd_sync_failures_total{team="payments"}'
        )
        metrics = wait_for(
            "the service's first cycle",
            lambda: _metrics_with(port, wanted),
            # A deadline, not a sleep: a start and a cycle took over 60 s once on a loaded CI.
            timeout=150.0,
        )
        service.signal(signal.SIGTERM)
        code, stderr = service.finish(timeout=60)
        assert code == 0, stderr.decode(errors="replace")
        stdout = service.stdout
    finally:
        service.stop()
    return {
        "run: stderr": stderr.decode(errors="replace"),
        "run: stdout": stdout.decode(errors="replace"),
        "run: /metrics": metrics,
    }


def _metrics_with(port: int, wanted: str) -> str | None:
    status, body = http_get(port, "/metrics")
    text = body.decode(errors="replace")
    return text if status == 200 and wanted in text else None
