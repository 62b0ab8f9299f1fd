"""One raw item, as its document states it, becomes an ``ActionItem`` the pipeline can mirror.

The flags set here are facts about the text (nobody named, no readable date, a vague title);
judgements that depend on the clock or the tracker (overdue, stale, conflict) come later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from syncd.model import (
    ActionItem,
    DueDate,
    DueOrigin,
    Flag,
    Postmortem,
    Priority,
    RawItem,
    Status,
    TrackerRef,
)
from syncd.resolve.dates import parse_due
from syncd.resolve.due_policy import default_due
from syncd.resolve.normalize import normalize_priority, normalize_type
from syncd.resolve.people import PeopleDirectory, is_placeholder_owner
from syncd.resolve.refs import parse_tracker_ref
from syncd.resolve.vague import item_vagueness


@dataclass(frozen=True, slots=True)
class ResolvePolicy:
    """The parts of a team's policy that decide how an item is read."""

    due_days: Mapping[str, int]  # keys "P0".."P3" and "default"; days after the postmortem
    business_days: bool = False
    date_order: Literal["dmy", "mdy"] | None = None
    holidays: frozenset[date] = frozenset()
    # Jira projects whose bare keys ("PAY-123") in a document name an issue to adopt: the
    # team's project and those it lists. None: any project (nothing says which are the team's).
    reference_projects: frozenset[str] | None = None


def resolve_item(
    raw: RawItem,
    postmortem: Postmortem,
    *,
    item_id: str,
    team: str,
    people: PeopleDirectory,
    policy: ResolvePolicy,
    fallback_date: date,
) -> ActionItem:
    """Resolve owner, due date, priority, type, status and tracker reference; set the flags.

    ``fallback_date`` stands in for the postmortem's date when it has none (the core passes
    the document's first-seen date), so relative and default due dates always have an anchor.
    """
    postmortem_date = postmortem.date or fallback_date
    flags: set[Flag] = set()

    owner = people.resolve(raw.owner_text)
    if is_placeholder_owner(raw.owner_text):
        flags.add(Flag.UNOWNED)  # a name that does not resolve is still an owner a person can read

    priority = normalize_priority(raw.priority_text)
    due = _due(raw.due_text, priority, postmortem_date, policy, flags)

    if item_vagueness(raw.title, raw.detail) is not None:
        flags.add(Flag.VAGUE)

    return ActionItem(
        id=item_id,
        team=team,
        postmortem=postmortem,
        title=raw.title,
        section=raw.section,
        line=raw.line,
        owner=owner,
        due=due,
        priority=priority,
        type=normalize_type(raw.type_text),
        status=Status.DONE if raw.done else Status.OPEN,
        tracker_ref=_first_tracker_ref(raw.tracker_refs, policy.reference_projects),
        flags=frozenset(flags),
        detail=raw.detail,
        priority_written=raw.priority_text,
        type_written=raw.type_text,
    )


def _due(
    written: str | None,
    priority: Priority | None,
    postmortem_date: date,
    policy: ResolvePolicy,
    flags: set[Flag],
) -> DueDate:
    written = written.strip() if written is not None and written.strip() else None
    if written is not None:
        parsed = parse_due(written, postmortem_date=postmortem_date, date_order=policy.date_order)
        if parsed.date is not None:
            return DueDate(parsed.date, DueOrigin.DOCUMENT, written)
    else:
        parsed = None

    policy_date = default_due(
        priority,
        postmortem_date=postmortem_date,
        due_days=policy.due_days,
        business_days=policy.business_days,
        holidays=policy.holidays,
    )
    if parsed is not None and parsed.ambiguous:
        # A date was written, just not readably in one way: ask for clarity, not for a date.
        flags.add(Flag.AMBIGUOUS_DATE)
        return DueDate(policy_date, DueOrigin.POLICY, written, ambiguous=True)
    flags.add(Flag.UNDATED)
    return DueDate(policy_date, DueOrigin.POLICY, written)


def _first_tracker_ref(
    written: tuple[str, ...], jira_projects: frozenset[str] | None
) -> TrackerRef | None:
    for reference in written:
        if (parsed := parse_tracker_ref(reference, jira_projects)) is not None:
            return parsed
    return None
