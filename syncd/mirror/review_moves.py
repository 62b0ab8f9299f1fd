"""A follow-up review follows its postmortem when the document is renamed or moved.

A review's id comes from its postmortem's place (``review_id``), while items keep their ids
when their document moves (``syncd.reconcile.team_items``). So when the items of a document
with no review yet are the moved items of a document that had one, the old review is carried
over (its record re-keyed to the new place) instead of a second one being created. Pure.

- renamed or moved: the new document takes the old one's review;
- split: the document that took most of the old one's items takes the review (the old one
  keeps it when it is still there); the others get reviews of their own;
- merged: the new document takes the review of the document most of its items came from;
  the other reviews are left as they are (open: syncd no longer plans them, never closes
  them, and a person closes them as duplicates);
- deleted: its review is left alone, neither closed nor created again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence

from syncd.mirror.review import review_id
from syncd.model import ActionItem


def carried_reviews(
    team: str,
    items: Sequence[ActionItem],
    moved_from: Mapping[str, tuple[str, str]],
    reviewed: Collection[str],
) -> dict[str, str]:
    """New review id → the old review id it carries over (each old review at most once)."""
    by_place: dict[tuple[str, str], list[ActionItem]] = {}
    for item in items:
        by_place.setdefault((item.source, item.document), []).append(item)
    here = {review_id(team, *place) for place in by_place}
    candidates: list[tuple[int, int, int, str, str]] = []
    for order, (place, its_items) in enumerate(by_place.items()):
        new = review_id(team, *place)
        if new in reviewed:
            continue
        came_from = Counter(moved_from[i.id] for i in its_items if i.id in moved_from)
        # Counter keeps first-seen order: a tie goes to the document its first item came from.
        for first, (old_place, count) in enumerate(came_from.items()):
            old = review_id(team, *old_place)
            if old in reviewed and old not in here:
                candidates.append((-count, order, first, new, old))
    carried: dict[str, str] = {}
    for *_, new, old in sorted(candidates):
        if new not in carried and old not in carried.values():
            carried[new] = old
    return carried
