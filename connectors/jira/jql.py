"""The JQL syncd sends: every value quoted, lists chunked, times in the user's time zone.

Jira reads a date in a JQL query (``updated >= "2026-11-21 09:30"``) in the time zone of the
user who searches, to the minute. Formatting in that zone and rounding down to the minute only
ever widens a read, never narrows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import islice

# Values per `in (...)` clause: keeps each query well inside Jira's JQL length limits.
MAX_VALUES_PER_QUERY = 100

# How far before the previous read's newest `updated` the next read starts: covers clock
# skew between Jira's nodes and changes committed while the previous read was running.
SAFETY_MARGIN = timedelta(minutes=5)

# When the user's time zone is unknown, a read starts this much earlier: no zone is further
# than 14 hours from UTC, so nothing is missed whatever zone Jira reads the date in.
UNKNOWN_ZONE_MARGIN = timedelta(hours=14)

# Stable under concurrent edits: a page boundary never moves because an issue was updated
# while the read went on (ordering by `updated` would shift issues between offset pages).
ORDER = "ORDER BY key ASC"


def quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def in_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(quote(v) for v in values) + ")"


def chunks(values: Iterable[str], size: int = MAX_VALUES_PER_QUERY) -> Iterator[list[str]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def jql_time(moment: datetime, zone: tzinfo | None) -> str:
    """``moment`` minus the safety margin, as Jira reads it in ``zone`` (to the minute)."""
    start = moment - SAFETY_MARGIN
    if zone is None:
        zone, start = UTC, start - UNKNOWN_ZONE_MARGIN
    return start.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def changed_query(
    project: str, labels: Sequence[str], since: datetime | None, zone: tzinfo | None
) -> str:
    """Issues of the project carrying one of ``labels`` (any issue when there are none),
    updated since ``since`` minus the margin (all of them when None)."""
    clauses = [f"project = {quote(project)}"]
    if labels:
        clauses.append(f"labels in {in_list(sorted(labels))}")
    if since is not None:
        clauses.append(f"updated >= {quote(jql_time(since, zone))}")
    return " AND ".join(clauses) + " " + ORDER


def labels_query(labels: Sequence[str]) -> str:
    return f"labels in {in_list(labels)} {ORDER}"


def keys_query(keys: Sequence[str]) -> str:
    return f"key in {in_list(keys)} {ORDER}"
