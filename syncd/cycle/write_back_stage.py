"""The write-back stage of a team's cycle: tracker keys (and done marks) back into documents.

After the tracker stage, from the issues the state store now links: for each source that
implements ``WritesBack`` and has write-back turned on, the pure planner
(``syncd.reconcile.write_back_plan``) lists the items whose document does not yet say what the
tracker says, and the source writes them in one call. A dry run plans and writes nothing. A
source that failed to read this cycle is not written to (its documents were not seen). The
team's lease is checked before each source is written: a cycle that lost its team writes
nothing more.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from syncd import plugins
from syncd.config.loader import LoadedTeam
from syncd.connector.write_back import (
    EditOutcome,
    WithdrawsProposals,
    WriteBackEdit,
    WriteBackResult,
    WritesBack,
)
from syncd.cycle.read_sources import open_source
from syncd.cycle.team_reading import resolve_policy
from syncd.model import RawItem
from syncd.output.logs import get_logger
from syncd.reconcile.team_items import TeamItems
from syncd.reconcile.write_back_plan import (
    ItemAsRead,
    MirroredIssue,
    Seen,
    plan_write_back,
    seen_now,
)
from syncd.store import StateStore
from syncd.writers import TeamWriter


@dataclass(frozen=True, slots=True)
class SourceWriteBack:
    """One source's write-back in a cycle: what was planned, and what the source did."""

    source: str
    edits: tuple[WriteBackEdit, ...]
    result: WriteBackResult | None = None  # None in a dry run, or with nothing to write
    error: str | None = None  # the source could not be opened or crashed
    # Not written: a person removed what the document was seen saying (edit, why).
    declined: tuple[tuple[WriteBackEdit, str], ...] = ()
    withdrawn: str | None = None  # the proposal closed this cycle: it proposed nothing left

    def outcome_of(self, item_id: str) -> EditOutcome | None:
        if self.result is None:
            return None
        return next((r.outcome for r in self.result.results if r.item_id == item_id), None)

    @property
    def written(self) -> int:
        if self.result is None:
            return 0
        return sum(1 for r in self.result.results if r.outcome is EditOutcome.WRITTEN)

    def as_json(self) -> dict[str, Any]:
        results = {r.item_id: r for r in self.result.results} if self.result else {}
        edits = []
        for edit in self.edits:
            entry = edit.as_json()
            done = results.get(edit.item_id)
            entry["outcome"] = done.outcome.value if done is not None else "planned"
            if done is not None and done.reason:
                entry["reason"] = done.reason
            edits.append(entry)
        for edit, why in self.declined:
            edits.append({**edit.as_json(), "outcome": "declined", "reason": why})
        return {
            "source": self.source,
            "change": self.result.change if self.result is not None else None,
            "error": self.error,
            "edits": edits,
            "withdrawn": self.withdrawn,
        }


