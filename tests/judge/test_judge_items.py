"""Judging one item at every boundary: due today or yesterday, the due-soon edge, the stale
threshold, daylight-saving changes, the team's time zone against UTC, business days."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from syncd.judge import ItemState, JudgePolicy, judge_item
from syncd.model import DueOrigin, Flag, Owner, Status, TrackerAssignee
from tests.digest.team_fixture import TOKENS, item

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=BERLIN)  # a Wednesday
POLICY = JudgePolicy(due_soon_days=7, stale_after_days=14, timezone=BERLIN)


def _state(due: date | None = None, **changes: object) -> ItemState:
    action = item("Add p99 alert on token-vault", TOKENS, due=due)
    base = ItemState(
        item=action,
        first_seen=datetime(2026, 2, 24, 12, tzinfo=UTC),
        last_activity=NOW - timedelta(days=1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_due_today_is_due_soon_not_overdue() -> None:
    judged = judge_item(_state(date(2026, 3, 11)), POLICY, NOW)
    assert not judged.overdue and judged.overdue_days is None
    assert judged.due_soon and judged.days_to_due == 0


def test_due_yesterday_is_overdue_by_one_day() -> None:
    judged = judge_item(_state(date(2026, 3, 10)), POLICY, NOW)
    assert judged.overdue_days == 1 and not judged.due_soon
    assert Flag.OVERDUE in judged.flags


def test_overdue_counts_calendar_days() -> None:
    assert judge_item(_state(date(2026, 2, 9)), POLICY, NOW).overdue_days == 30


@pytest.mark.parametrize(("offset", "soon"), [(6, True), (7, True), (8, False)])
def test_due_soon_includes_exactly_due_soon_days(offset: int, soon: bool) -> None:
    judged = judge_item(_state(date(2026, 3, 11) + timedelta(days=offset)), POLICY, NOW)
    assert judged.due_soon is soon
    assert judged.days_to_due == offset
    assert not judged.overdue


@pytest.mark.parametrize(("idle", "stale"), [(13, False), (14, True), (15, True)])
def test_stale_at_exactly_the_threshold(idle: int, stale: bool) -> None:
    judged = judge_item(_state(last_activity=NOW - timedelta(days=idle)), POLICY, NOW)
    assert judged.stale is stale
    assert judged.idle_days == idle


def test_stale_counts_from_first_seen_when_the_issue_was_never_touched() -> None:
    never = _state(last_activity=None, first_seen=NOW - timedelta(days=14))
    fresh = _state(last_activity=None, first_seen=NOW - timedelta(days=13))
    assert judge_item(never, POLICY, NOW).stale
    assert not judge_item(fresh, POLICY, NOW).stale


def test_stale_across_spring_forward_counts_the_teams_days_not_hours() -> None:
    # Berlin springs forward on Sunday 29 March 2026: these 14 days are 335 hours.
    now = datetime(2026, 4, 5, 9, 0, tzinfo=BERLIN)
    last = datetime(2026, 3, 22, 9, 30, tzinfo=BERLIN)
    assert now - last < timedelta(days=14)
    judged = judge_item(_state(last_activity=last), POLICY, now)
    assert judged.stale and judged.idle_days == 14


def test_overdue_right_after_fall_back_uses_the_teams_date() -> None:
    # Berlin falls back on Sunday 25 October 2026 at 03:00 CEST (01:00 UTC). At 00:30 UTC it is
    # already 25 October in Berlin (02:30 CEST), still 25 October after the change.
    before = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    after = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    for now in (before, after):
        judged = judge_item(_state(date(2026, 10, 24)), POLICY, now)
        assert judged.overdue_days == 1
        assert judge_item(_state(date(2026, 10, 25)), POLICY, now).days_to_due == 0


def test_spring_forward_night_is_still_the_same_day() -> None:
    # 29 March 2026, 00:30 UTC is 01:30 CET; 01:30 UTC is 03:30 CEST: both 29 March in Berlin.
    for hour in (0, 1):
        now = datetime(2026, 3, 29, hour, 30, tzinfo=UTC)
        assert judge_item(_state(date(2026, 3, 28)), POLICY, now).overdue_days == 1
        assert not judge_item(_state(date(2026, 3, 29)), POLICY, now).overdue


def test_tokyo_today_while_utc_is_still_yesterday() -> None:
    tokyo = replace(POLICY, timezone=TOKYO)
    utc = replace(POLICY, timezone=ZoneInfo("UTC"))
    now = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # 2 March, 01:00 in Tokyo
    due_today_in_tokyo = _state(date(2026, 3, 2))
    assert judge_item(due_today_in_tokyo, tokyo, now).days_to_due == 0
    assert judge_item(due_today_in_tokyo, utc, now).days_to_due == 1
    due_1_march = _state(date(2026, 3, 1))
    assert judge_item(due_1_march, tokyo, now).overdue_days == 1
    assert not judge_item(due_1_march, utc, now).overdue


def test_the_server_zone_of_now_does_not_matter() -> None:
    instant = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
    tokyo = replace(POLICY, timezone=TOKYO)
    for zone in ("UTC", "America/Los_Angeles", "Asia/Tokyo", "Pacific/Kiritimati"):
        judged = judge_item(_state(date(2026, 3, 2)), tokyo, instant.astimezone(ZoneInfo(zone)))
        assert judged.days_to_due == 0 and not judged.overdue


def test_a_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="time-zone aware"):
        judge_item(_state(date(2026, 3, 2)), POLICY, datetime(2026, 3, 1, 12))


def test_due_soon_in_business_days_spans_a_weekend_and_a_holiday() -> None:
    # Wednesday 11 March; Friday 13 March is a holiday. Five business days: Thu 12, Mon 16,
    # Tue 17, Wed 18, Thu 19. With due_soon_days=5, Thu 19 is due soon, Fri 20 is not.
    policy = replace(
        POLICY, due_soon_days=5, business_days=True, holidays=frozenset({date(2026, 3, 13)})
    )
    assert judge_item(_state(date(2026, 3, 19)), policy, NOW).due_soon
    assert not judge_item(_state(date(2026, 3, 20)), policy, NOW).due_soon
    calendar = replace(policy, business_days=False)
    assert not judge_item(_state(date(2026, 3, 19)), calendar, NOW).due_soon


def test_stale_in_business_days_does_not_count_weekends_or_holidays() -> None:
    # From Wednesday 25 February to Wednesday 11 March: 14 calendar days, 10 business days,
    # 9 with a holiday on Friday 6 March.
    policy = replace(POLICY, stale_after_days=10, business_days=True)
    last = datetime(2026, 2, 25, 10, tzinfo=BERLIN)
    judged = judge_item(_state(last_activity=last), policy, NOW)
    assert judged.stale and judged.idle_days == 14
    with_holiday = replace(policy, holidays=frozenset({date(2026, 3, 6)}))
    assert not judge_item(_state(last_activity=last), with_holiday, NOW).stale


def test_unowned_unresolved_undated_and_vague() -> None:
    nobody = _state(item=replace(_state().item, owner=Owner(written="TBD", person=None)))
    stranger = _state(item=replace(_state().item, owner=Owner(written="Frank", person=None)))
    assert judge_item(nobody, POLICY, NOW).unowned
    judged = judge_item(stranger, POLICY, NOW)
    assert judged.owner_unresolved and not judged.unowned and Flag.UNOWNED in judged.flags

    policy_date = replace(_state().item.due, date=date(2026, 4, 1), origin=DueOrigin.POLICY)
    undated = judge_item(_state(item=replace(_state().item, due=policy_date)), POLICY, NOW)
    assert undated.undated and Flag.UNDATED in undated.flags
    assert not judge_item(_state(date(2026, 4, 1)), POLICY, NOW).undated

    vague = _state(item=replace(_state().item, title="Improve monitoring"))
    assert judge_item(vague, POLICY, NOW).vague == "no measurable outcome: 'improve monitoring'"
    assert judge_item(_state(), POLICY, NOW).vague is None


def test_tracker_problems_are_judged() -> None:
    judged = judge_item(_state(in_conflict=True, sync_error="400 from Jira"), POLICY, NOW)
    assert judged.conflict and judged.error == "400 from Jira"
    assert {Flag.CONFLICT, Flag.ERROR} <= judged.flags and judged.needs_attention


def test_an_orphaned_item_is_judged_only_as_orphaned() -> None:
    judged = judge_item(_state(date(2026, 1, 1), orphaned=True, last_activity=None), POLICY, NOW)
    assert judged.orphaned and not judged.overdue and not judged.stale
    assert judged.flags == frozenset({Flag.ORPHANED})


@pytest.mark.parametrize("how", ["document", "tracker"])
def test_a_done_item_is_neither_overdue_nor_stale(how: str) -> None:
    old = date(2026, 1, 1)
    if how == "document":
        state = _state(old, item=replace(_state(old).item, status=Status.DONE))
    else:
        state = _state(old, tracker_done=True, resolution="Done")
    judged = judge_item(replace(state, last_activity=NOW - timedelta(days=90)), POLICY, NOW)
    assert judged.done and not judged.overdue and not judged.stale and judged.flags == set()


def test_unexplained_wont_do_needs_attention() -> None:
    state = _state(tracker_done=True, resolution="Won't Do", wont_do_unexplained=True)
    judged = judge_item(state, POLICY, NOW)
    assert judged.done and judged.wont_do_unexplained and judged.needs_attention


@pytest.mark.parametrize("written", ["TBD", "nobody yet", "Frank"])
def test_an_issue_someone_holds_in_the_tracker_is_owned(written: str) -> None:
    held = TrackerAssignee("5b10ac8d82e05b22cc7d4ef6", "Bob Jones", "bob")
    unknown = TrackerAssignee("5b10ac8d82e05b22cc7d4eff", "Zed Contractor", None)
    dated = _state(date(2026, 4, 1))
    action = replace(dated.item, owner=Owner(written=written, person=None))
    assert judge_item(replace(dated, item=action), POLICY, NOW).needs_attention
    for holder in (held, unknown):
        judged = judge_item(replace(dated, item=action, tracker_assignee=holder), POLICY, NOW)
        assert not judged.unowned and not judged.owner_unresolved
        assert Flag.UNOWNED not in judged.flags and not judged.needs_attention


def test_an_assignee_removed_in_the_tracker_leaves_the_item_unowned() -> None:
    dated = _state(date(2026, 4, 1))
    action = replace(dated.item, owner=Owner(written="alice", person="alice"))
    assert not judge_item(replace(dated, item=action), POLICY, NOW).unowned
    cleared = TrackerAssignee("", None, None)
    judged = judge_item(replace(dated, item=action, tracker_assignee=cleared), POLICY, NOW)
    assert judged.unowned and Flag.UNOWNED in judged.flags and judged.needs_attention


def test_an_item_is_judged_vague_on_its_title_and_detail() -> None:
    titled = replace(
        _state().item,
        title="Alerting",
        detail="Page the on-call when token-vault p99 exceeds 300 ms for 5 minutes",
    )
    assert judge_item(_state(item=titled), POLICY, NOW).vague is None
    label_only = replace(titled, detail=None)
    assert judge_item(_state(item=label_only), POLICY, NOW).vague is not None
