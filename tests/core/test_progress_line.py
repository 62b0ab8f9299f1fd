"""The progress line: the words for each stage, waits in the team's or local time, the next
team, and what rich draws on a terminal."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from syncd.cli.progress_line import ProgressLine, progress_display
from syncd.cycle.progress import (
    Matching,
    Mirroring,
    ProgressEvent,
    ReadingSource,
    ReadingTracker,
    Waiting,
)

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # 13:00 in Berlin (CET)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def line(teams: int = 1) -> tuple[ProgressLine, Clock]:
    clock = Clock()
    return ProgressLine(teams=teams, tz=BERLIN, now=clock), clock


def rate_limit(seconds: float, team: str = "payments") -> Waiting:
    return Waiting(team, "jira", START + timedelta(seconds=seconds), True, "HTTP 429")


@pytest.mark.parametrize(
    ("event", "words"),
    [
        (ReadingSource("payments", "pm", 0), "payments: reading pm: 0 documents"),
        (ReadingSource("payments", "pm", 1), "payments: reading pm: 1 document"),
        (ReadingSource("payments", "pm", 4), "payments: reading pm: 4 documents"),
        (Matching("payments", 4), "payments: matching the items of 4 documents"),
        (ReadingTracker("payments", "jira"), "payments: reading jira"),
        (Mirroring("payments", "jira", 50, 300), "payments: mirroring 50 of 300 into jira"),
    ],
)
def test_each_stage_has_its_words(event: ProgressEvent, words: str) -> None:
    progress, _ = line()
    progress(event)
    assert progress.text() == words


def test_a_rate_limit_wait_says_until_when_in_the_given_zone_then_the_stage_resumes() -> None:
    progress, clock = line()
    progress(Mirroring("payments", "jira", 50, 300))
    progress(rate_limit(300))

    assert progress.text() == (
        "payments: waiting for a jira rate limit until 13:05 CET (mirroring 50 of 300 into jira)"
    )
    clock.now = START + timedelta(seconds=301)  # over, though no event has come since
    assert progress.text() == "payments: mirroring 50 of 300 into jira"


def test_a_wait_under_a_minute_shows_seconds_and_a_backoff_says_it_retries() -> None:
    progress, _ = line()
    progress(ReadingTracker("payments", "jira"))
    progress(Waiting("payments", "jira", START + timedelta(seconds=12), False, "HTTP 502"))
    assert progress.text() == (
        "payments: jira failed (HTTP 502); retrying at 13:00:12 CET (reading jira)"
    )


def test_a_wait_in_summer_time_names_that_zone() -> None:
    clock = Clock()
    clock.now = datetime(2027, 7, 1, 12, 0, tzinfo=UTC)
    progress = ProgressLine(teams=1, tz=BERLIN, now=clock)
    progress(ReadingTracker("payments", "jira"))
    progress(Waiting("payments", "jira", clock.now + timedelta(minutes=2), True, "HTTP 429"))
    assert "until 14:02 CEST" in progress.text()


def test_the_longest_of_overlapping_waits_is_shown_and_a_flicker_is_not() -> None:
    progress, _ = line()
    progress(ReadingTracker("payments", "jira"))
    progress(rate_limit(0.3))  # a short backoff: not worth a word
    assert progress.text() == "payments: reading jira"
    progress(rate_limit(120))
    progress(rate_limit(30))  # another thread's shorter wait does not hide the longer one
    assert "until 13:02 CET" in progress.text()


def test_the_next_team_is_named_with_its_place_and_forgets_the_last_wait() -> None:
    progress, _ = line(teams=2)
    progress(ReadingSource("payments", "pm", 3))
    progress(rate_limit(120))
    assert progress.text() == (
        "payments (1 of 2): waiting for a jira rate limit until 13:02 CET (reading pm: 3 documents)"
    )
    progress(ReadingSource("search", "wiki", 0))
    assert progress.text() == "search (2 of 2): reading wiki: 0 documents"


def test_before_any_event_the_line_says_it_is_starting() -> None:
    progress, _ = line()
    assert progress.text() == "starting"


def test_rich_draws_the_words_on_a_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, color_system=None)
    progress, _ = line()
    with progress_display(console, progress, auto_refresh=False) as display:
        display.add_task("sync", total=None)
        progress(Mirroring("payments", "jira", 7, 40))
        progress(rate_limit(600))
        display.refresh()
        drawn = out.getvalue()
    assert (
        "payments: waiting for a jira rate limit until 13:10 CET (mirroring 7 of 40 into jira)"
        in drawn
    )
    assert "0:00:00" in drawn  # the time elapsed, as before


def test_a_long_line_is_cut_to_the_terminal_not_wrapped() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=72, color_system=None)
    progress, _ = line()
    with progress_display(console, progress, auto_refresh=False) as display:
        display.add_task("sync", total=None)
        progress(Mirroring("payments", "jira", 7, 40))
        progress(rate_limit(600))
        display.refresh()
        drawn = out.getvalue()
    assert "payments: waiting for a jira rate limit until 13:10" in drawn
    assert "…" in drawn and "7 of 40" not in drawn
