"""The rows of ``syncd export``: one per item, and a team's figures, as plain values.

Text from documents and trackers is untrusted, and a spreadsheet runs a cell that starts with
``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) as a formula: such a cell is written
with a leading apostrophe in CSV, so opening an export never runs anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from syncd.judge import ItemJudgement, JudgePolicy
from syncd.judge.figures import days_open, done_on, was_on_time

COLUMNS = (
    "team",
    "id",
    "title",
    "postmortem",
    "postmortem_date",
    "owner",
    "assignee",
    "issue",
    "status",
    "due",
    "created",
    "done",
    "days_open",
    "on_time",
    "nudges",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def item_row(
    team: str,
    judgement: ItemJudgement,
    policy: JudgePolicy,
    now: datetime,
    nudges: Mapping[str, int],
) -> dict[str, Any]:
    state = judgement.state
    item = state.item
    holder = state.tracker_assignee
    assignee = None if holder is None or holder.cleared else holder.shown
    if holder is None:
        assignee = item.owner.person
    finished = done_on(judgement, policy)
    on_time = was_on_time(judgement, policy)
    status = "orphaned" if state.orphaned else ("done" if judgement.done else "open")
    return {
        "team": team,
        "id": item.id,
        "title": item.title,
        "postmortem": item.postmortem.title,
        "postmortem_date": _iso(item.postmortem.date),
        "owner": item.owner.written,
        "assignee": assignee,
        "issue": state.issue_key,
        "status": status,
        "due": _iso(item.due.date),
        "created": state.first_seen.astimezone(policy.timezone).date().isoformat(),
        "done": _iso(finished),
        "days_open": days_open(judgement, policy, now),
        "on_time": None if on_time is None else ("yes" if on_time else "no"),
        "nudges": nudges.get(item.id, 0),
    }


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Iterable[str] = COLUMNS) -> str:
    out = io.StringIO()
    names = list(columns)
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: _cell(row.get(name)) for name in names})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())
