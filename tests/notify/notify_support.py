"""Building notifiers for tests: a virtual clock through the policy, logs captured as text."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from syncd.notifier import NotifierContext
from syncd.output.logs import configure
from tests.http.fakes import Records, VirtualClock

# Webhook URLs whose paths are the credential; tests assert these strings never leak.
SLACK_SECRET = "xoxsecretSLACKtoken0123456789"
SLACK_URL = f"https://hooks.slack.com/services/T0ACME/B0DIGEST/{SLACK_SECRET}"
TEAMS_SECRET = "sig=TEAMSsignature0123456789abcdef"
TEAMS_URL = (
    "https://prod-42.westeurope.logic.azure.com/workflows/0a1b2c/triggers/manual/paths/invoke"
    f"?api-version=2016-06-01&{TEAMS_SECRET}"
)
MATTERMOST_SECRET = "mattermosthooksecret0123456789"
MATTERMOST_URL = f"https://chat.example.com/hooks/{MATTERMOST_SECRET}"
DISCORD_SECRET = "DISCORDtokenSecretValue0123456789abcdefghijkl"
DISCORD_URL = f"https://discord.com/api/webhooks/112233/{DISCORD_SECRET}"
WEBHOOK_SECRET = "genericPathSecret0123456789xyz"
WEBHOOK_URL = f"https://receiver.example.org/ingest/{WEBHOOK_SECRET}"


def context(clock: VirtualClock | None = None, records: Records | None = None) -> NotifierContext:
    return NotifierContext(
        team="payments", http_clock=clock or VirtualClock(), http_observer=records
    )


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Every log line syncd writes while inside, as JSON text."""
    stream = io.StringIO()
    configure(log_format="json", level="debug", stream=stream)
    try:
        yield stream
    finally:
        configure(log_format="json", level="info")


def build(cls: Any, clock: VirtualClock | None = None, **settings: Any) -> Any:
    return cls(cls.Settings(**settings), context(clock))
