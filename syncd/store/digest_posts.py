"""Statements for digest posts: claim a (team, slot, channel) before posting, then record it.

Each function runs inside a transaction its caller (``StateStore``) opened; none commits.

The claim is the exactly-once guard. It is an insert-or-nothing, then, when the row existed, a
conditional update that only matches a row that may be retaken (failed, or claimed with an
expired lease). On PostgreSQL a second claimer's insert waits for the first one's transaction
and then does nothing, and its update re-reads the committed row under READ COMMITTED, so the
condition is evaluated against what the winner wrote; on SQLite the write transaction
(``BEGIN IMMEDIATE``) serializes claimers outright. Either way one claimer wins.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, or_, select, update

from syncd.store.errors import StateStoreError
from syncd.store.records import DigestPost, DigestPostStatus
from syncd.store.statements import insert_for, require_aware
from syncd.store.tables import digest_posts

_SLOT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# An error is a person's one-line reason, not a traceback; keep rows small.
ERROR_LIMIT = 2_000

_CLAIMED = DigestPostStatus.CLAIMED.value
_POSTED = DigestPostStatus.POSTED.value
_FAILED = DigestPostStatus.FAILED.value


def slot_key(slot: datetime) -> str:
    """The slot as stored: UTC, whole seconds, fixed width, so text order is time order."""
    require_aware(slot)
    if slot.microsecond:
        raise ValueError(f"digest slot {slot.isoformat()} is not a whole second")
    return slot.astimezone(UTC).strftime(_SLOT_FORMAT)


def slot_of_key(key: str) -> datetime:
    return datetime.strptime(key, _SLOT_FORMAT).replace(tzinfo=UTC)


def check_key(team: str, channel: str) -> None:
    if not team:
        raise ValueError("an empty team was given for a digest post")
    if not channel:
        raise ValueError(f"an empty channel key was given for team {team!r}'s digest post")


def check_lease(lease: timedelta) -> None:
    if lease <= timedelta(0):
        raise ValueError(f"a digest claim's lease must be positive, not {lease}")


def _where(team: str, slot: str, channel: str) -> Any:
    return and_(
        digest_posts.c.team == team, digest_posts.c.slot == slot, digest_posts.c.channel == channel
    )


def claim(
    conn: Connection,
    team: str,
    slot: str,
    channel: str,
    *,
    replica: str,
    at: datetime,
    lease_until: datetime,
) -> bool:
    inserted = conn.execute(
        insert_for(conn.dialect.name)(digest_posts)
        .values(
            team=team,
            slot=slot,
            channel=channel,
            status=_CLAIMED,
            claimed_by=replica,
            claimed_at=at,
            lease_until=lease_until,
            posted_at=None,
            attempts=1,
            last_error=None,
        )
        .on_conflict_do_nothing(
            index_elements=[digest_posts.c.team, digest_posts.c.slot, digest_posts.c.channel]
        )
        .returning(digest_posts.c.team)
    ).first()
    if inserted is not None:
        return True
    retakeable = or_(
        digest_posts.c.status == _FAILED,
        and_(digest_posts.c.status == _CLAIMED, digest_posts.c.lease_until <= at),
    )
    retaken = conn.execute(
        update(digest_posts)
        .where(_where(team, slot, channel), retakeable)
        .values(
            status=_CLAIMED,
            claimed_by=replica,
            claimed_at=at,
            lease_until=lease_until,
            attempts=digest_posts.c.attempts + 1,
        )
    )
    return bool(retaken.rowcount)


def mark_posted(conn: Connection, team: str, slot: str, channel: str, *, at: datetime) -> bool:
    """Record the post; False when it was already recorded (the first record is kept)."""
    result = conn.execute(
        update(digest_posts)
        .where(_where(team, slot, channel), digest_posts.c.status != _POSTED)
        .values(status=_POSTED, posted_at=at, lease_until=at, last_error=None)
    )
    if result.rowcount:
        return True
    _require_row(conn, team, slot, channel, "posted")
    return False


def mark_failed(
    conn: Connection, team: str, slot: str, channel: str, *, at: datetime, error: str
) -> bool:
    """Record a failed attempt; False (nothing changes) when the digest was posted meanwhile."""
    result = conn.execute(
        update(digest_posts)
        .where(_where(team, slot, channel), digest_posts.c.status != _POSTED)
        .values(status=_FAILED, lease_until=at, last_error=error[:ERROR_LIMIT])
    )
    if result.rowcount:
        return True
    _require_row(conn, team, slot, channel, "failed")
    return False


def _require_row(conn: Connection, team: str, slot: str, channel: str, what: str) -> None:
    found = conn.execute(select(digest_posts.c.status).where(_where(team, slot, channel))).first()
    if found is None:
        raise StateStoreError(
            f"cannot record team {team!r}'s digest for slot {slot} on {channel} as {what}: "
            "it was never claimed (claim_digest_post first)"
        )


def posts(conn: Connection, team: str) -> list[DigestPost]:
    query = (
        select(digest_posts)
        .where(digest_posts.c.team == team)
        .order_by(digest_posts.c.slot, digest_posts.c.channel)
    )
    return [_digest_post(row) for row in conn.execute(query).mappings()]


def last_posted_slot(conn: Connection, team: str, channel: str) -> datetime | None:
    query = (
        select(digest_posts.c.slot)
        .where(
            digest_posts.c.team == team,
            digest_posts.c.channel == channel,
            digest_posts.c.status == _POSTED,
        )
        .order_by(digest_posts.c.slot.desc())
        .limit(1)
    )
    found = conn.execute(query).scalar()
    return slot_of_key(found) if found is not None else None


def _digest_post(row: RowMapping) -> DigestPost:
    return DigestPost(
        team=row["team"],
        slot=slot_of_key(row["slot"]),
        channel=row["channel"],
        status=DigestPostStatus(row["status"]),
        claimed_by=row["claimed_by"],
        claimed_at=row["claimed_at"],
        lease_until=row["lease_until"],
        posted_at=row["posted_at"],
        attempts=row["attempts"],
        last_error=row["last_error"],
    )