def run_write_back_stage(
    team: LoadedTeam,
    reading: TeamItems,
    store: StateStore,
    *,
    cache_dir: Path,
    now: datetime,
    dry_run: bool,
    writer: TeamWriter | None = None,
) -> tuple[SourceWriteBack, ...] | None:
    """Each write-back source's edits and results; None when no source writes back."""
    name = team.config.team
    log = get_logger(team=name)
    links = store.links(name)
    issues = {
        item_id: MirroredIssue(link.system, link.key, link.url, link.tracker_done)
        for item_id, link in links.items()
    }
    projects = resolve_policy(team).reference_projects or None
    seen = {i: Seen(key, mark) for i, (key, mark) in store.write_back_seen(name).items()}
    done: list[SourceWriteBack] = []
    for source_config in team.config.sources:
        if source_config.name in reading.source_errors:
            continue
        if not _may_write_back(source_config.type):
            continue  # not opened again: a source's constructor may cost something
        try:
            source = open_source(
                team=name,
                name=source_config.name,
                type_=source_config.type,
                settings=source_config.settings,
                config_dir=team.dir,
                cache_dir=cache_dir,
                now=now,
            )
        except Exception as exc:  # the read reported it already; never the team's failure
            log.warning("write_back.unavailable", source=source_config.name, error=str(exc))
            continue
        if not isinstance(source, WritesBack) or not source.writes_back:
            continue
        items = tuple(_items_as_read(reading, source_config.name))
        planned = plan_write_back(items, issues, jira_projects=projects, seen=seen)
        edits, declined = planned.edits, planned.declined
        if not dry_run:
            changed = seen_now(items, issues, seen, jira_projects=projects)
            store.save_write_back_seen(
                name, {i: (s.key, s.done) for i, s in changed.items()}, at=now
            )
        if not edits and not dry_run and isinstance(source, WithdrawsProposals):
            done.append(_withdrawn(source, source_config.name, declined, log))
            continue
        if dry_run or not edits:
            done.append(SourceWriteBack(source_config.name, edits, declined=declined))
            continue
        if writer is not None:
            writer.guard()  # a cycle that lost its team stops here (``sync.team_lost``)
        written = _written(source, source_config.name, edits, now, log)
        done.append(dataclasses.replace(written, declined=declined))
    return tuple(done) if done else None


def _withdrawn(
    source: WithdrawsProposals,
    name: str,
    declined: tuple[tuple[WriteBackEdit, str], ...],
    log: Any,
) -> SourceWriteBack:
    """Nothing to write for the source: its stale proposal closed, if it has one open."""
    try:
        url = source.withdraw_proposal()
    except Exception as exc:  # tried again next cycle; never the team's failure
        error = f"closing the pull request that proposes nothing: {type(exc).__name__}: {exc}"
        log.warning("write_back.withdraw_failed", source=name, error=error)
        return SourceWriteBack(name, (), declined=declined, error=error)
    if url is not None:
        log.info("write_back.withdrawn", source=name, change=url)
    return SourceWriteBack(name, (), declined=declined, withdrawn=url)


def _may_write_back(type_: str) -> bool:
    try:
        return hasattr(plugins.connector_class("source", type_), "write_back")
    except plugins.UnknownConnector:
        return False


def _written(
    source: WritesBack, name: str, edits: tuple[WriteBackEdit, ...], now: datetime, log: Any
) -> SourceWriteBack:
    try:
        result = source.write_back(edits, now)
    except Exception as exc:  # a connector bug costs its source's write-back, never the team
        error = f"{type(exc).__name__}: {exc}"
        log.error("write_back.crashed", source=name, error=error, exc_info=True)
        return SourceWriteBack(name, edits, WriteBackResult.all_as(edits, EditOutcome.RETRY), error)
    for edit_result in result.results:
        if edit_result.outcome in (EditOutcome.WRITTEN, EditOutcome.PENDING):
            log.info(
                "write_back.written"
                if edit_result.outcome is EditOutcome.WRITTEN
                else "write_back.pending",
                source=name,
                item=edit_result.item_id,
                change=result.change,
            )
        elif edit_result.outcome in (EditOutcome.RETRY, EditOutcome.FAILED):
            log.warning(
                f"write_back.{edit_result.outcome.value}",
                source=name,
                item=edit_result.item_id,
                reason=edit_result.reason,
            )
    return SourceWriteBack(name, edits, result)


def _items_as_read(reading: TeamItems, source: str) -> Iterator[ItemAsRead]:
    raw: Mapping[tuple[str, int], RawItem] = {
        (document.postmortem.document, item.line): item
        for document in reading.documents
        if document.postmortem.source == source
        for item in document.items
    }
    for item in reading.items:
        if item.source != source:
            continue
        written = raw.get((item.document, item.line))
        if written is None:  # not where the reading put it: nothing to locate an edit by
            continue
        yield ItemAsRead(
            item_id=item.id,
            source=source,
            document=item.document,
            line=item.line,
            title=written.title,
            refs=written.tracker_refs,
            done=written.done,
            native_id=written.native_id,
        )
