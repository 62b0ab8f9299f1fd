"""``http.giving_up`` and ``source.document_skipped`` under ``syncd run``: the first at warning
level, repeats at debug with ``failures_in_a_row``, and ``<kind>.recovered`` once it clears;
the one-shot CLI (no reporter) still warns every time."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import nullcontext, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests

from syncd import plugins
from syncd.cycle.read_sources import read_source
from syncd.http import HttpError, HttpPolicy, PolicyEngine
from syncd.http.requests_adapter import mount_policy
from syncd.model import DocumentFailure, ExtractedDocument, Postmortem
from syncd.output.logs import failures_reported_by
from syncd.service.failure_log import ServiceFailures
from tests.http.fakes import VirtualClock
from tests.http.loopback import Reply, serve
from tests.notify.notify_support import captured_logs


def events(stream: io.StringIO) -> list[tuple[Any, ...]]:
    return [
        (e["event"], e["level"], e.get("failures_in_a_row"), e.get("failed_cycles"))
        for e in (json.loads(line) for line in stream.getvalue().splitlines() if line.strip())
    ]


# -- source.document_skipped ----------------------------------------------------------------

BROKEN = "2024-05-01-checkout.md"


class ScriptedSource:
    """Yields the next read's documents: ``True`` a document read, ``False`` one skipped."""

    reads: ClassVar[list[bool]] = []

    def __init__(self, name: str, _settings: Any, _context: plugins.SourceContext) -> None:
        self.name = name

    def read(self) -> Iterator[ExtractedDocument | DocumentFailure]:
        if ScriptedSource.reads.pop(0):
            postmortem = Postmortem(self.name, BROKEN, "Checkout", None, None)
            yield ExtractedDocument(postmortem, ())
        else:
            yield DocumentFailure(self.name, BROKEN, "not UTF-8 text")


@pytest.fixture
def scripted_source(monkeypatch: pytest.MonkeyPatch) -> type[ScriptedSource]:
    monkeypatch.setattr(plugins, "connector_class", lambda _kind, _type: ScriptedSource)
    return ScriptedSource


def read_wiki(tmp_path: Path) -> None:
    read_source(
        team="payments",
        name="wiki",
        type_="scripted",
        settings=None,
        config_dir=tmp_path,
        cache_dir=tmp_path,
        now=datetime(2026, 5, 1, tzinfo=UTC),
    )


def test_a_document_skipped_every_tick_is_news_once_then_its_recovery(
    scripted_source: type[ScriptedSource], tmp_path: Path
) -> None:
    scripted_source.reads = [False, False, False, True, True, False]
    failures = ServiceFailures()
    with captured_logs() as out:
        for _ in range(6):
            with failures_reported_by(failures.work("payments")):
                read_wiki(tmp_path)
    skipped_or_recovered = [e for e in events(out) if e[0] != "source.read"]
    assert skipped_or_recovered == [
        ("source.document_skipped", "warning", 1, None),
        ("source.document_skipped", "debug", 2, None),
        ("source.document_skipped", "debug", 3, None),
        ("document.recovered", "info", None, 3),
        ("source.document_skipped", "warning", 1, None),
    ]
    recovered = [
        json.loads(line) for line in out.getvalue().splitlines() if "document.recovered" in line
    ]
    assert (recovered[0]["team"], recovered[0]["source"], recovered[0]["document"]) == (
        "payments",
        "wiki",
        BROKEN,
    )


def test_the_cli_warns_of_a_skipped_document_every_time(
    scripted_source: type[ScriptedSource], tmp_path: Path
) -> None:
    scripted_source.reads = [False, False, True]
    with captured_logs() as out:
        for _ in range(3):
            read_wiki(tmp_path)
    assert [e for e in events(out) if e[0] != "source.read"] == [
        ("source.document_skipped", "warning", None, None)
    ] * 2


# -- http.giving_up -------------------------------------------------------------------------


def ticks(script: list[bool], *, service: bool) -> io.StringIO:
    """One GET per tick against a server answering 503 (``False``) or 200 (``True``)."""
    clock = VirtualClock()
    failures = ServiceFailures()
    replies = [Reply(200) if ok else Reply(503) for ok in script]
    with serve(replies, now=clock.monotonic) as server, captured_logs() as out:  # type: ignore[arg-type]
        # Made inside: the engine's logger writes where logging was configured when it was made.
        engine = PolicyEngine(HttpPolicy(max_attempts=1), service="jira", clock=clock)
        session = requests.Session()
        mount_policy(session, engine)
        for _ in script:
            work = failures.work("payments")
            reporting = failures_reported_by(work) if service else nullcontext()
            with reporting, suppress(HttpError):
                session.get(f"{server.url}/rest/api/3/issue/PAY-1")
    return out


def test_a_request_given_up_every_tick_is_news_once_then_its_recovery() -> None:
    out = ticks([False, False, False, True, True, False], service=True)
    said = [e for e in events(out) if e[0].startswith("http.g") or e[0].endswith("recovered")]
    assert said == [
        ("http.giving_up", "warning", 1, None),
        ("http.giving_up", "debug", 2, None),
        ("http.giving_up", "debug", 3, None),
        ("http.recovered", "info", None, 3),
        ("http.giving_up", "warning", 1, None),
    ]
    recovered = next(
        json.loads(line) for line in out.getvalue().splitlines() if "http.recovered" in line
    )
    assert (recovered["service"], recovered["method"], recovered["endpoint"]) == (
        "jira",
        "GET",
        "/rest/api/3/issue/{key}",
    )


def test_the_cli_warns_of_a_request_given_up_every_time() -> None:
    out = ticks([False, False, True], service=False)
    said = [e for e in events(out) if e[0].startswith("http.g") or e[0].endswith("recovered")]
    assert said == [("http.giving_up", "warning", None, None)] * 2
