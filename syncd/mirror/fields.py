"""CONTRACT §6 for one field: source against its base, tracker against its base.

| source vs base | tracker vs base      | verdict                                      |
|----------------|----------------------|----------------------------------------------|
| same           | same                 | UNCHANGED                                    |
| changed        | same                 | PUSH: the source's value goes to the tracker |
| same           | changed              | ACCEPT: the tracker's value is kept          |
| changed        | changed, the same way | AGREE: the base follows, nothing is written |
| changed        | changed, differently | CONFLICT: the tracker's value is kept        |

Each side is compared with its own base (see ``MirrorRecord``), so a person's change that was
kept stays kept, and a conflict is remembered: while a field is in conflict syncd writes
nothing to it and reports it, until the two sides agree (SETTLED).
"""

from __future__ import annotations

from enum import Enum
from typing import Final


class Verdict(Enum):
    UNCHANGED = "unchanged"
    PUSH = "push"
    ACCEPT = "accept"
    AGREE = "agree"
    CONFLICT = "conflict"
    SETTLED = "settled"


class _NoOpinion:
    """The source says nothing about the field (an owner not resolved to a tracker user)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_OPINION"


NO_OPINION: Final = _NoOpinion()


def merge_field(
    source: object,
    source_base: object,
    base: object,
    tracker: object,
    *,
    in_conflict: bool,
) -> tuple[Verdict, object, object]:
    """The verdict for one field, with the field's new base and new source side.

    ``tracker`` is the issue's current value, or ``base`` when the issue was not read this
    cycle (reads are incremental: not read means not changed).
    """
    if source is NO_OPINION:
        # Never pushed, never a conflict: whatever the tracker holds is kept and followed.
        if tracker != base or in_conflict:
            return Verdict.ACCEPT, tracker, source_base
        return Verdict.UNCHANGED, base, source_base
    if in_conflict:
        if source == tracker:
            return Verdict.SETTLED, source, source
        return Verdict.CONFLICT, tracker, source
    source_changed = source != source_base
    tracker_changed = tracker != base
    if not source_changed:
        if tracker_changed:
            return Verdict.ACCEPT, tracker, source_base
        return Verdict.UNCHANGED, base, source_base
    if source == tracker:
        return Verdict.AGREE, source, source
    if tracker_changed:
        return Verdict.CONFLICT, tracker, source
    return Verdict.PUSH, source, source
