"""The fake incident.io loaded with the fixtures, and sources reading it on virtual time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors.incident_io import IncidentIoSettings, IncidentIoSource
from syncd.connector.http import HttpPolicy
from syncd.connector.model import DocumentFailure, ExtractedDocument
from syncd.connector.source import SourceContext
from syncd.connector.testing.clock import VirtualClock
from tests.fakes.incident_io.server import FakeIncidentIo

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
# incident.io's pace (DEFAULT_POLICY), with retries and pauses on the virtual clock: it moves
# when the policy sleeps, and nothing really waits.
POLICY = HttpPolicy(connect_timeout=2.0, read_timeout=5.0, max_attempts=4, min_interval=0.05)


def fixtures() -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.glob("*.json"))
    ]


def loaded_fake() -> FakeIncidentIo:
    fake = FakeIncidentIo().start()
    fake.state.load(fixtures())
    return fake


def make_source(
    fake: FakeIncidentIo,
    cache_dir: Path,
    *,
    clock: VirtualClock | None = None,
    policy: HttpPolicy | None = POLICY,
    now: datetime = NOW,
    api_key: str | None = None,
    **settings: Any,
) -> IncidentIoSource:
    values = {"api_key": api_key or fake.api_key, "url": fake.url, **settings}
    context = SourceContext(team="payments", config_dir=cache_dir, cache_dir=cache_dir, now=now)
    return IncidentIoSource(
        "incidents",
        IncidentIoSettings.model_validate(values),
        context,
        policy=policy,
        clock=clock or VirtualClock(now),
    )


Read = dict[str, ExtractedDocument | DocumentFailure]


def read(source: IncidentIoSource) -> Read:
    results: Iterator[ExtractedDocument | DocumentFailure] = source.read()
    return {
        r.postmortem.document if isinstance(r, ExtractedDocument) else r.document: r
        for r in results
    }


def documents(results: Read) -> dict[str, ExtractedDocument]:
    return {k: v for k, v in results.items() if isinstance(v, ExtractedDocument)}


def failures(results: Read) -> dict[str, DocumentFailure]:
    return {k: v for k, v in results.items() if isinstance(v, DocumentFailure)}
