"""The fields a write to an existing issue changes: typed, one attribute per mirrored field.

An attribute left at :data:`KEEP` is not written. Labels are only ever added
(``labels_to_add``), and an assignee is never cleared: a person's assignee stays when an
owner cannot be resolved, so no value of this type can ask for either.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Final

# The name of the labels change, as plans' JSON and logs show it.
LABELS_TO_ADD = "labels_to_add"


class Keep(Enum):
    """A field the change leaves as the issue holds it."""

    KEEP = "keep"

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep.KEEP


@dataclass(frozen=True, slots=True)
class FieldChanges:
    """What an ``UpdateIssue`` (or an adoption's fill) writes, and nothing else.

    ``due`` may be None (a due date removed in the document is cleared); ``priority`` None
    asks nothing (trackers rarely allow clearing one) and is not written.
    """

    summary: str | Keep = KEEP
    description: str | Keep = KEEP
    assignee: str | Keep = KEEP
    due: date | Keep | None = KEEP
    priority: str | Keep | None = KEEP
    labels_to_add: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Checked at run time too: values arrive from untyped plans (``of``) and tests.
        if self.assignee is None:
            raise ValueError("syncd never clears an assignee: no None assignee change")
        if not isinstance(self.labels_to_add, frozenset) or not all(
            isinstance(label, str) for label in self.labels_to_add
        ):
            raise TypeError(f"{LABELS_TO_ADD} must be a frozenset of labels")
        if self.due is not None and self.due is not KEEP and not isinstance(self.due, date):
            raise TypeError(f"due must be a date or None, not {type(self.due).__name__}")

    @classmethod
    def of(cls, values: Mapping[str, object]) -> FieldChanges:
        """From field name → new value (the planner's per-field verdicts); a name that is not a
        mirrored field's (or ``labels_to_add``) raises ValueError."""
        unknown = sorted(set(values) - set(_NAMES))
        if unknown:
            raise ValueError(f"syncd does not write the field(s) {', '.join(unknown)}")
        return cls(**values)  # type: ignore[arg-type]  # checked in __post_init__

    def items(self) -> Iterator[tuple[str, object]]:
        """The changed fields as (name, new value), in ``MIRRORED_FIELDS`` order; labels as
        ``labels_to_add``, only when some are added."""
        for name in _NAMES:
            value = getattr(self, name)
            if name == LABELS_TO_ADD:
                if value:
                    yield name, value
            elif value is not KEEP:
                yield name, value

    def as_dict(self) -> dict[str, object]:
        return dict(self.items())

    def __bool__(self) -> bool:
        return next(self.items(), None) is not None


_NAMES = ("summary", "description", "assignee", "due", "priority", LABELS_TO_ADD)

NO_CHANGES: Final = FieldChanges()
