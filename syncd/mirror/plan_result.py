"""What the planner returns: a cycle's operations in the order the executor performs them,
and their counts; and the builder that gathers them per kind."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TypeVar

from syncd.mirror.operations import (
    AdoptIssue,
    CreateIssue,
    MarkDone,
    MarkReopened,
    Operation,
    RefuseAdoption,
    ReportConflict,
    ReportOrphan,
    ReportStatusMismatch,
    SetBase,
    UpdateIssue,
)

_Op = TypeVar("_Op")


@dataclass(frozen=True, slots=True)
class PlanCounts:
    """How many items each outcome concerns.

    ``created + adopted + updated + unchanged + skipped`` is the number of desired items:
    ``updated`` are mirrored items with a write this cycle, ``unchanged`` those without one,
    ``skipped`` items that are neither mirrored nor to be created (done in the source).
    """

    created: int = 0
    adopted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    closed: int = 0  # items that became done because their issue is done
    reopened: int = 0
    conflicts: int = 0  # fields in conflict, one report each
    status_mismatches: int = 0
    unexplained_closures: int = 0  # closed as "won't do" with no reason given
    orphaned: int = 0
    refused: int = 0  # items whose named issue was not adopted (held back, reported)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Plan:
    """The operations of one cycle, in the order the executor performs them.

    Creates come first and together (the executor sends them in bulk), then adoptions and
    updates (the other tracker writes), then bookkeeping (bases, status) and reports.
    """

    operations: tuple[Operation, ...]
    counts: PlanCounts

    def of_type(self, kind: type[_Op]) -> tuple[_Op, ...]:
        """The operations of one kind, in plan order: ``plan.of_type(CreateIssue)``."""
        return tuple(op for op in self.operations if isinstance(op, kind))


@dataclass(slots=True)
class PlanBuilder:
    """Operations gathered per kind while planning, and the counts."""

    creates: list[CreateIssue] = field(default_factory=list)
    adopts: list[AdoptIssue] = field(default_factory=list)
    updates: list[UpdateIssue] = field(default_factory=list)
    bases: list[SetBase] = field(default_factory=list)
    done: list[MarkDone] = field(default_factory=list)
    reopened: list[MarkReopened] = field(default_factory=list)
    conflicts: list[ReportConflict] = field(default_factory=list)
    mismatches: list[ReportStatusMismatch] = field(default_factory=list)
    orphans: list[ReportOrphan] = field(default_factory=list)
    refusals: list[RefuseAdoption] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    closed: int = 0
    unexplained: int = 0

    def plan(self) -> Plan:
        operations: tuple[Operation, ...] = (
            *self.creates,
            *self.adopts,
            *self.updates,
            *self.bases,
            *self.done,
            *self.reopened,
            *self.conflicts,
            *self.mismatches,
            *self.orphans,
            *self.refusals,
        )
        counts = PlanCounts(
            created=len(self.creates),
            adopted=len(self.adopts),
            updated=len(self.updates),
            unchanged=self.unchanged,
            skipped=self.skipped,
            closed=self.closed,
            reopened=len(self.reopened),
            conflicts=len(self.conflicts),
            status_mismatches=len(self.mismatches),
            unexplained_closures=self.unexplained,
            orphaned=len(self.orphans),
            refused=len(self.refusals),
        )
        return Plan(operations=operations, counts=counts)
