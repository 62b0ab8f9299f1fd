"""A realistic team for digest tests: 26 items over 5 postmortems, every judgement present.

The clock is fixed: Monday 9 March 2026, 09:00 in Berlin; the last digest went out a week
earlier. Build items with ``item`` and ``state`` for other tests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from syncd.judge import ItemState, JudgePolicy
from syncd.model import (
    ActionItem,
    CoOwner,
    DueDate,
    DueOrigin,
    Flag,
    Owner,
    Postmortem,
    Priority,
    Status,
    TrackerAssignee,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=BERLIN)
LAST_DIGEST = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
LINK_BASE = "https://jira.example.com/issues/?filter=10042"
POLICY = JudgePolicy(due_soon_days=7, stale_after_days=14, review_after_days=35, timezone=BERLIN)

CHAT_IDS = {
    "alice": {
        "slack": "U012ABCDEF",
        "teams": "alice@acme.example",
        "mattermost": "alice",
        "discord": "123456789012345678",
    },
    "bob": {"slack": "U0BOB12345", "teams": "bob@acme.example", "discord": "223456789012345678"},
    "carol": {"mattermost": "carol.k"},
    "dave": {},
}


def postmortem(slug: str, title: str, day: date) -> Postmortem:
    return Postmortem(
        source="pm-repo",
        document=f"{day.isoformat()}-{slug}.md",
        title=title,
        date=day,
        date_origin="filename",
        url=f"https://git.example.com/acme/postmortems/blob/main/{day.isoformat()}-{slug}.md",
    )


CHECKOUT = postmortem("checkout-latency", "Checkout latency spike", date(2026, 1, 12))
FAILOVER = postmortem("db-failover", "Payments DB failover", date(2026, 1, 26))
WEBHOOKS = postmortem("webhook-storm", "Webhook retry storm", date(2026, 2, 10))
TOKENS = postmortem("tokenization", "Card tokenization outage", date(2026, 2, 24))
LEDGER = postmortem("ledger-lag", "Ledger replication lag", date(2026, 3, 3))
POSTMORTEMS = (CHECKOUT, FAILOVER, WEBHOOKS, TOKENS, LEDGER)

_counter = count(1)


def item(
    title: str,
    pm: Postmortem,
    *,
    owner: str | None = "alice",
    written: str | None = None,
    due: date | None = None,
    due_origin: DueOrigin | None = DueOrigin.DOCUMENT,
    status: Status = Status.OPEN,
    flags: frozenset[Flag] = frozenset(),
    item_id: str | None = None,
    co_owners: tuple[CoOwner, ...] = (),
) -> ActionItem:
    number = next(_counter)
    return ActionItem(
        id=item_id or f"it{number:04d}",
        team="payments",
        postmortem=pm,
        title=title,
        section="Action Items",
        line=10 + number,
        owner=Owner(
            written=written if written is not None else (owner and f"@{owner}"),
            person=owner,
            co_owners=co_owners,
        ),
        due=DueDate(date=due, origin=due_origin if due is not None else None),
        priority=Priority.P2,
        type=None,
        status=status,
        tracker_ref=None,
        flags=flags,
    )


def state(
    action: ActionItem,
    *,
    key: str | None = None,
    first_seen: datetime | None = None,
    last_activity: datetime | None = None,
    **tracker: object,
) -> ItemState:
    key = key or f"PAY-{int(action.id[2:]) + 100}"
    seen = first_seen or datetime.combine(
        action.postmortem.date or date(2026, 1, 1), datetime.min.time(), UTC
    ) + timedelta(hours=12)
    return ItemState(
        item=action,
        first_seen=seen,
        issue_key=key,
        issue_url=f"https://jira.example.com/browse/{key}",
        last_activity=last_activity if last_activity is not None else NOW - timedelta(days=2),
        **tracker,  # type: ignore[arg-type]
    )


def days_ago(n: int) -> datetime:
    return NOW - timedelta(days=n)


def team_items() -> list[ItemState]:
    global _counter
    _counter = count(1)  # the same ids on every call: snapshots depend on them
    d = date
    return [
        # Checkout latency spike (12 Jan): review due, partly done.
        state(
            item(
                "Add p99 latency alert on checkout-api",
                CHECKOUT,
                due=d(2026, 2, 1),
                status=Status.DONE,
            ),
            done_at=days_ago(20),
        ),
        state(
            item(
                "Raise connection pool size to 200 on checkout-api",
                CHECKOUT,
                owner="bob",
                due=d(2026, 2, 15),
            ),
            tracker_done=True,
            resolution="Done",
            done_at=days_ago(3),
        ),
        state(
            item(
                "Load-test checkout with 3x Black Friday traffic",
                CHECKOUT,
                owner="carol",
                written="@carol, @dave",
                co_owners=(CoOwner("@dave", "dave"),),
                due=d(2026, 2, 27),
            ),
            last_activity=days_ago(20),
        ),
        state(
            item(
                "Write runbook for checkout-api pool exhaustion",
                CHECKOUT,
                owner="dave",
                due=d(2026, 3, 6),
            ),
            # Bob took it over in the tracker: he holds it now.
            tracker_assignee=TrackerAssignee("5b10ac8d82e05b22cc7d4ef6", "Bob Jones", "bob"),
        ),
        state(
            item(
                "Improve monitoring",
                CHECKOUT,
                owner="bob",
                due=d(2026, 4, 30),
                flags=frozenset({Flag.VAGUE}),
            )
        ),
        # Payments DB failover (26 Jan): review due, nothing done: flagged.
        state(item("Automate failover drill for payments-db", FAILOVER, due=d(2026, 3, 1))),
        state(
            item("Alert when replica lag exceeds 30s", FAILOVER, owner="bob", due=d(2026, 3, 10))
        ),
        state(
            item(
                "Document the manual promotion steps in payments-db runbook",
                FAILOVER,
                owner=None,
                written=None,
                due=d(2026, 3, 20),
                flags=frozenset({Flag.UNOWNED}),
            )
        ),
        state(
            item(
                "Pin pgbouncer to 1.22 in payments-db chart",
                FAILOVER,
                owner="carol",
                due=d(2026, 3, 23),
                due_origin=DueOrigin.POLICY,
                flags=frozenset({Flag.UNDATED}),
            )
        ),
        state(
            item(
                "Look into connection storms after failover",
                FAILOVER,
                owner="dave",
                due=d(2026, 4, 15),
                flags=frozenset({Flag.VAGUE}),
            ),
            last_activity=days_ago(30),
        ),
        # Webhook retry storm (10 Feb): review on 17 Mar, not yet due.
        state(
            item("Add jittered backoff to webhook-dispatcher retries", WEBHOOKS, due=d(2026, 3, 9))
        ),
        state(
            item("Cap webhook retries at 8 per event", WEBHOOKS, owner="bob", due=d(2026, 3, 16)),
            tracker_done=True,
            resolution="Done",
            done_at=days_ago(1),
        ),
        state(
            item(
                "Rate-limit webhook-dispatcher per merchant to 50 rps",
                WEBHOOKS,
                owner=None,
                written="Frank from Platform",
                due=d(2026, 3, 31),
                flags=frozenset({Flag.UNOWNED}),
            ),
            last_activity=days_ago(15),
        ),
        state(
            item(
                "Move webhook queue to a dedicated Redis cluster",
                WEBHOOKS,
                owner="carol",
                due=d(2026, 3, 2),
            ),
            in_conflict=True,
            conflict_fields=("due",),
        ),
        state(
            item("Remove the legacy /v1/hooks endpoint", WEBHOOKS, owner="dave", due=d(2026, 5, 1)),
            tracker_done=True,
            resolution="Won't Do",
            wont_do_unexplained=True,
            done_at=days_ago(4),
        ),
        # Card tokenization outage (24 Feb).
        state(
            item("Rotate the HSM client certificate before 2026-04-01", TOKENS, due=d(2026, 3, 13))
        ),
        state(
            item(
                "Add expiry alert for HSM certificates 30 days ahead",
                TOKENS,
                owner="bob",
                due=d(2026, 3, 27),
                status=Status.DONE,
            ),
            done_at=days_ago(5),
        ),
        state(
            item(
                "Retry tokenization once on HSM timeout", TOKENS, owner="carol", due=d(2026, 4, 10)
            ),
            sync_error="Jira refused the update: 400 priority",
        ),
        state(
            item(
                "Split token-vault into read and write pools",
                TOKENS,
                owner="dave",
                due=d(2026, 4, 20),
            ),
            last_activity=days_ago(14),
            # Reassigned in the tracker to someone the people map does not know.
            tracker_assignee=TrackerAssignee("5b10ac8d82e05b22cc7d4eff", "Zed Contractor", None),
        ),
        state(
            item(
                "Replace the hand-written HSM retry loop with tenacity", TOKENS, due=d(2026, 4, 24)
            ),
            orphaned=True,
        ),
        # Ledger replication lag (3 Mar).
        state(
            item(
                "Emit ledger_replication_lag_seconds metric",
                LEDGER,
                due=d(2026, 3, 17),
                status=Status.DONE,
            ),
            done_at=days_ago(2),
        ),
        state(
            item(
                "Page on ledger lag over 120s for 5 minutes",
                LEDGER,
                owner="bob",
                due=d(2026, 3, 24),
            )
        ),
        state(
            item(
                "Should we shard the ledger by merchant?",
                LEDGER,
                owner="carol",
                due=d(2026, 4, 28),
                due_origin=DueOrigin.POLICY,
                flags=frozenset({Flag.VAGUE, Flag.UNDATED}),
            )
        ),
        state(
            item(
                "Backfill the missing ledger entries from 3 March",
                LEDGER,
                owner="dave",
                due=d(2026, 3, 5),
            )
        ),
        state(item("Upgrade ledger-db to PostgreSQL 16", LEDGER, due=d(2026, 5, 29))),
        state(
            item(
                "Add ledger lag panel to the payments dashboard",
                LEDGER,
                owner="bob",
                due=d(2026, 3, 12),
            )
        ),
    ]
