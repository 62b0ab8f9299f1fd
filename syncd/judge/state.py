"""An item together with what its tracker says about it: the input of every judgement."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from syncd.model import ActionItem, Status, TrackerAssignee


@dataclass(frozen=True, slots=True)
class ItemState:
    """One action item and its tracker view, as the state store and the last sync know them.

    ``last_activity`` is the last change in the tracker made by anyone but syncd: syncd's own
    writes (a pushed title, a re-applied label) are no sign that anybody works on the item.
    ``first_seen`` is when syncd first extracted the item; staleness counts from it while the
    issue has never been touched. ``tracker_assignee`` is who holds the issue in the tracker now
    (None when it has no issue, nobody is assigned, or syncd has not read it yet).
    """

    item: ActionItem
    first_seen: datetime
    issue_key: str | None = None
    issue_url: str | None = None
    tracker_done: bool = False
    resolution: str | None = None
    wont_do_unexplained: bool = False  # closed as "won't do" / not planned without a reason
    last_activity: datetime | None = None
    in_conflict: bool = False
    conflict_fields: tuple[str, ...] = ()  # which fields, when known ("due", "assignee")
    sync_error: str | None = None  # the last sync's error for this item, as reported
    orphaned: bool = False  # removed from its document; its issue is left alone
    done_at: datetime | None = None  # when it became done (document or tracker), when known
    tracker_assignee: TrackerAssignee | None = None
    # The issue's due date as syncd last synced it (None: none, or the tracker keeps none): a
    # person may have moved it there (their date is kept); a nudge asks nothing already done.
    tracker_due: date | None = None

    @property
    def done(self) -> bool:
        """Done in the document or in the tracker (the tracker owns the status)."""
        return self.tracker_done or self.item.status is Status.DONE


def due_as_in_tracker(state: ItemState) -> ItemState:
    """The item with its issue's due date when a person moved it in the tracker: syncd keeps
    their date (CONTRACT §6), so "overdue" and "due soon" are judged, and shown, on it. A due
    date in conflict keeps the tracker's too; a tracker without due dates (GitHub without
    milestones) leaves the document's."""
    due = state.item.due
    if state.tracker_due is None or state.tracker_due == due.date:
        return state
    item = dataclasses.replace(state.item, due=dataclasses.replace(due, date=state.tracker_due))
    return dataclasses.replace(state, item=item)
