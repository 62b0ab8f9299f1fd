"""One cycle for one team: read its sources, identify and resolve items, plan, and apply.

The only place that joins configuration, connectors and the state store. Each team is isolated:
whatever goes wrong is captured in its ``TeamRun`` and never stops another team.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from syncd.config.loader import LoadedTeam
from syncd.cycle.as_writer import cycle_settling, cycle_store, cycle_tracker_context
from syncd.cycle.nudge_stage import NudgeResult, run_nudge_stage
from syncd.cycle.progress import ProgressListener
from syncd.cycle.records import failing_items, finish_cycle, record_reading
from syncd.cycle.recovery import Recovery, recover_from_tracker
from syncd.cycle.recurrence_inputs import names_a_service, team_recurrences
from syncd.cycle.removal_guard import ReadJudgement
from syncd.cycle.team_reading import MatchedItems, match_items, read_team_sources
from syncd.cycle.tracker_stage import TrackerStage, Unopened, open_tracker, run_tracker_stage
from syncd.cycle.write_back_stage import SourceWriteBack, run_write_back_stage
from syncd.execute.mirror_team import MirrorOutcome
from syncd.fencing import LeaseLostError
from syncd.judge.recurrence import ItemRecurrence, Key
from syncd.output.failure_streaks import TEAM_CYCLE
from syncd.output.logs import get_logger, log_failure
from syncd.reconcile.store_plan import (
    RecordedItem,
    StoreOperation,
    count_plan,
    plan_record_changes,
    recorded_fields,
)
from syncd.reconcile.team_items import TeamItems
from syncd.store import StateStore, StoredItem
from syncd.tracker import Tracker
from syncd.writers import TeamWriter


@dataclass(frozen=True, slots=True)
class TeamRun:
    team: str
    reading: TeamItems | None = None
    plan: tuple[StoreOperation, ...] = ()
    error: str | None = None  # the team as a whole failed
    applied: bool = False
    counts: Mapping[str, int] = field(default_factory=dict)
    tracker: TrackerStage | None = None
    seconds: float = 0.0  # how long the team's cycle took
    # The mass-removal guard's judgement of each source read well, by source name.
    guard: Mapping[str, ReadJudgement] = field(default_factory=dict)
    # The cycle's nudges (planned ones in a dry run); None when the team has none configured.
    nudges: tuple[NudgeResult, ...] | None = None
    # Each write-back source's edits (planned ones in a dry run); None when no source writes back.
    write_back: tuple[SourceWriteBack, ...] | None = None
    # By postmortem (source, document): earlier postmortems' open items on its service.
    recurrences: Mapping[Key, ItemRecurrence] = field(default_factory=dict)

    @property
    def failed_anything(self) -> bool:
        if self.error is not None or self.reading is None:
            return True
        outcome = self.tracker.outcome if self.tracker is not None else None
        # Work left for a later cycle (a spent rate-limit budget) is not in step yet either.
        unfinished = outcome is not None and (
            bool(outcome.stopped) or (outcome.deferred is not None and self.applied)
        )
        return (
            bool(self.reading.failures or self.reading.source_errors or self.reading.held_sources)
            or unfinished
        )


def recorded_item(stored: StoredItem) -> RecordedItem:
    return RecordedItem(
        id=stored.id,
        fields=recorded_fields(stored.to_action_item()),
        orphaned=stored.orphaned_at is not None,
    )


def sync_team(
    team: LoadedTeam,
    store: StateStore,
    *,
    now: datetime,
    cache_dir: Path,
    dry_run: bool,
    progress: ProgressListener | None = None,
    tracker_context: Mapping[str, Any] | None = None,
    recreate_missing: bool = False,
    writer: TeamWriter | None = None,
    confirm_removal: frozenset[str] = frozenset(),
) -> TeamRun:
    """One cycle of ``team``. ``writer``: the team as this process holds it (every writing
    cycle has one); its fence conditions every store write and its guard every tracker write,
    and a lost team ends the cycle at once (``sync.team_lost``). ``confirm_removal``: sources
    whose held mass removal is confirmed (``syncd.cycle.removal_guard``)."""
    name = team.config.team
    log = get_logger(team=name)
    started = time.perf_counter()
    unfenced, store = store, cycle_store(store, writer)
    run_id: int | None = None
    cycle = ExitStack()  # what the cycle opened (its tracker), closed however it ends
    try:
        # Inside the try: a writer that lost the team while it waited for the store stops
        # here with ``sync.team_lost``, not with a traceback.
        run_id = None if dry_run else store.start_run(name, at=now)
        local_today = now.astimezone(ZoneInfo(team.config.timezone)).date()
        read = read_team_sources(
            team, store, cache_dir, confirm_removal, now=now, progress=progress
        )
        extras = cycle_tracker_context(tracker_context, writer)
        # The account budget is not the team's: kept outside the cycle's fence.
        budget_store = None if dry_run else unfenced
        opened, recovery = _open_tracker_recovering(
            team, store, cycle, extras, budget_store, now=now, progress=progress
        )
        matched = match_items(team, store, read, recovery, today=local_today, progress=progress)
        stored = store.stored_items(name)
        # Before the reading is recorded: a dry run and a sync see the same recurrences.
        recurring = (
            team_recurrences(stored, store.links(name), matched.reading, now=now)
            if names_a_service(stored, matched.reading)
            else {}
        )
        plan = plan_record_changes(matched.reading, [recorded_item(s) for s in stored])
        if not dry_run:
            record_reading(store, name, matched.reading, plan, read.outcomes, now, read.guard)
        writes = _TrackerWrites(now, dry_run, progress, recreate_missing, writer)
        stage = _mirror_stage(team, matched, stored, store, opened, recovery, writes, recurring)
        nudges = run_nudge_stage(team, store, opened, stage.outcome, now=now, dry_run=dry_run)
        write_back = run_write_back_stage(
            team,
            matched.reading,
            store,
            cache_dir=cache_dir,
            now=now,
            dry_run=dry_run,
            writer=writer,
        )
        counts = _counts(matched.reading, plan, stage.outcome)
        if nudges is not None:
            counts["nudged"] = sum(1 for n in nudges if n.outcome in ("sent", "unknown"))
        if write_back is not None:
            counts["written_back"] = sum(w.written for w in write_back)
        elapsed = time.perf_counter() - started
        run = TeamRun(
            name,
            matched.reading,
            plan,
            None,
            not dry_run,
            counts,
            stage,
            elapsed,
            read.guard,
            nudges,
            write_back,
            recurring,
        )
        return _finish_team_run(run, matched.reading, stage, store, run_id, log, writes)
    except LeaseLostError as exc:
        return _team_lost(exc, name, unfenced, run_id, log, now=now, started=started)
    except Exception as exc:  # one team's failure must never stop the others
        return _team_failed(exc, name, store, run_id, log, now=now)
    finally:
        cycle.close()


def _open_tracker_recovering(
    team: LoadedTeam,
    store: StateStore,
    cycle: ExitStack,
    context_extras: Mapping[str, Any] | None,
    budget_store: StateStore | None,
    *,
    now: datetime,
    progress: ProgressListener | None,
) -> tuple[Tracker | Unopened, Recovery]:
    """The team's tracker, closed with the ``cycle``, and what its marked issues recover."""
    opened = open_tracker(
        team,
        now=now,
        context_extras=context_extras,
        progress=progress,
        budget_store=budget_store,
    )
    tracker = None if isinstance(opened, Unopened) else opened
    if tracker is not None:
        cycle.callback(tracker.close)
    # A lost or new store: the tracker's marked issues say which items exist already.
    recovery = recover_from_tracker(team.config.team, store, tracker, progress=progress)
    return opened, recovery


