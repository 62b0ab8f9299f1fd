from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from syncd.model import (
    ActionItem,
    DueDate,
    DueOrigin,
    Flag,
    ItemType,
    Owner,
    Postmortem,
    Priority,
    RawItem,
    Status,
    TrackerRef,
)
from syncd.resolve.people import PeopleDirectory, Person
from syncd.resolve.resolver import ResolvePolicy, resolve_item

PM_DATE = date(2026, 3, 10)  # a Tuesday
FIRST_SEEN = date(2026, 4, 1)
POSTMORTEM = Postmortem(
    source="pm-repo",
    document="2026-03-10-db-outage.md",
    title="DB outage",
    date=PM_DATE,
    date_origin="filename",
)
UNDATED_POSTMORTEM = replace(POSTMORTEM, date=None, date_origin=None)
PEOPLE = PeopleDirectory(
    [
        Person("alice", aliases=("Alice Smith",), email="alice@acme.com"),
        Person("core-1-team", aliases=("Core-1 team",), lead="alice"),
        Person("edge-team", lead="dave"),
    ]
)
POLICY = ResolvePolicy(due_days={"P0": 7, "P1": 28, "default": 56})
SPECIFIC_TITLE = "Add an alert on replication lag > 30 s"


def _raw(**fields: object) -> RawItem:
    base = RawItem(
        title=SPECIFIC_TITLE,
        section="Action Items",
        line=42,
        owner_text="@alice",
        due_text="2026-12-01",
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def _resolve(
    raw: RawItem,
    *,
    postmortem: Postmortem = POSTMORTEM,
    policy: ResolvePolicy = POLICY,
) -> ActionItem:
    return resolve_item(
        raw,
        postmortem,
        item_id="it-1",
        team="payments",
        people=PEOPLE,
        policy=policy,
        fallback_date=FIRST_SEEN,
    )


def test_a_complete_item_resolves_every_field() -> None:
    raw = RawItem(
        title=SPECIFIC_TITLE,
        section="Action Items",
        line=42,
        detail="Page the DB on-call, not the app on-call.",
        owner_text="Alice Smith",
        due_text="1 Dec 2026",
        priority_text="high",
        type_text="Detection",
        status_text="in progress",
        done=False,
        tracker_refs=("see wiki", "PAY-123"),
    )
    item = _resolve(raw)
    assert item == ActionItem(
        id="it-1",
        team="payments",
        postmortem=POSTMORTEM,
        title=SPECIFIC_TITLE,
        section="Action Items",
        line=42,
        owner=Owner(written="Alice Smith", person="alice", via="alias"),
        due=DueDate(date(2026, 12, 1), DueOrigin.DOCUMENT, "1 Dec 2026"),
        priority=Priority.P1,
        type=ItemType.DETECT,
        status=Status.OPEN,
        tracker_ref=TrackerRef("jira", "PAY-123"),
        flags=frozenset(),
        detail="Page the DB on-call, not the app on-call.",
        priority_written="high",
        type_written="Detection",
    )
    assert item.source == "pm-repo"
    assert item.document == "2026-03-10-db-outage.md"


@pytest.mark.parametrize(
    ("owner_text", "owner", "unowned"),
    [
        ("@alice", Owner("@alice", "alice", "key"), False),
        ("Core-1 team", Owner("Core-1 team", "alice", "lead"), False),
        (None, Owner(None, None), True),
        ("", Owner(None, None), True),
        ("TBD", Owner("TBD", None), True),
        ("?", Owner("?", None), True),
        # written but unknown: not unowned, and the reason is kept for the digest
        ("Bob", Owner("Bob", None, None, "no one called 'Bob' in the people map"), False),
        (
            "edge-team",
            Owner(
                "edge-team",
                None,
                None,
                "'edge-team' is assigned to its lead 'dave', who is not in the people map",
            ),
            False,
        ),
    ],
)
def test_owner_and_the_unowned_flag(owner_text: str | None, owner: Owner, unowned: bool) -> None:
    item = _resolve(_raw(owner_text=owner_text))
    assert item.owner == owner
    assert (Flag.UNOWNED in item.flags) is unowned


@pytest.mark.parametrize(
    ("due_text", "priority_text", "due", "flags"),
    [
        (
            "2026-12-01",
            None,
            DueDate(date(2026, 12, 1), DueOrigin.DOCUMENT, "2026-12-01"),
            frozenset(),
        ),
        (
            "in 2 weeks",
            None,
            DueDate(date(2026, 3, 24), DueOrigin.DOCUMENT, "in 2 weeks"),
            frozenset(),
        ),
        # no date: the policy's, by priority
        (None, None, DueDate(date(2026, 5, 5), DueOrigin.POLICY, None), {Flag.UNDATED}),
        (None, "P0", DueDate(date(2026, 3, 17), DueOrigin.POLICY, None), {Flag.UNDATED}),
        (None, "high", DueDate(date(2026, 4, 7), DueOrigin.POLICY, None), {Flag.UNDATED}),
        ("  ", None, DueDate(date(2026, 5, 5), DueOrigin.POLICY, None), {Flag.UNDATED}),
        ("TBD", "P0", DueDate(date(2026, 3, 17), DueOrigin.POLICY, "TBD"), {Flag.UNDATED}),
        (
            "next sprint",
            None,
            DueDate(date(2026, 5, 5), DueOrigin.POLICY, "next sprint"),
            {Flag.UNDATED},
        ),
        (
            "31/04/2027",
            None,
            DueDate(date(2026, 5, 5), DueOrigin.POLICY, "31/04/2027"),
            {Flag.UNDATED},
        ),
        # ambiguous: the policy's date, marked, and flagged as ambiguous, not undated
        (
            "01/02/2027",
            "P1",
            DueDate(date(2026, 4, 7), DueOrigin.POLICY, "01/02/2027", ambiguous=True),
            {Flag.AMBIGUOUS_DATE},
        ),
    ],
)
def test_due_date_and_its_flags(
    due_text: str | None, priority_text: str | None, due: DueDate, flags: set[Flag]
) -> None:
    item = _resolve(_raw(due_text=due_text, priority_text=priority_text))
    assert item.due == due
    assert item.flags == frozenset(flags)


def test_the_team_date_order_settles_numeric_dates() -> None:
    policy = replace(POLICY, date_order="dmy")
    item = _resolve(_raw(due_text="01/02/2027"), policy=policy)
    assert item.due == DueDate(date(2027, 2, 1), DueOrigin.DOCUMENT, "01/02/2027")
    assert Flag.AMBIGUOUS_DATE not in item.flags


def test_policy_dates_count_business_days_and_holidays() -> None:
    policy = replace(
        POLICY, business_days=True, holidays=frozenset({date(2026, 3, 13), date(2026, 3, 16)})
    )
    item = _resolve(_raw(due_text=None, priority_text="P0"), policy=policy)
    # 7 working days from Tue 10 March, skipping Fri 13 and Mon 16: Wed 11 .. Mon 23
    assert item.due == DueDate(date(2026, 3, 23), DueOrigin.POLICY, None)


def test_a_postmortem_without_a_date_counts_from_the_fallback_date() -> None:
    relative = _resolve(_raw(due_text="in 3 days"), postmortem=UNDATED_POSTMORTEM)
    assert relative.due == DueDate(date(2026, 4, 4), DueOrigin.DOCUMENT, "in 3 days")
    default = _resolve(_raw(due_text=None, priority_text="P0"), postmortem=UNDATED_POSTMORTEM)
    assert default.due == DueDate(date(2026, 4, 8), DueOrigin.POLICY, None)
    assert default.postmortem.date is None  # the postmortem itself is left as it was


@pytest.mark.parametrize(
    ("done", "status"),
    [(False, Status.OPEN), (True, Status.DONE)],
)
def test_status_follows_the_document(done: bool, status: Status) -> None:
    assert _resolve(_raw(done=done, status_text="DONE" if done else None)).status is status


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        ((), None),
        (("TBD",), None),
        (("PAY-123",), TrackerRef("jira", "PAY-123")),
        (("wiki page", "#45", "PAY-1"), TrackerRef("github", "#45")),  # the first that parses
        (
            ("https://github.com/acme/pay/issues/9",),
            TrackerRef("github", "acme/pay#9", "https://github.com/acme/pay/issues/9"),
        ),
    ],
)
def test_tracker_reference_is_the_first_that_parses(
    refs: tuple[str, ...], expected: TrackerRef | None
) -> None:
    assert _resolve(_raw(tracker_refs=refs)).tracker_ref == expected


