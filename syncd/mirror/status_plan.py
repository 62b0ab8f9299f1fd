"""Reading an issue's status back: done, reopened, or a mismatch with the document."""

from __future__ import annotations

from syncd.mirror.model import IssueSnapshot
from syncd.mirror.operations import MarkDone, MarkReopened, ReportStatusMismatch
from syncd.mirror.plan_result import PlanBuilder
from syncd.mirror.status import is_won_t_do, open_status_phrase


def read_status(
    item_id: str,
    key: str,
    snapshot: IssueSnapshot,
    recorded_done: bool,
    recorded_resolution: str | None,
    done_in_source: bool,
    out: PlanBuilder,
) -> None:
    if snapshot.status_category == "done":
        won_t_do = is_won_t_do(snapshot.resolution)
        # A won't-do closure is read again whenever its issue changes: a reason may have been
        # added since, and the flag must then go.
        if not recorded_done or snapshot.resolution != recorded_resolution or won_t_do:
            out.done.append(
                MarkDone(
                    item_id=item_id,
                    key=key,
                    resolution=snapshot.resolution,
                    won_t_do=won_t_do,
                    explained=snapshot.closure_explained,
                )
            )
            out.closed += not recorded_done
            out.unexplained += won_t_do and not snapshot.closure_explained
        return
    if recorded_done:
        out.reopened.append(MarkReopened(item_id=item_id, key=key))
    if done_in_source:
        out.mismatches.append(status_mismatch(item_id, key, snapshot.status_category))


def status_mismatch(item_id: str, key: str, status_category: str) -> ReportStatusMismatch:
    detail = (
        f"done in the document, {open_status_phrase(status_category)} in the tracker ({key}); "
        "the tracker's status counts: close the issue, or reopen the item in the document"
    )
    return ReportStatusMismatch(item_id=item_id, key=key, detail=detail)
