"""What a sync is doing right now, as typed events for a progress display.

A cycle reports its stage to a :class:`ProgressListener` passed down the call chain (the CLI's
progress line; nothing in the service), never through a global: reading a source, matching the
items, reading the tracker, mirroring n of m, and waiting, when the HTTP policy sits out a rate
limit or a retry. Every event names its team, so a display can tell when the next team begins.
Events are frozen plain data; a listener may be called from several threads (remote links are
written in parallel), so it must be thread-safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from syncd.http import WaitRecord


@dataclass(frozen=True, slots=True)
class ReadingSource:
    """``documents`` of ``source`` read so far (0 when the source has just been opened)."""

    team: str
    source: str
    documents: int


@dataclass(frozen=True, slots=True)
class Matching:
    """Identifying, resolving and recording the items of the documents read."""

    team: str
    documents: int


@dataclass(frozen=True, slots=True)
class ReadingTracker:
    """Reading the tracker: open creates, issues changed since the last cycle, assignees."""

    team: str
    tracker: str  # "jira", "github"


@dataclass(frozen=True, slots=True)
class Mirroring:
    """``done`` of ``total`` tracker writes (creates, adoptions, updates) finished."""

    team: str
    tracker: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class Waiting:
    """The HTTP policy sends nothing to ``service`` before ``until`` (time-zone aware)."""

    team: str
    service: str
    until: datetime
    rate_limit: bool  # a rate limit (the server's or a published one), else a retry's backoff
    reason: str  # "HTTP 429", "creation limit", "connect_failed (ConnectionError)"


ProgressEvent = ReadingSource | Matching | ReadingTracker | Mirroring | Waiting


class ProgressListener(Protocol):
    def __call__(self, event: ProgressEvent, /) -> None: ...


def waits_of_team(team: str, listener: ProgressListener) -> Callable[[WaitRecord], None]:
    """An HTTP wait observer that reports each wait of ``team``'s tracker to ``listener``."""

    def observe(record: WaitRecord) -> None:
        listener(
            Waiting(
                team=team,
                service=record.service,
                until=datetime.fromtimestamp(record.until, UTC),
                rate_limit=record.rate_limit,
                reason=record.reason,
            )
        )

    return observe
