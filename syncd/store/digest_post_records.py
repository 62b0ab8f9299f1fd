"""The digest-posts role: one post per team, schedule slot and channel, across replicas."""

from __future__ import annotations

from datetime import datetime, timedelta

from syncd.store import digest_posts as digest_state
from syncd.store.records import DigestPost
from syncd.store.statements import require_aware
from syncd.store.store_core import StoreCore


class DigestPostRecords(StoreCore):
    """Claims and outcomes of digest posts."""

    # -- digest posts ----------------------------------------------------------------------

    def claim_digest_post(
        self,
        team: str,
        slot: datetime,
        channel: str,
        *,
        replica: str,
        at: datetime,
        lease: timedelta,
    ) -> bool:
        """Claim the right to post ``team``'s digest for ``slot`` to ``channel``; True if won.

        Atomic across replicas: of any number of claimers, one wins. A slot never claimed, or
        whose last post failed, or whose claim's lease ran out before ``at`` without a post
        (the claimer died), can be claimed; a posted one never again. The winner posts, then
        calls :meth:`mark_digest_posted` or :meth:`mark_digest_failed`, within ``lease``.
        """
        self._refuse_if_readonly()
        require_aware(at)
        digest_state.check_key(team, channel)
        digest_state.check_lease(lease)
        if not replica:
            raise ValueError("an empty replica name was given to claim a digest post")
        key = digest_state.slot_key(slot)
        return self._write(
            "claim a digest post",
            lambda conn: digest_state.claim(
                conn, team, key, channel, replica=replica, at=at, lease_until=at + lease
            ),
        )

    def mark_digest_posted(self, team: str, slot: datetime, channel: str, *, at: datetime) -> bool:
        """Record that the claimed digest was posted; it is never claimed again.

        Returns False, changing nothing, when it was already recorded as posted. Raises
        :class:`StateStoreError` when it was never claimed.
        """
        self._refuse_if_readonly()
        require_aware(at)
        digest_state.check_key(team, channel)
        key = digest_state.slot_key(slot)
        return self._write(
            "record a digest as posted",
            lambda conn: digest_state.mark_posted(conn, team, key, channel, at=at),
        )

    def mark_digest_failed(
        self, team: str, slot: datetime, channel: str, *, at: datetime, error: str
    ) -> bool:
        """Record that posting the claimed digest failed, so that a later claim retries it.

        ``error`` is a person's one-line reason (kept to 2,000 characters); it must hold no
        secret. Returns False, changing nothing, when the digest is recorded as posted. Raises
        :class:`StateStoreError` when it was never claimed.
        """
        self._refuse_if_readonly()
        require_aware(at)
        digest_state.check_key(team, channel)
        key = digest_state.slot_key(slot)
        return self._write(
            "record a failed digest post",
            lambda conn: digest_state.mark_failed(conn, team, key, channel, at=at, error=error),
        )

    def digest_posts(self, team: str) -> list[DigestPost]:
        """Every digest post of ``team``, by slot then channel."""
        found = self._read("read digest posts", lambda conn: digest_state.posts(conn, team))
        return found or []

    def last_posted_slot(self, team: str, channel: str) -> datetime | None:
        """The newest slot whose digest was posted to ``channel`` (the "since the last
        digest" of the next one); None before the first post."""
        return self._read(
            "read the last digest posted",
            lambda conn: digest_state.last_posted_slot(conn, team, channel),
        )
