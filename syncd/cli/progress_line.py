"""The progress line a person sees on a terminal during ``syncd sync``, drawn with rich.

:class:`ProgressLine` is the :class:`~syncd.cycle.progress.ProgressListener` the CLI passes down: it
keeps the latest stage of the current team and, while the HTTP policy waits, when the wait ends.
The words are computed when rich draws the line, so a wait that is over stops being shown even
if the next event is slow to come.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TimeElapsedColumn
from rich.text import Text

from syncd.cycle.progress import (
    Matching,
    Mirroring,
    ProgressEvent,
    ReadingSource,
    ReadingTracker,
    Waiting,
)

# A pause shorter than this (a backoff of a few hundred milliseconds) would only flicker.
MIN_WAIT_SHOWN = 1.0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def stage_words(event: ReadingSource | Matching | ReadingTracker | Mirroring) -> str:
    """What the team is doing, in words: ``reading pm: 4 documents``."""
    if isinstance(event, ReadingSource):
        return f"reading {event.source}: {_plural(event.documents, 'document')}"
    if isinstance(event, Matching):
        return f"matching the items of {_plural(event.documents, 'document')}"
    if isinstance(event, ReadingTracker):
        return f"reading {event.tracker}"
    return f"mirroring {event.done} of {event.total} into {event.tracker}"


def clock_time(moment: datetime, now: datetime, tz: tzinfo | None) -> str:
    """``14:05 CET`` in ``tz`` (None: this machine's zone); with seconds when under a minute."""
    local = moment.astimezone(tz)
    shape = "%H:%M" if (moment - now).total_seconds() >= 60 else "%H:%M:%S"
    zone = local.tzname()
    return local.strftime(shape) + (f" {zone}" if zone else "")


def wait_words(wait: Waiting, now: datetime, tz: tzinfo | None) -> str:
    """``waiting for a jira rate limit until 14:05 CET``, or a retry's backoff."""
    when = clock_time(wait.until, now, tz)
    if wait.rate_limit:
        return f"waiting for a {wait.service} rate limit until {when}"
    return f"{wait.service} failed ({wait.reason}); retrying at {when}"


def _system_now() -> datetime:
    # The real time, as the HTTP policy's clock has it: the pinned calendar of tests that run
    # syncd on another date would never let a wait end on the screen.
    return datetime.now(UTC)


class ProgressLine:
    """Listens to a sync's progress events and says, at any moment, what it is doing.

    ``teams`` is how many teams the command works, to say which of them is under way;
    ``tz`` the zone wait times are shown in (None: this machine's local time).
    Thread-safe: waits are announced by the threads that write remote links.
    """

    def __init__(
        self,
        *,
        teams: int,
        tz: tzinfo | None = None,
        now: Callable[[], datetime] = _system_now,
    ) -> None:
        self._teams = teams
        self._tz = tz
        self._now = now
        self._lock = threading.Lock()
        self._seen: list[str] = []  # teams in the order they began
        self._stage = "starting"
        self._wait: Waiting | None = None

    def __call__(self, event: ProgressEvent) -> None:
        with self._lock:
            if event.team not in self._seen:
                self._seen.append(event.team)
                self._wait = None
            if isinstance(event, Waiting):
                if (event.until - self._now()).total_seconds() < MIN_WAIT_SHOWN:
                    return
                if self._wait is None or event.until > self._wait.until:
                    self._wait = event
                return
            self._stage = stage_words(event)

    def text(self) -> str:
        """The line's words now: the team and its stage, or, while one lasts, the wait."""
        with self._lock:
            if not self._seen:
                return self._stage
            team = self._seen[-1]
            prefix = team if self._teams <= 1 else f"{team} ({len(self._seen)} of {self._teams})"
            now = self._now()
            if self._wait is not None and self._wait.until > now:
                # The wait first: on a narrow terminal, the end of the line is what gets cut.
                return f"{prefix}: {wait_words(self._wait, now, self._tz)} ({self._stage})"
            return f"{prefix}: {self._stage}"


class _WordsColumn(ProgressColumn):
    """The line's words, asked for each time rich draws it."""

    def __init__(self, line: ProgressLine) -> None:
        super().__init__()
        self._line = line

    def render(self, task: Task) -> Text:
        return Text(self._line.text(), overflow="ellipsis", no_wrap=True)


def progress_display(
    console: Console, line: ProgressLine, *, auto_refresh: bool = True
) -> Progress:
    """A transient rich display of ``line``: spinner, words, time elapsed. Add one task to it."""
    return Progress(
        SpinnerColumn(),
        _WordsColumn(line),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        auto_refresh=auto_refresh,
    )
