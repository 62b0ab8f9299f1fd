"""CPU time of the mirror planner: ``python tests/mirror/bench_plan.py [ITEMS] [SNAPSHOTS]``.

Not a test (no ``test_`` prefix): it prints figures. It builds ITEMS (default 10,000) items that
all have a record, and SNAPSHOTS (default 200) issues read this cycle: a quarter of them with a
person's change, a quarter closed, the rest touched without a change to a mirrored field; 1 %
of the items are edited in their document. Values are built separately for each side, as they
come from different places, so equality is decided on content, not identity. The goal is at
most 1 s of CPU (``time.process_time``) for one plan.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from syncd.mirror import DesiredIssue, IssueFields, IssueSnapshot, MirrorRecord, plan

LABELS = ("postmortem-action", "sre")
GOAL_SECONDS = 1.0


def _fields(n: int, *, edited: bool = False) -> IssueFields:
    title = f"Add an alert on replication lag above 30 s for shard {n} of the ledger cluster"
    if edited:
        title += " (and page the DB on-call)"
    description = "\n\n".join(
        (
            title,
            f'From the postmortem "Ledger incident {n // 5}" (2026-03-01, severity SEV-2):',
            f"https://git.example/postmortems/ledger-{n // 5}.md",
            f"Owner as written: @person{n % 40}\nDue date as written: 2026-0{1 + n % 9}-15",
            "This issue is kept in step with the postmortem by syncd. A summary, assignee or due "
            "date changed here is kept; the postmortem is the place to change the action text.",
        )
    )
    return IssueFields(
        summary=title,
        description=description,
        assignee=f"acc-{n % 40:04d}",
        due=date(2026, 1 + n % 9, 15),
        priority=("Highest", "High", "Medium", "Low")[n % 4],
        labels=frozenset(label for label in LABELS),
    )


def build(
    items: int, snapshots: int
) -> tuple[list[DesiredIssue], dict[str, MirrorRecord], dict[str, IssueSnapshot]]:
    desired = [
        DesiredIssue(
            item_id=f"item-{n:05d}",
            marker=f"syncd-item-{n:05d}",
            fields=_fields(n, edited=n % 100 == 0),
            assignee_known=n % 17 != 0,
            done_in_source=n % 50 == 0,
            referenced_key=None,
            create_if_missing=True,
        )
        for n in range(items)
    ]
    records = {
        f"item-{n:05d}": MirrorRecord(
            item_id=f"item-{n:05d}",
            key=f"PAY-{n + 1}",
            base=_fields(n),
            tracker_done=False,
            resolution=None,
        )
        for n in range(items)
    }
    read_at = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    step = max(1, items // snapshots)
    snaps: dict[str, IssueSnapshot] = {}
    for i, n in enumerate(range(1, items, step)):
        if len(snaps) == snapshots:
            break
        fields = _fields(n)
        category = "indeterminate"
        if i % 4 == 0:
            fields = replace(fields, assignee="acc-someone-else", due=date(2027, 1, 31))
        elif i % 4 == 1:
            category = "done"
        snaps[f"PAY-{n + 1}"] = IssueSnapshot(
            key=f"PAY-{n + 1}",
            item_id=f"item-{n:05d}",
            fields=fields,
            status_category=category,  # type: ignore[arg-type]
            resolution="Done" if category == "done" else None,
            closure_explained=False,
            updated=read_at - timedelta(minutes=i),
            url=None,
        )
    return desired, records, snaps


def main(argv: list[str]) -> int:
    items = int(argv[1]) if len(argv) > 1 else 10_000
    snapshots = int(argv[2]) if len(argv) > 2 else 200
    desired, records, snaps = build(items, snapshots)
    result = plan(desired, records, snaps, orphaned=())  # warm-up
    timings = []
    for _ in range(5):
        started = time.process_time()
        result = plan(desired, records, snaps, orphaned=())
        timings.append(time.process_time() - started)
    counts = result.counts
    print(f"planned {items:,} items with records and {len(snaps)} snapshots")
    print(
        f"  operations {len(result.operations):,}: updated {counts.updated}, "
        f"unchanged {counts.unchanged}, closed {counts.closed}, conflicts {counts.conflicts}, "
        f"mismatches {counts.status_mismatches}"
    )
    best, median = min(timings), statistics.median(timings)
    print(
        f"  CPU time per plan: best {best:.3f} s, median {median:.3f} s (goal <= {GOAL_SECONDS} s)"
    )
    return 0 if median <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
