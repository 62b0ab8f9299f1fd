"""Write-back: a source that can put an item's tracker key (and its done state) back into the
postmortem it was read from, so readers of the document see where the work is.

The core plans the edits (``syncd.reconcile.write_back_plan``: items whose mirrored issue the
document does not name yet, or whose issue is done while the document says open) and hands a
source that implements :class:`WritesBack`, with write-back turned on in its team-file block,
all of that source's edits of a cycle in one call. The source applies them however its medium
allows (a commit or pull request for git, a page update with its version check for Confluence)
and answers, per edit, what became of it. It never changes anything in the document but the
item's own line or cell, and what it writes must read back as the same item (same id) naming
the key, so that the next cycle adopts instead of creating and plans no edit again.

Plain data and a protocol only: importing this module loads nothing else of syncd.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class WriteBackEdit:
    """One item's write-back: name ``key`` (linked to ``url``) at the item, and mark it done
    when ``done``. The item is located by what the source read this cycle: ``document`` (as in
    ``RawItem``/``Postmortem.document``), ``line`` (1-based), ``title`` and ``native_id``; a
    source re-checks them against the text it edits, which may have changed since."""

    item_id: str
    document: str
    line: int
    title: str
    key: str  # "PAY-123", "acme/payments#45": as the tracker names the issue
    url: str | None  # where a person opens the issue; the link's target
    done: bool  # the issue is done and the document still says open: mark the item done
    native_id: str | None = None  # the source's own id of the item (a Confluence task id)
    system: str = "jira"  # "jira" | "github": which tracker ``key`` belongs to

    def as_json(self) -> dict[str, Any]:
        return {
            "item": self.item_id,
            "document": self.document,
            "line": self.line,
            "key": self.key,
            "url": self.url,
            "done": self.done,
        }


class EditOutcome(StrEnum):
    WRITTEN = "written"  # this call wrote it: committed, pushed to the proposal, page updated
    PENDING = "pending"  # already proposed (an open pull request holds it); nothing new written
    PRESENT = "present"  # the document already says so: nothing to write
    RETRY = "retry"  # not written now (a concurrent edit, a transient error): the next cycle tries
    FAILED = "failed"  # cannot be written as asked (item not found, cell names another issue)


@dataclass(frozen=True, slots=True)
class EditResult:
    item_id: str
    outcome: EditOutcome
    reason: str | None = None  # why, for RETRY and FAILED; never a secret

    def as_json(self) -> dict[str, Any]:
        return {"item": self.item_id, "outcome": self.outcome.value, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class WriteBackResult:
    """What a source did with a cycle's edits: one result per edit it was given."""

    results: tuple[EditResult, ...]
    # Where a person sees the change: the pull request's URL, the commit, the page; None when
    # nothing was written.
    change: str | None = None

    @classmethod
    def all_as(
        cls, edits: Sequence[WriteBackEdit], outcome: EditOutcome, reason: str | None = None
    ) -> WriteBackResult:
        """Every edit with the same outcome (the source as a whole could not write)."""
        return cls(tuple(EditResult(e.item_id, outcome, reason) for e in edits))


@runtime_checkable
class WritesBack(Protocol):
    """A source that can write tracker keys back into its documents.

    ``writes_back``: the team file turned write-back on for this source (off by default).
    ``write_back`` applies a cycle's edits of this source; it never raises for one edit or one
    document (that edit's result says why), and raises nothing for the source as a whole either:
    an unreachable remote answers every edit ``RETRY`` with the reason. ``now`` is the cycle's
    clock (commit dates, proposal texts)."""

    @property
    def writes_back(self) -> bool: ...

    def write_back(self, edits: Sequence[WriteBackEdit], now: datetime) -> WriteBackResult: ...


@runtime_checkable
class WithdrawsProposals(Protocol):
    """A write-back source that proposes its edits (a pull or merge request) rather than writing
    them. In a cycle with no edit for it, ``withdraw_proposal`` closes its open proposal (with a
    comment saying why: nothing is left to propose) and returns its URL, or None when it has
    none open. It may raise: the cycle reports it for the source and goes on."""

    def withdraw_proposal(self) -> str | None: ...


__all__ = [
    "EditOutcome",
    "EditResult",
    "WithdrawsProposals",
    "WriteBackEdit",
    "WriteBackResult",
    "WritesBack",
]