@pytest.mark.parametrize(
    ("priority_text", "type_text", "priority", "item_type"),
    [
        ("P0", "mitigate", Priority.P0, ItemType.MITIGATE),
        ("Sev1", "Tech debt", None, ItemType.OTHER),
        (None, None, None, None),
        ("2", "", None, None),
    ],
)
def test_priority_and_type_keep_what_was_written(
    priority_text: str | None,
    type_text: str | None,
    priority: Priority | None,
    item_type: ItemType | None,
) -> None:
    item = _resolve(_raw(priority_text=priority_text, type_text=type_text))
    assert item.priority is priority
    assert item.type is item_type
    assert item.priority_written == priority_text
    assert item.type_written == type_text


@pytest.mark.parametrize(
    ("title", "vague"),
    [
        (SPECIFIC_TITLE, False),
        ("Improve monitoring", True),
        ("Should we shard the ledger?", True),
    ],
)
def test_vague_titles_are_flagged(title: str, vague: bool) -> None:
    assert (Flag.VAGUE in _resolve(_raw(title=title)).flags) is vague


@pytest.mark.parametrize(
    ("title", "detail", "vague"),
    [
        # "**Alerting**: body": judged on title and body together
        ("Alerting", "Page the on-call when replication lag exceeds 30 s for 5 minutes", False),
        ("Monitoring", "Add a p99 latency panel to the checkout-api dashboard", False),
        ("Alerting", "Should we page on it?", True),
        ("Alerting", "Improve it", True),
        ("Look into the pool", "Cap it at 50 connections", True),  # the title defers
        (SPECIFIC_TITLE, "Should we also page?", False),  # a detail never makes it vague
        ("Improve monitoring", None, True),
        ("Improve monitoring", "   ", True),
    ],
)
def test_an_item_is_judged_vague_on_its_whole_text(
    title: str, detail: str | None, vague: bool
) -> None:
    assert (Flag.VAGUE in _resolve(_raw(title=title, detail=detail)).flags) is vague


