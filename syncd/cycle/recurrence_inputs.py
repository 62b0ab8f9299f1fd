"""Recurrence as a new postmortem's items show it, from what the state store holds.

One reading for everything that shows it: ``syncd status`` (the store as it is), and a sync
(the store as it was, with this cycle's reading over it), which puts it in ``sync --dry-run
--json`` and in the line of each mirrored issue's description. So the three agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from syncd.judge.recurrence import ItemRecurrence, Key, SeenItem, item_recurrences
from syncd.model import ActionItem, Status
from syncd.reconcile.team_items import TeamItems
from syncd.store import StoredItem, TrackerLink


def names_a_service(stored: Sequence[StoredItem], reading: TeamItems | None = None) -> bool:
    """Whether any postmortem names a service: else nothing can recur (and a sync need not
    read the links for it)."""
    return any(s.postmortem_service for s in stored) or (
        reading is not None and any(i.postmortem.service for i in reading.items)
    )


def team_recurrences(
    stored: Sequence[StoredItem],
    links: Mapping[str, TrackerLink],
    reading: TeamItems | None = None,
    *,
    now: datetime | None = None,
) -> dict[Key, ItemRecurrence]:
    """By postmortem (source, document): the open items earlier postmortems left on its
    service, with their issues' keys.

    ``reading``: this cycle's items, over the stored ones (a new one is first seen ``now``;
    one read is no longer orphaned, one gone from its document now is). An item is open unless
    its document or its issue says done, or it is orphaned.
    """
    if not names_a_service(stored, reading):
        return {}
    read = {i.id: i for i in reading.items} if reading is not None else {}
    gone = {k.id for k in reading.orphaned} if reading is not None else set()
    current: dict[str, tuple[ActionItem, datetime | None, bool]] = {}
    for s in stored:
        orphaned = s.id in gone or (s.orphaned_at is not None and s.id not in read)
        current[s.id] = (read.get(s.id) or s.to_action_item(), s.first_seen, orphaned)
    for item_id, item in read.items():
        current.setdefault(item_id, (item, now, False))
    seen = []
    for item_id, (item, first_seen, orphaned) in current.items():
        if first_seen is None:
            raise ValueError("an item first read this cycle needs the cycle's time (now)")
        link = links.get(item_id)
        done = item.status is Status.DONE or (link is not None and link.tracker_done)
        key = link.key if link is not None else None
        seen.append(SeenItem(item.postmortem, first_seen, not done and not orphaned, key))
    return item_recurrences(seen)
