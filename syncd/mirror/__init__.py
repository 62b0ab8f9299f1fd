"""The tracker mirror's pure core: its data, the planner and the rendering of issues.

Tracker-neutral (Jira now, GitHub next) and free of I/O: connectors turn issues into
``IssueSnapshot``s, the state store keeps ``MirrorRecord``s, ``plan`` decides, the executor acts.
"""

from __future__ import annotations

from syncd.mirror.model import (
    MIRRORED_FIELDS,
    DesiredIssue,
    IssueFields,
    IssueReference,
    IssueSnapshot,
    MirrorRecord,
)
from syncd.mirror.operations import (
    LABELS_TO_ADD,
    TRACKER_WRITES,
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
    fields_as_json,
    fields_from_json,
    operation_as_json,
    operation_name,
)
from syncd.mirror.planner import Plan, PlanCounts, plan
from syncd.mirror.render import desired_issue, summary_text
from syncd.mirror.status import is_won_t_do

__all__ = [
    "LABELS_TO_ADD",
    "MIRRORED_FIELDS",
    "TRACKER_WRITES",
    "AdoptIssue",
    "CreateIssue",
    "DesiredIssue",
    "IssueFields",
    "IssueReference",
    "IssueSnapshot",
    "MarkDone",
    "MarkReopened",
    "MirrorRecord",
    "Operation",
    "Plan",
    "PlanCounts",
    "RefuseAdoption",
    "ReportConflict",
    "ReportOrphan",
    "ReportStatusMismatch",
    "SetBase",
    "UpdateIssue",
    "desired_issue",
    "fields_as_json",
    "fields_from_json",
    "is_won_t_do",
    "operation_as_json",
    "operation_name",
    "plan",
    "summary_text",
]