@dataclass(frozen=True, slots=True)
class _TrackerWrites:
    """How this cycle may write to the tracker."""

    now: datetime
    dry_run: bool
    progress: ProgressListener | None
    recreate_missing: bool
    writer: TeamWriter | None  # as this process holds the team: how long others' intents settle


def _mirror_stage(
    team: LoadedTeam,
    matched: MatchedItems,
    stored: Sequence[StoredItem],
    store: StateStore,
    opened: Tracker | Unopened,
    recovery: Recovery,
    writes: _TrackerWrites,
    recurring: Mapping[Key, ItemRecurrence],
) -> TrackerStage:
    """The tracker stage, unless recovery already stopped at the tracker."""
    stage = TrackerStage(MirrorOutcome(stopped=recovery.stopped))
    if recovery.stopped is None:
        stage = run_tracker_stage(
            team,
            matched.reading,
            {k.id: k.status for k in matched.known},
            {s.id: s.assignee for s in stored},
            store,
            matched.people,
            now=writes.now,
            dry_run=writes.dry_run,
            progress=writes.progress,
            tracker=opened,
            full_read=recovery.read,
            recreate_missing=writes.recreate_missing,
            settling=cycle_settling(team, writes.writer),
            recurring=recurring,
        )
    if stage.outcome is not None and recovery.known:
        stage.outcome.problems.extend(recovery.problems)
        stage.outcome.problems.extend(recovery.orphans(matched.reading.orphaned))
    return stage


