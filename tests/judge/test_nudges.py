"""Which issues get a nudge: the reasons and their order, the period per issue, quiet days and
holidays, the assignee mentioned, and words that blame nobody."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from syncd.judge import ItemState, JudgePolicy
from syncd.judge.nudges import NudgePolicy, plan_nudges
from syncd.model import Status, TrackerAssignee
from tests.digest.team_fixture import TOKENS, item

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=BERLIN)  # a Wednesday
TODAY = date(2026, 3, 11)
POLICY = JudgePolicy(due_soon_days=7, stale_after_days=14, timezone=BERLIN)
OVERDUE_ONLY = NudgePolicy(reasons=frozenset({"overdue"}))
EVERYTHING = NudgePolicy(reasons=frozenset({"overdue", "due_soon", "stale"}))
HOLDER = TrackerAssignee("557058:alice", "Alice Smith", "alice")


def _state(due: date | None = date(2026, 3, 2), **changes: object) -> ItemState:
    base = ItemState(
        item=item("Add p99 alert on token-vault", TOKENS, due=due),
        first_seen=datetime(2026, 2, 24, 12, tzinfo=UTC),
        issue_key="PAY-7",
        last_activity=NOW - timedelta(days=1),
        tracker_assignee=HOLDER,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _plan(*states: ItemState, nudging: NudgePolicy = OVERDUE_ONLY, **kw: object):  # type: ignore[no-untyped-def]
    last = kw.pop("last", {})
    return plan_nudges(states, kw.pop("policy", POLICY), nudging, last, kw.pop("now", NOW))  # type: ignore[arg-type]


def test_an_overdue_issue_is_nudged_once_mentioning_who_holds_it() -> None:
    [nudge] = _plan(_state())

    assert (nudge.issue_key, nudge.reason, nudge.mention) == ("PAY-7", "overdue", "557058:alice")
    assert nudge.day == TODAY
    assert nudge.not_since == TODAY - timedelta(days=6)
    assert "was due on 2026-03-02 (9 days ago)" in nudge.text
    assert "https://" in nudge.text  # the postmortem's link


@pytest.mark.parametrize(
    ("after_days", "due", "nudged"),
    [(1, date(2026, 3, 10), True), (3, date(2026, 3, 9), False), (3, date(2026, 3, 8), True)],
)
def test_after_days_is_how_long_an_item_is_overdue_before_its_first_nudge(
    after_days: int, due: date, nudged: bool
) -> None:
    nudging = NudgePolicy(reasons=frozenset({"overdue"}), after_days=after_days)
    assert bool(_plan(_state(due), nudging=nudging)) is nudged


@pytest.mark.parametrize(("last_days_ago", "nudged"), [(0, False), (6, False), (7, True)])
def test_at_most_one_nudge_per_issue_in_every_days(last_days_ago: int, nudged: bool) -> None:
    state = _state()
    last = {state.item.id: TODAY - timedelta(days=last_days_ago)}
    assert bool(_plan(state, last=last)) is nudged


def test_no_nudge_on_a_quiet_day_or_a_holiday() -> None:
    saturday = datetime(2026, 3, 14, 10, 0, tzinfo=BERLIN)
    assert _plan(_state(), now=saturday) == ()
    on_holiday = replace(POLICY, holidays=frozenset({TODAY}))
    assert _plan(_state(), policy=on_holiday) == ()
    every_day = NudgePolicy(reasons=frozenset({"overdue"}), quiet_weekdays=frozenset())
    assert _plan(_state(), now=saturday, nudging=every_day) != ()


def test_quiet_days_are_the_teams_days_not_utc() -> None:
    # Friday 23:30 UTC is already Saturday in Berlin.
    late_friday_utc = datetime(2026, 3, 13, 23, 30, tzinfo=UTC)
    assert _plan(_state(), now=late_friday_utc) == ()


@pytest.mark.parametrize(
    "change",
    [
        {"issue_key": None},
        {"tracker_done": True},
        {"orphaned": True},
        {"first_seen": NOW - timedelta(hours=2)},  # its assignee was given the issue today
    ],
)
def test_never_a_nudge_without_an_open_issue_seen_before_today(change: dict[str, object]) -> None:
    assert _plan(_state(**change)) == ()


def test_an_item_done_in_its_document_is_not_nudged() -> None:
    done = _state()
    done = replace(done, item=replace(done.item, status=Status.DONE))
    assert _plan(done) == ()


def test_reasons_are_tried_overdue_first_and_only_those_configured() -> None:
    overdue_and_stale = _state(last_activity=NOW - timedelta(days=30))
    [nudge] = _plan(overdue_and_stale, nudging=EVERYTHING)
    assert nudge.reason == "overdue"

    due_soon = _state(date(2026, 3, 13))
    assert _plan(due_soon) == ()
    [soon] = _plan(due_soon, nudging=EVERYTHING)
    assert soon.reason == "due_soon" and "is due on 2026-03-13 (in 2 days)" in soon.text

    stale = _state(date(2026, 5, 1), last_activity=NOW - timedelta(days=20))
    [idle] = _plan(stale, nudging=EVERYTHING)
    assert idle.reason == "stale" and "no activity here for 20 days" in idle.text


def test_an_unassigned_issue_is_nudged_without_a_mention() -> None:
    cleared = TrackerAssignee("", None, None)
    for holder in (None, cleared):
        [nudge] = _plan(_state(tracker_assignee=holder))
        assert nudge.mention is None


def test_the_words_blame_no_one_and_name_the_postmortem() -> None:
    state = _state()
    [nudge] = _plan(state)
    lowered = nudge.text.lower()
    for blame in ("you failed", "late again", "missed", "fault", "blame", "slow"):
        assert blame not in lowered
    assert f'"{state.item.postmortem.title}"' in nudge.text
    assert "changes nothing on this issue" in nudge.text


def test_a_nudge_policy_refuses_unknown_reasons_and_a_zero_period() -> None:
    with pytest.raises(ValueError, match="unknown nudge reasons"):
        NudgePolicy(reasons=frozenset({"late"}))
    with pytest.raises(ValueError, match="every_days"):
        NudgePolicy(reasons=frozenset({"overdue"}), every_days=0)


def test_a_nudge_is_known_again_in_every_trackers_escaping() -> None:
    from connectors.github.nudges import nudge_comment_body as github_body
    from connectors.jira.adf import adf_to_text
    from connectors.jira.deployment import Deployment
    from connectors.jira.nudges import nudge_comment_body as jira_body
    from syncd.judge.nudge_text import is_nudge_text

    [nudge] = _plan(_state())
    assert is_nudge_text(github_body("alice-gh", nudge.text))
    assert is_nudge_text(jira_body(Deployment("datacenter"), "alice", nudge.text))
    assert is_nudge_text(adf_to_text(jira_body(Deployment("cloud"), "557058:alice", nudge.text)))
    assert not is_nudge_text("Thanks, on it. I will ask syncd for a reminder next week.")
    assert not is_nudge_text(nudge.text + "\n\nAnd a person's reply quoted below it.")
