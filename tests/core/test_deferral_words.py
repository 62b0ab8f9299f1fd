"""A cycle that leaves writes for later says so in one sentence, in text and JSON, and exits 1."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console

from syncd.cli.console import render_sync
from syncd.cli.report import sync_json
from syncd.cycle.deferral import Deferral, deferred
from syncd.cycle.team_cycle import TeamRun
from syncd.cycle.tracker_stage import TrackerStage
from syncd.execute.mirror_team import MirrorOutcome
from syncd.http import RateLimitedError
from syncd.reconcile.team_items import TeamItems

UNTIL = datetime(2026, 12, 3, 13, 5, tzinfo=UTC)


def _run(deferral: Deferral | None) -> TeamRun:
    reading = TeamItems("payments", (), {}, (), (), (), {})
    outcome = MirrorOutcome(created=500, deferred=deferral)
    return TeamRun("payments", reading, (), None, True, {}, TrackerStage(outcome))


def test_the_sentence_names_how_many_until_when_and_which_limit() -> None:
    local = UNTIL.astimezone().strftime("%H:%M")
    assert Deferral(500, UNTIL, "GitHub's hourly limit").sentence() == (
        f"500 items deferred until {local} (GitHub's hourly limit)"
    )
    assert Deferral(1, UNTIL, "x").sentence().startswith("1 item deferred")


def test_deferrals_add_up_and_keep_the_first_opening() -> None:
    error = RateLimitedError(
        "spent", service="github", method="POST", url="https://x", retry_after=60, limit="L"
    )
    error.until = UNTIL.timestamp()
    first = deferred(None, 10, error, UNTIL)
    later = RateLimitedError("again", service="github", method="POST", url="u", retry_after=9)
    both = deferred(first, 3, later, UNTIL)
    assert (both.items, both.until, both.limit) == (13, UNTIL, "L")
    # Without the policy's clock, the wait counts from the cycle's time.
    alone = deferred(None, 1, later, UNTIL)
    assert (alone.until - UNTIL).total_seconds() == 9 and alone.limit == "github's rate limit"


def test_a_deferral_is_printed_reported_in_json_and_fails_the_run() -> None:
    deferral = Deferral(500, UNTIL, "GitHub's hourly limit")
    run = _run(deferral)
    assert run.failed_anything  # exit 1: the tracker is not yet in step
    assert not _run(None).failed_anything
    out = io.StringIO()
    render_sync(Console(file=out, width=200), [run], dry_run=False)
    assert deferral.sentence() in out.getvalue()
    entry = sync_json([run], dry_run=False)["teams"]["payments"]
    assert entry["deferred"] == {
        "items": 500,
        "until": "2026-12-03T13:05:00+00:00",
        "limit": "GitHub's hourly limit",
    }
