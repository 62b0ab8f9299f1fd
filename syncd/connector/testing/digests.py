"""A digest whose every untrusted text is the same hostile string, for the notifier suite.

Titles, the postmortem's title, owners as written and the last sync's error all hold the text;
one item is owned by a person the team knows, who has ``handle`` as id in the channel type under
test, so the rendering may mention them (and only them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from syncd.digest import Digest, build_digest
from syncd.judge import ItemState, JudgePolicy
from syncd.model import ActionItem, DueDate, DueOrigin, Owner, Postmortem, Priority, Status

__all__ = ["KNOWN_PERSON", "hostile_digest"]

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
KNOWN_PERSON = "alice"
_POLICY = JudgePolicy(due_soon_days=7, stale_after_days=14, review_after_days=35)


def hostile_digest(text: str, *, channel_type: str, handle: str | None = None) -> Digest:
    """Three items (overdue, due soon, later) written with ``text`` everywhere a person writes."""
    pm = Postmortem(
        "pm-repo",
        "2026-01-08-hostile.md",
        text,
        NOW.date() - timedelta(days=60),
        "front_matter",
        url="https://git.example.com/acme/postmortems/blob/main/2026-01-08-hostile.md",
    )
    states = [
        _state(pm, text, n, NOW.date() + timedelta(days=due_in))
        for n, due_in in enumerate((-3, 2, 30))
    ]
    chat_ids = {KNOWN_PERSON: {channel_type: handle}} if handle else None
    return build_digest(
        "payments", states, [pm], _POLICY, NOW, NOW - timedelta(days=7), None, chat_ids
    )


def _state(pm: Postmortem, text: str, n: int, due: date) -> ItemState:
    known = n == 1
    owner = (
        Owner(written=f"@{KNOWN_PERSON}", person=KNOWN_PERSON)
        if known
        else Owner(written=text, person=None)
    )
    item = ActionItem(
        id=f"{n + 1:016x}",
        team="payments",
        postmortem=pm,
        title=f"{text} {n}",
        section="Action Items",
        line=10 + n,
        owner=owner,
        due=DueDate(date=due, origin=DueOrigin.DOCUMENT),
        priority=Priority.P2,
        type=None,
        status=Status.OPEN,
        tracker_ref=None,
    )
    key = f"PAY-{n + 1}"
    return ItemState(
        item=item,
        first_seen=NOW - timedelta(days=50),
        issue_key=key,
        issue_url=f"https://tracker.example.com/browse/{key}",
        last_activity=NOW - timedelta(days=2),
        sync_error=text,
    )
