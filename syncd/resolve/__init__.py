"""Resolving raw action items: owners, due dates, priority, type, tracker references, vagueness.

Everything in this package is pure: plain data in, plain data out, no I/O and no clock (the
dates it needs are passed in). ``resolve_item`` is the entry point the pipeline calls; the
other modules are usable on their own (the config layer builds a ``PeopleDirectory``, the digest
asks ``vagueness`` for the reason an item was flagged).
"""

from __future__ import annotations

from syncd.resolve.dates import ParsedDue, parse_due
from syncd.resolve.due_policy import add_business_days, default_due
from syncd.resolve.normalize import normalize_priority, normalize_type
from syncd.resolve.people import PeopleDirectory, Person, is_placeholder_owner
from syncd.resolve.refs import parse_tracker_ref
from syncd.resolve.resolver import ResolvePolicy, resolve_item
from syncd.resolve.vague import item_vagueness, vagueness

__all__ = [
    "ParsedDue",
    "PeopleDirectory",
    "Person",
    "ResolvePolicy",
    "add_business_days",
    "default_due",
    "is_placeholder_owner",
    "item_vagueness",
    "normalize_priority",
    "normalize_type",
    "parse_due",
    "parse_tracker_ref",
    "resolve_item",
    "vagueness",
]
