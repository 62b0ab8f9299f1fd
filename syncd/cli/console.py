"""Human-readable output on a terminal (rich): item tables per document, plans, status."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from syncd.cli.status_totals import RowState, StatusTotals, row_state
from syncd.cycle.team_cycle import TeamRun
from syncd.model import ActionItem, Flag, Status, TrackerAssignee
from syncd.reconcile.store_plan import OpKind, StoreOperation, count_plan
from syncd.resolve.people import is_placeholder_owner
from syncd.store import StoredItem, TrackerLink

_FLAG_STYLE = {
    Flag.UNOWNED: "red",
    Flag.UNDATED: "yellow",
    Flag.VAGUE: "magenta",
    Flag.AMBIGUOUS_DATE: "yellow",
    Flag.ORPHANED: "dim",
}


def _owner_cell(item: ActionItem, holder: TrackerAssignee | None = None) -> Text:
    """The assignee and the co-owners; who holds the issue in the tracker, when that differs."""
    owner = item.owner
    if holder is not None and (holder.person is None or holder.person != owner.person):
        style = "red" if holder.cleared else "green" if holder.person else "yellow"
        text = Text(holder.shown, style=style)
        if is_placeholder_owner(owner.written):
            text.append(" (nobody in the postmortem)", style="dim")
        else:
            text.append(" (in the postmortem: ", style="dim")
            text.append_text(_document_owners(item))
            text.append(")", style="dim")
        return text
    return _document_owners(item)


def _document_owners(item: ActionItem) -> Text:
    """The assignee, then each co-owner ("carol + dave"); as written when nobody resolved."""
    owner = item.owner
    if not owner.person:
        if is_placeholder_owner(owner.written):  # "TBD", "nobody yet": nobody named
            return Text("—", style="red")
        return Text(f"{owner.written} ?", style="yellow")
    text = Text(owner.person, style="green")
    if owner.via == "lead":
        text.append(f" (lead of {owner.written})", style="dim")
    for co_owner in owner.co_owners:
        text.append(" + ", style="dim")
        if co_owner.person:
            text.append(co_owner.person, style="green")
        else:
            text.append(f"{co_owner.written} ?", style="yellow")
    return text


def _due_cell(item: ActionItem) -> Text:
    due = item.due
    if due.date is None:
        return Text("—", style="red")
    text = Text(due.date.isoformat())
    if due.origin is not None and due.origin.value == "policy":
        text.stylize("yellow")
        text.append(" policy", style="dim")
    return text


def _flags_cell(item: ActionItem, *, with_status_and_ref: bool = True) -> Text:
    text = Text()
    if with_status_and_ref and item.status is Status.DONE:
        text.append("done ", style="green")
    if with_status_and_ref and item.tracker_ref is not None:
        text.append(f"→{item.tracker_ref.key} ", style="cyan")
    if item.status is Status.DONE:  # what a done item lacks no longer needs anyone's attention
        return text
    for flag in sorted(item.flags, key=lambda f: list(Flag).index(f)):
        text.append(f"{flag.value} ", style=_FLAG_STYLE.get(flag, ""))
    return text


def _item_table(items: Sequence[ActionItem]) -> Table:
    table = Table(show_header=True, header_style="bold", expand=False, pad_edge=False)
    table.add_column("line", justify="right", style="dim")
    table.add_column("action item", overflow="fold", ratio=3)
    table.add_column("owner", overflow="fold")
    table.add_column("due", no_wrap=True)
    table.add_column("", overflow="fold")
    for item in items:
        title = Text(item.title, style="dim strike" if item.status is Status.DONE else "")
        table.add_row(str(item.line), title, _owner_cell(item), _due_cell(item), _flags_cell(item))
    return table


def render_sync(console: Console, runs: Iterable[TeamRun], *, dry_run: bool) -> None:
    for run in runs:
        console.rule(f"[bold]team {run.team}")
        if run.error is not None or run.reading is None:
            console.print(f"[red]failed:[/] {run.error}")
            continue
        reading = run.reading
        by_doc: dict[tuple[str, str], list[ActionItem]] = defaultdict(list)
        for item in reading.items:
            by_doc[(item.source, item.document)].append(item)
        for doc in reading.documents:
            pm = doc.postmortem
            items = by_doc.get((pm.source, pm.document), [])
            date = pm.date.isoformat() if pm.date else "undated"
            header = Text.assemble(
                (pm.title, "bold"), f"  {date}  ", (f"{pm.source}:{pm.document}", "dim")
            )
            console.print(header)
            for problem in doc.problems:
                where = f"line {problem.line}: " if problem.line else ""
                console.print(f"  [yellow]warning[/] {where}{problem.message}")
            if items:
                console.print(_item_table(items))
            else:
                console.print("  [dim]no action items[/]")
        for failure in reading.failures:
            console.print(f"[red]skipped[/] {failure.source}:{failure.document}: {failure.error}")
        for source, error in reading.source_errors.items():
            console.print(f"[red]source {source} failed:[/] {error}")
        for why in reading.held_sources.values():
            console.print(f"[red]held:[/] {escape(why)}", soft_wrap=True)
        console.print(_summary(reading.items, len(reading.documents)))
        _render_plan(console, run.plan, dry_run=dry_run)
        _render_tracker(console, run, dry_run=dry_run)


def _summary(items: Sequence[ActionItem], documents: int) -> Text:
    open_items = [i for i in items if i.status is Status.OPEN]
    text = Text(
        f"{len(items)} items in {documents} documents: {len(open_items)} open, "
        f"{len(items) - len(open_items)} done",
        style="bold",
    )
    for flag in (Flag.UNOWNED, Flag.UNDATED, Flag.VAGUE, Flag.AMBIGUOUS_DATE):
        count = sum(1 for i in open_items if flag in i.flags)
        if count:
            text.append(f", {count} {flag.value}", style=_FLAG_STYLE.get(flag, ""))
    unresolved = sum(
        1 for i in open_items if not i.owner.person and not is_placeholder_owner(i.owner.written)
    )
    if unresolved:
        text.append(f", {unresolved} with an owner not in the people map", style="yellow")
    refs = sum(1 for i in items if i.tracker_ref is not None)
    if refs:
        text.append(f", {refs} already referencing an issue", style="cyan")
    return text


def _render_plan(console: Console, plan: Sequence[StoreOperation], *, dry_run: bool) -> None:
    verb = "would" if dry_run else "did"
    if not plan:
        console.print(f"state store: nothing to change ({verb} record no change)")
        return
    counts = count_plan(plan)
    console.print(
        f"state store: {verb} track {counts.tracked} new, update {counts.changed}, "
        f"orphan {counts.orphaned}, restore {counts.restored}"
    )
    for op in plan:
        if op.kind in (OpKind.UPDATE, OpKind.ORPHAN, OpKind.RESTORE):
            changes = ", ".join(f"{k}: {old!s} → {new!s}" for k, (old, new) in op.changes.items())
            console.print(
                f"  {op.kind.value} {op.item[:8]} {op.title}" + (f" ({changes})" if changes else "")
            )


def _render_tracker(console: Console, run: TeamRun, *, dry_run: bool) -> None:
    stage = run.tracker
    if stage is None:
        return
    if stage.outcome is None:
        console.print(f"[yellow]{stage.note}[/]" if stage.note else "tracker: not contacted")
        return
    mirror = stage.outcome
    # Messages carry text from documents (item titles) and from the tracker: never markup.
    if mirror.stopped:
        console.print(f"[red]tracker: {escape(mirror.stopped)}[/]")
    if dry_run and mirror.plan is not None:
        counts = mirror.plan.counts
        console.print(
            f"tracker: would create {counts.created}, adopt {counts.adopted}, update "
            f"{counts.updated}; {counts.unchanged} unchanged, {counts.closed} closed"
        )
    elif not mirror.stopped:
        console.print(
            f"tracker: created {mirror.created}, adopted {mirror.adopted}, updated "
            f"{mirror.updated}, closed {mirror.closed}; {mirror.unchanged} unchanged"
        )
    if mirror.deferred is not None and not dry_run:
        console.print(f"[yellow]tracker: {escape(mirror.deferred.sentence())}[/]")
    for problem in mirror.problems:
        where = problem.key or (problem.item_id or "")[:8]
        console.print(f"  [yellow]{escape(where)}[/] {escape(problem.message)}")


def render_status(
    console: Console,
    items_by_team: dict[str, list[StoredItem]],
    links_by_team: Mapping[str, Mapping[str, TrackerLink]],
    totals_by_team: Mapping[str, StatusTotals],
    holders_by_team: Mapping[str, Mapping[str, TrackerAssignee]] | None = None,
    *,
    empty_note: str = "no items recorded yet: run `syncd sync`",
) -> None:
    """A table per team, then its totals: the rows counted by their status column."""
    for team, items in items_by_team.items():
        console.rule(f"[bold]team {team}")
        if not items:
            console.print(f"[dim]{escape(empty_note)}[/]")
            continue
        table = Table(show_header=True, header_style="bold")
        table.add_column("id", style="dim", no_wrap=True)
        table.add_column("action item", overflow="fold", ratio=3)
        table.add_column("tracker", no_wrap=True)
        table.add_column("owner", overflow="fold")
        table.add_column("due", no_wrap=True)
        table.add_column("status")
        table.add_column("flags", overflow="fold")
        links = links_by_team.get(team, {})
        holders = (holders_by_team or {}).get(team, {})
        for stored in items:
            item = stored.to_action_item()
            link = links.get(stored.id)
            holder = holders.get(stored.id)  # who holds the issue in the tracker now
            if holder is not None and holder.cleared:  # a person removed the assignee
                item = dataclasses.replace(item, flags=item.flags | {Flag.UNOWNED})
            elif holder is not None:  # someone holds the issue: owned, whatever the document says
                item = dataclasses.replace(item, flags=item.flags - {Flag.UNOWNED})
            state = row_state(stored, link)
            # An orphaned item is judged only as orphaned (its status says so): what it lacks
            # needs nobody's attention until a person decides about it.
            flags = (
                Text()
                if state is RowState.ORPHANED
                else _flags_cell(item, with_status_and_ref=False)
            )
            if stored.orphaned_at is not None and state is RowState.DONE:
                flags.append("orphaned", style="dim")  # done, and gone from its document
            table.add_row(
                item.id[:8],
                item.title,
                link.key if link is not None else (stored.tracker_key or ""),
                _owner_cell(item, holder),
                _due_cell(item),
                Text(state.value, style=_STATE_STYLE[state]),
                flags,
            )
        console.print(table)
        console.print(_status_summary(totals_by_team[team]))


_STATE_STYLE = {RowState.OPEN: "", RowState.DONE: "green", RowState.ORPHANED: "dim"}


def _status_summary(totals: StatusTotals) -> Text:
    text = Text(f"{totals.items} items: {totals.open} open, {totals.done} done", style="bold")
    if totals.orphaned:
        text.append(f", {totals.orphaned} orphaned", style="bold dim")
    text.append(f"\n{totals.open_with_issue} of {totals.open} open items have an issue")
    if totals.creates_in_flight:
        text.append(f", {totals.creates_in_flight} creates in flight")
    return text
