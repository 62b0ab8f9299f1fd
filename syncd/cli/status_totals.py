"""What ``syncd status`` counts, defined once, so that its totals are the sum of its rows.

Each row is in exactly one state: **done** (in the document or in the tracker: the tracker owns
the status), else **orphaned** (gone from its document; its issue is left alone), else **open**.
The same split as the digest's counts. Every total, in the table and in ``--json``, is a count
of rows by that state, so a person adding up the status column gets the printed numbers.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from syncd.model import Status
from syncd.store import StoredItem, TrackerLink


class RowState(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    ORPHANED = "orphaned"


def row_state(item: StoredItem, link: TrackerLink | None) -> RowState:
    """Done wins over orphaned: a finished item needs nobody's attention, wherever it went."""
    if item.status is Status.DONE or (link is not None and link.tracker_done):
        return RowState.DONE
    if item.orphaned_at is not None:
        return RowState.ORPHANED
    return RowState.OPEN


@dataclass(frozen=True, slots=True)
class StatusTotals:
    items: int
    open: int
    done: int
    orphaned: int
    open_with_issue: int  # open items mirrored to an issue
    creates_in_flight: int  # intents recorded, outcome not yet known

    def json(self) -> dict[str, int]:
        return {
            "items": self.items,
            "open": self.open,
            "done": self.done,
            "orphaned": self.orphaned,
        }

    def mirror_json(self) -> dict[str, int]:
        """How far mirroring has got (a large first mirror into GitHub takes hours)."""
        return {
            "to_mirror": self.open,
            "mirrored": self.open_with_issue,
            "creates_in_flight": self.creates_in_flight,
        }


def status_totals(
    items: Sequence[StoredItem], links: Mapping[str, TrackerLink], creates_in_flight: int
) -> StatusTotals:
    states = [row_state(item, links.get(item.id)) for item in items]
    open_ids = [i.id for i, s in zip(items, states, strict=True) if s is RowState.OPEN]
    return StatusTotals(
        items=len(items),
        open=len(open_ids),
        done=states.count(RowState.DONE),
        orphaned=states.count(RowState.ORPHANED),
        open_with_issue=sum(1 for item_id in open_ids if item_id in links),
        creates_in_flight=creates_in_flight,
    )
