"""What a mirror cycle did for one team, and the problems it reports to people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from syncd.cycle.deferral import Deferral, deferred
from syncd.cycle.progress import Mirroring, ProgressListener
from syncd.http import RateLimitedError
from syncd.mirror.operations import (
    AdoptIssue,
    CreateIssue,
    ReportConflict,
    ReportOrphan,
    ReportStatusMismatch,
    UpdateIssue,
)
from syncd.mirror.planner import Plan
from syncd.tracker import TrackerProblem


@dataclass(slots=True)
class MirrorOutcome:
    """What a mirror cycle did (or, in a dry run, would do) for one team."""

    plan: Plan | None = None
    created: int = 0
    adopted: int = 0
    updated: int = 0
    closed: int = 0
    problems: list[TrackerProblem] = field(default_factory=list)
    stopped: str | None = None  # the tracker could not be used at all this cycle
    failed_items: set[str] = field(default_factory=set)  # items whose issue could not be written
    # Writes left for a later cycle: the tracker account's budget is spent until then.
    deferred: Deferral | None = None
    deferred_items: set[str] = field(default_factory=set)  # updated or adopted later
    # Follow-up review issues (``policy.review_issues``); also counted in created/updated.
    reviews: bool = False  # the team has them switched on
    reviews_created: int = 0
    reviews_closed: int = 0

    @property
    def unchanged(self) -> int:
        return 0 if self.plan is None else self.plan.counts.unchanged

    def defer(self, item_id: str, error: RateLimitedError, now: datetime) -> None:
        """A write refused for the account's budget: the item's record stays, a later cycle
        writes."""
        self.deferred_items.add(item_id)
        self.deferred = deferred(self.deferred, 1, error, now)


class WriteTally:
    """Counts the plan's tracker writes as they finish, for the progress display."""

    def __init__(
        self, team: str, tracker: str, the_plan: Plan, progress: ProgressListener | None
    ) -> None:
        self._team = team
        self._tracker = tracker
        self._progress = progress
        self._done = 0
        self._total = (
            len(the_plan.of_type(CreateIssue))
            + len(the_plan.of_type(AdoptIssue))
            + len(the_plan.of_type(UpdateIssue))
        )

    def report(self) -> None:
        if self._progress is not None and self._total:
            self._progress(Mirroring(self._team, self._tracker, self._done, self._total))

    def advance(self, writes: int) -> None:
        self._done = min(self._done + writes, self._total)
        self.report()


def report_plan(the_plan: Plan, outcome: MirrorOutcome) -> None:
    """The plan's reports for people: conflicts, status mismatches, orphans."""
    for conflict in the_plan.of_type(ReportConflict):
        outcome.problems.append(
            TrackerProblem(
                conflict.item_id,
                conflict.key,
                f"{conflict.field} changed in the document and in {conflict.key}; "
                f"{conflict.key}'s value is kept",
                {
                    "field": conflict.field,
                    "document": _plain(conflict.source_value),
                    "tracker": _plain(conflict.tracker_value),
                },
            )
        )
    for mismatch in the_plan.of_type(ReportStatusMismatch):
        outcome.problems.append(TrackerProblem(mismatch.item_id, mismatch.key, mismatch.detail))
    for orphan in the_plan.of_type(ReportOrphan):
        outcome.problems.append(
            TrackerProblem(
                orphan.item_id,
                orphan.key,
                f"the item is gone from its document; {orphan.key} is left as it is",
            )
        )


def _plain(value: object) -> object:
    if isinstance(value, frozenset):
        return sorted(value)
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)
