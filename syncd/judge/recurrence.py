"""Recurrence: a new postmortem on a service that earlier postmortems left open items on.

"3 open items from 2 earlier postmortems on checkout-api" is worth saying when a new postmortem
arrives: the same service failing again while its last follow-ups are still open is the pattern
a follow-up review exists to catch. Pure, over judged items: a postmortem's services come from
its document (``Postmortem.service``, comma-separated), compared without case.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from syncd.judge.state import ItemState
from syncd.model import Postmortem

Key = tuple[str, str]  # (source, document)


@dataclass(frozen=True, slots=True)
class Recurrence:
    postmortem: Postmortem  # the new one
    service: str  # as the new postmortem writes it
    earlier: tuple[Postmortem, ...]  # earlier postmortems on the service with open items
    open_items: int  # their open items


def services_of(postmortem: Postmortem) -> tuple[str, ...]:
    """The services a postmortem names, as written, in order, without repeats."""
    return service_names(postmortem.service)


def service_names(written: str | None) -> tuple[str, ...]:
    """The names in a postmortem's comma-separated ``service``, in order, without repeats:
    "Checkout-API" and "checkout  api" repeat "checkout-api" and "checkout api" (the first
    spelling is kept), so that one service never recurs twice in one digest."""
    if not written:
        return ()
    names: dict[str, str] = {}
    for name in (" ".join(part.split()) for part in written.split(",")):
        if name:
            names.setdefault(name.casefold(), name)
    return tuple(names.values())


def on_service(postmortem: Postmortem, service: str) -> bool:
    return names_service(postmortem.service, service)


def names_service(written: str | None, service: str) -> bool:
    """Whether a postmortem's ``service`` names ``service``, compared without case."""
    wanted = " ".join(service.split()).casefold()
    return any(name.casefold() == wanted for name in service_names(written))


@dataclass(frozen=True, slots=True)
class SeenItem:
    """What recurrence needs of an item: its postmortem, when syncd first saw it, whether it
    is open (not done, not orphaned), and its issue's key."""

    postmortem: Postmortem
    first_seen: datetime
    open: bool
    issue_key: str | None = None


@dataclass(frozen=True, slots=True)
class ItemRecurrence:
    """What an item of a new postmortem shows: the open items of earlier postmortems on one
    of its services ("3 open items from 2 earlier postmortems on checkout-api: PAY-1, …")."""

    service: str
    open_items: int
    earlier: tuple[Postmortem, ...]
    issue_keys: tuple[str, ...]  # the open items' issues, those that have one

    def as_json(self) -> dict[str, object]:
        return {
            "service": self.service,
            "open_items": self.open_items,
            "earlier_postmortems": [
                {"title": p.title, "date": p.date.isoformat() if p.date else None}
                for p in self.earlier
            ],
            "issues": list(self.issue_keys),
        }

    def line(self, keys_shown: int | None = None, quote: Callable[[str], str] = str) -> str:
        """The sentence, with the issues' keys (the first ``keys_shown`` of them, then "…").
        ``quote``: how the service's name, document text, is quoted (the keys stay links)."""
        count = f"{self.open_items} open item{'s' if self.open_items != 1 else ''}"
        many = len(self.earlier)
        service = quote(self.service)
        text = f"{count} from {many} earlier postmortem{'s' if many != 1 else ''} on {service}"
        keys = list(self.issue_keys[:keys_shown] if keys_shown is not None else self.issue_keys)
        if len(keys) < len(self.issue_keys):
            keys.append("…")
        return f"{text}: {', '.join(keys)}" if keys else text


def recurrences(states: Sequence[ItemState], new_since: datetime) -> tuple[Recurrence, ...]:
    """For each postmortem first seen at or after ``new_since``, and each service it names,
    the earlier postmortems on that service that still have open items."""
    seen = [
        SeenItem(s.item.postmortem, s.first_seen, not s.done and not s.orphaned) for s in states
    ]
    return _recurrences(seen, new_since)


def item_recurrences(items: Sequence[SeenItem]) -> dict[Key, ItemRecurrence]:
    """By postmortem: the first of its services (in its order) on which earlier postmortems
    left open items, with their issues' keys; postmortems without one are left out."""
    keys: dict[Key, list[str]] = {}
    for item in items:
        if item.open and item.issue_key:
            keys.setdefault(_key(item.postmortem), []).append(item.issue_key)
    found: dict[Key, ItemRecurrence] = {}
    for recurrence in _recurrences(items, datetime.min.replace(tzinfo=UTC)):
        key = _key(recurrence.postmortem)
        if key in found:
            continue
        issues = [
            k for p in recurrence.earlier for k in sorted(keys.get(_key(p), ()), key=_by_number)
        ]
        found[key] = ItemRecurrence(
            recurrence.service, recurrence.open_items, recurrence.earlier, tuple(issues)
        )
    return found


def _by_number(key: str) -> tuple[str | int, ...]:
    """PAY-9 before PAY-10, owner/repo#9 before owner/repo#10."""
    parts = re.split(r"(\d+)", key)
    return tuple(int(p) if p.isdigit() else p for p in parts)


def _key(postmortem: Postmortem) -> Key:
    return (postmortem.source, postmortem.document)


def _recurrences(items: Sequence[SeenItem], new_since: datetime) -> tuple[Recurrence, ...]:
    postmortems: dict[Key, Postmortem] = {}
    first_seen: dict[Key, datetime] = {}
    open_items: dict[Key, int] = {}
    for item in items:
        key = _key(item.postmortem)
        postmortems.setdefault(key, item.postmortem)
        seen = first_seen.get(key)
        first_seen[key] = item.first_seen if seen is None else min(seen, item.first_seen)
        if item.open:
            open_items[key] = open_items.get(key, 0) + 1
    found = []
    for key, postmortem in sorted(postmortems.items(), key=lambda kv: _when(kv, first_seen)):
        if first_seen[key] < new_since:
            continue
        for service in services_of(postmortem):
            earlier = [
                other_key
                for other_key in _earlier(key, postmortems, first_seen)
                if open_items.get(other_key) and on_service(postmortems[other_key], service)
            ]
            if earlier:
                found.append(
                    Recurrence(
                        postmortem,
                        service,
                        tuple(postmortems[k] for k in earlier),
                        sum(open_items[k] for k in earlier),
                    )
                )
    return tuple(found)


def _earlier(
    key: Key, postmortems: dict[Key, Postmortem], first_seen: dict[Key, datetime]
) -> Iterable[Key]:
    """The postmortems before ``key``'s: by their dates, else by when syncd first saw them."""
    mine = _when((key, postmortems[key]), first_seen)
    return sorted(
        (k for k in postmortems if k != key and _when((k, postmortems[k]), first_seen) < mine),
        key=lambda k: _when((k, postmortems[k]), first_seen),
    )


def _when(entry: tuple[Key, Postmortem], first_seen: dict[Key, datetime]) -> tuple[date, datetime]:
    key, postmortem = entry
    seen = first_seen[key]
    return (postmortem.date or seen.date(), seen)
