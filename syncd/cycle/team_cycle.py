"""One cycle for one team: read its sources, identify and resolve items, plan, and apply.

The only place that joins configuration, connectors and the state store. Each team is isolated:
whatever goes wrong is captured in its ``TeamRun`` and never stops another team.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from syncd.config.loader import LoadedTeam
from syncd.cycle.as_writer import cycle_settling, cycle_store, cycle_tracker_context
from syncd.cycle.progress import Matching, ProgressListener, ReadingSource
from syncd.cycle.read_sources import DocumentCallback, read_source
from syncd.cycle.records import failing_items, finish_cycle, record_reading
from syncd.cycle.recovery import recover_from_tracker
from syncd.cycle.removal_guard import LastRead, ReadJudgement, Verdict, judge_read
from syncd.cycle.tracker_stage import TrackerStage, Unopened, open_tracker, run_tracker_stage
from syncd.execute.mirror_team import MirrorOutcome
from syncd.fencing import LeaseLostError
from syncd.output.failure_streaks import TEAM_CYCLE
from syncd.output.logs import get_logger, log_failure
from syncd.reconcile.store_plan import (
    Operation,
    RecordedItem,
    count_plan,
    plan_record_changes,
    recorded_fields,
)
from syncd.reconcile.team_items import SourceOutcome, TeamItems, build_team_items
from syncd.resolve.people import PeopleDirectory, Person
from syncd.resolve.resolver import ResolvePolicy
from syncd.store import StateStore, StoredItem
from syncd.tracker import NamesIssueKeys
from syncd.writers import TeamWriter


@dataclass(frozen=True, slots=True)
class TeamRun:
    team: str
    reading: TeamItems | None = None
    plan: tuple[Operation, ...] = ()
    error: str | None = None  # the team as a whole failed
    applied: bool = False
    counts: Mapping[str, int] = field(default_factory=dict)
    tracker: TrackerStage | None = None
    seconds: float = 0.0  # how long the team's cycle took
    # The mass-removal guard's judgement of each source read well, by source name.
    guard: Mapping[str, ReadJudgement] = field(default_factory=dict)

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


def people_directory(team: LoadedTeam) -> PeopleDirectory:
    return PeopleDirectory(
        Person(
            key=key,
            aliases=tuple(person.aliases),
            email=person.email,
            handles=dict(person.handles),
            owner_names=person.owner_names(),
            lead=person.lead,
        )
        for key, person in team.config.people.items()
    )


def resolve_policy(team: LoadedTeam) -> ResolvePolicy:
    policy = team.config.policy
    tracker = team.config.tracker.settings
    return ResolvePolicy(
        due_days={k: v for k, v in policy.due_days.model_dump().items() if v is not None},
        business_days=policy.business_days,
        date_order=team.config.date_order,
        holidays=frozenset(policy.holidays),
        reference_projects=(
            tracker.issue_key_projects() if isinstance(tracker, NamesIssueKeys) else frozenset()
        ),
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
        outcomes = [
            read_source(
                team=name,
                name=source.name,
                type_=source.type,
                settings=source.settings,
                config_dir=team.dir,
                cache_dir=cache_dir,
                now=now,
                on_document=_documents_counted(name, source.name, progress),
            )
            for source in team.config.sources
        ]
        first_seen: dict[tuple[str, str], datetime] = {}
        for source in team.config.sources:
            for document, seen in store.document_first_seen(name, source.name).items():
                first_seen[(source.name, document)] = seen
        guard = judge_sources(team, outcomes, store, confirm_removal, now=now)
        opened = open_tracker(
            team,
            now=now,
            context_extras=cycle_tracker_context(tracker_context, writer),
            progress=progress,
            # The account budget is not the team's: kept outside the cycle's fence.
            budget_store=None if dry_run else unfenced,
        )
        tracker = None if isinstance(opened, Unopened) else opened
        if tracker is not None:
            cycle.callback(tracker.close)
        # A lost or new store: the tracker's marked issues say which items exist already.
        recovery = recover_from_tracker(name, store, tracker, progress=progress)
        if progress is not None:
            progress(Matching(name, sum(len(o.documents) for o in outcomes)))
        known = store.known_items(name)
        if recovery.known:
            known = recovery.merged(known, store.links(name))
        people = people_directory(team)
        reading = build_team_items(
            name,
            outcomes,
            known,
            first_seen,
            today=local_today,
            people=people,
            policy=resolve_policy(team),
            held={source: j.message() for source, j in guard.items() if j.held},
        )
        stored = store.stored_items(name)
        plan = plan_record_changes(reading, [recorded_item(s) for s in stored])
        counts = _counts(reading, plan)
        if not dry_run:
            record_reading(store, name, reading, plan, outcomes, now, guard)
        stage = TrackerStage(MirrorOutcome(stopped=recovery.stopped))
        if recovery.stopped is None:
            stage = run_tracker_stage(
                team,
                reading,
                {k.id: k.status for k in known},
                {s.id: s.assignee for s in stored},
                store,
                people,
                now=now,
                dry_run=dry_run,
                progress=progress,
                tracker=opened,
                full_read=recovery.read,
                recreate_missing=recreate_missing,
                settling=cycle_settling(team, writer),
            )
        if stage.outcome is not None and recovery.known:
            stage.outcome.problems.extend(recovery.problems)
            stage.outcome.problems.extend(recovery.orphans(reading.orphaned))
        if stage.outcome is not None:
            counts.update(
                created=stage.outcome.created,
                adopted=stage.outcome.adopted,
                updated=stage.outcome.updated,
                closed=stage.outcome.closed,
                tracker_problems=len(stage.outcome.problems),
            )
            if stage.outcome.deferred is not None:
                counts["deferred"] = stage.outcome.deferred.items
        run = TeamRun(
            name,
            reading,
            plan,
            None,
            not dry_run,
            counts,
            stage,
            time.perf_counter() - started,
            guard,
        )
        outcome = "partial" if run.failed_anything else "ok"
        if run_id is not None:
            finish_cycle(
                store, name, run_id, failing_items(reading, stage.outcome), now, outcome, counts
            )
        log.info("sync.team_done", dry_run=dry_run, outcome=outcome, **counts)
        return run
    except LeaseLostError as exc:
        # Another process holds the team now: nothing more of this cycle may be written.
        log_failure(log, TEAM_CYCLE, "sync.team_lost", error=str(exc), now_held_by=exc.now_held_by)
        if run_id is not None:
            try:  # the run's own record only, which no other writer reads or changes
                unfenced.finish_run(run_id, at=now, outcome="failed", counts={}, error=str(exc))
            except Exception:
                log.exception("sync.run_record_failed")
        return TeamRun(name, error=str(exc), seconds=time.perf_counter() - started)
    except Exception as exc:  # one team's failure must never stop the others
        error = f"{type(exc).__name__}: {exc}"
        log_failure(log, TEAM_CYCLE, "sync.team_failed", error=error, traceback=True)
        if run_id is not None:
            try:
                store.finish_run(run_id, at=now, outcome="failed", counts={}, error=error)
            except Exception:
                log.exception("sync.run_record_failed")
        return TeamRun(name, error=error)
    finally:
        cycle.close()


def judge_sources(
    team: LoadedTeam,
    outcomes: list[SourceOutcome],
    store: StateStore,
    confirm_removal: frozenset[str],
    *,
    now: datetime,
) -> dict[str, ReadJudgement]:
    """The mass-removal guard's judgement of each source read well this cycle."""
    name = team.config.team
    log = get_logger(team=name)
    remembered = store.source_reads(name)
    settings = {source.name: source.guard for source in team.config.sources}
    judged: dict[str, ReadJudgement] = {}
    for outcome in outcomes:
        if not outcome.ok:
            continue  # a failed read is reported as such, and judged by nothing
        last = remembered.get(outcome.name)
        judgement = judge_read(
            name,
            outcome.name,
            None if last is None else LastRead(last.documents, last.held_cycles, last.held_since),
            outcome.present,
            unread_folders=outcome.unread_folders,
            settings=settings[outcome.name],
            confirmed=outcome.name in confirm_removal,
            now=now,
        )
        judged[outcome.name] = judgement
        if judgement.verdict in (Verdict.HELD, Verdict.ACCEPTED, Verdict.CONFIRMED):
            log.warning(
                f"guard.{judgement.verdict.value}",
                source=outcome.name,
                had=judgement.had,
                missing=len(judgement.lost),
                cycle=judgement.cycle,
            )
    return judged


def _documents_counted(
    team: str, source: str, progress: ProgressListener | None
) -> DocumentCallback | None:
    """A document callback that reports the source's running count (0 as it is opened)."""
    if progress is None:
        return None
    listener = progress
    read = 0
    listener(ReadingSource(team, source, read))

    def counted(_source: str, _document: str) -> None:
        nonlocal read
        read += 1
        listener(ReadingSource(team, source, read))

    return counted


def _counts(reading: TeamItems, plan: tuple[Operation, ...]) -> dict[str, int]:
    planned = count_plan(plan)
    return {
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