def test_only_the_teams_jira_projects_are_references() -> None:
    raw = _raw(tracker_refs=("KIP-405", "PAY-12"))
    scoped = replace(POLICY, reference_projects=frozenset({"PAY"}))
    assert _resolve(raw, policy=scoped).tracker_ref == TrackerRef("jira", "PAY-12")
    only_kip = _raw(tracker_refs=("KIP-405",))
    assert _resolve(only_kip, policy=scoped).tracker_ref is None
    no_projects = replace(POLICY, reference_projects=frozenset())  # a GitHub team
    assert _resolve(raw, policy=no_projects).tracker_ref is None
    assert _resolve(only_kip).tracker_ref == TrackerRef("jira", "KIP-405")  # unscoped


def test_co_owners_are_resolved_beside_the_assignee() -> None:
    item = _resolve(_raw(owner_text="Alice Smith, zed"))
    assert item.owner.person == "alice"
    assert [(c.written, c.person) for c in item.owner.co_owners] == [("zed", None)]
    assert Flag.UNOWNED not in item.flags


def test_nobody_yet_is_unowned() -> None:
    item = _resolve(_raw(owner_text="nobody yet"))
    assert item.owner.person is None
    assert Flag.UNOWNED in item.flags


def test_every_flag_at_once() -> None:
    item = _resolve(_raw(title="Look into it", owner_text="TBD", due_text="1/2/27"))
    assert item.flags == frozenset({Flag.VAGUE, Flag.UNOWNED, Flag.AMBIGUOUS_DATE})