def _finish_team_run(
    run: TeamRun,
    reading: TeamItems,
    stage: TrackerStage,
    store: StateStore,
    run_id: int | None,
    log: Any,
    writes: _TrackerWrites,
) -> TeamRun:
    """The run's record closed, and the cycle logged."""
    outcome = "partial" if run.failed_anything else "ok"
    if run_id is not None:
        failing = failing_items(reading, stage.outcome)
        finish_cycle(store, run.team, run_id, failing, writes.now, outcome, run.counts)
    log.info("sync.team_done", dry_run=writes.dry_run, outcome=outcome, **run.counts)
    return run


def _team_lost(
    exc: LeaseLostError,
    name: str,
    unfenced: StateStore,
    run_id: int | None,
    log: Any,
    *,
    now: datetime,
    started: float,
) -> TeamRun:
    # Another process holds the team now: nothing more of this cycle may be written.
    log_failure(log, TEAM_CYCLE, "sync.team_lost", error=str(exc), now_held_by=exc.now_held_by)
    if run_id is not None:
        try:  # the run's own record only, which no other writer reads or changes
            unfenced.finish_run(run_id, at=now, outcome="failed", counts={}, error=str(exc))
        except Exception:
            log.exception("sync.run_record_failed")
    return TeamRun(name, error=str(exc), seconds=time.perf_counter() - started)


def _team_failed(
    exc: Exception, name: str, store: StateStore, run_id: int | None, log: Any, *, now: datetime
) -> TeamRun:
    """Called from the cycle's ``except`` block: the failure is logged with its traceback."""
    error = f"{type(exc).__name__}: {exc}"
    log_failure(log, TEAM_CYCLE, "sync.team_failed", error=error, traceback=True)
    if run_id is not None:
        try:
            store.finish_run(run_id, at=now, outcome="failed", counts={}, error=error)
        except Exception:
            log.exception("sync.run_record_failed")
    return TeamRun(name, error=error)


def _counts(
    reading: TeamItems, plan: tuple[StoreOperation, ...], outcome: MirrorOutcome | None
) -> dict[str, int]:
    planned = count_plan(plan)
    counts = {
        "items": len(reading.items),
        "documents": len(reading.documents),
        "new": planned.tracked,
        "changed": planned.changed,
        "orphaned": planned.orphaned,
        "restored": planned.restored,
        "skipped_documents": len(reading.failures),
        "failed_sources": len(reading.source_errors),
        "held_sources": len(reading.held_sources),
    }
    if outcome is not None:
        counts.update(
            created=outcome.created,
            adopted=outcome.adopted,
            updated=outcome.updated,
            closed=outcome.closed,
            tracker_problems=len(outcome.problems),
        )
        if outcome.deferred is not None:
            counts["deferred"] = outcome.deferred.items
    return counts
