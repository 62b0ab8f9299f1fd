"""Fencing tokens: what a writer holds while it works a team, and the error when it lost it.

A lease carries an epoch that grows on every takeover. A cycle starts with the epoch of the
lease it holds (its :class:`Fence`); every store write it makes is conditional on that epoch
still being the lease's, and the lease is confirmed before every tracker write. A writer that
paused (a long GC, a stalled VM, SIGSTOP) and finds another holder when it resumes gets
:class:`LeaseLostError` and stops the cycle at once, before writing anything more.

No I/O here: the store and the writers import this, and so may the HTTP policy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fence:
    """The lease a cycle started with: only while ``name`` is at ``epoch`` for ``holder``
    may the cycle write."""

    name: str  # the lease, e.g. "team:payments"
    holder: str  # this process, e.g. "host:pid:random"
    epoch: int


class LeaseLostError(Exception):
    """This process no longer holds the lease it started a cycle with; nothing more is written.

    Not an ``HttpError`` nor a ``StateStoreError``: no retry loop or error report of either
    kind may swallow it; it ends the team's cycle.
    """

    def __init__(self, fence: Fence, now_held_by: str | None) -> None:
        self.fence = fence
        self.now_held_by = now_held_by
        who = f"now held by {now_held_by}" if now_held_by else "no longer held"
        super().__init__(
            f"lost the lease {fence.name} (epoch {fence.epoch}, {who}); "
            "this cycle stopped before writing anything more"
        )
