"""A team's side of the cycle before the tracker: its sources read and judged by the removal
guard, then their items identified and resolved against what the store knows."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from syncd.config.loader import LoadedTeam
from syncd.cycle.progress import Matching, ProgressListener, ReadingSource
from syncd.cycle.read_sources import DocumentCallback, read_source
from syncd.cycle.recovery import Recovery
from syncd.cycle.removal_guard import LastRead, ReadJudgement, Verdict, judge_read
from syncd.model import KnownItem
from syncd.output.logs import get_logger
from syncd.reconcile.team_items import SourceOutcome, TeamItems, build_team_items
from syncd.resolve.people import PeopleDirectory, Person
from syncd.resolve.resolver import ResolvePolicy
from syncd.resolve.services import with_services
from syncd.store import StateStore
from syncd.tracker import NamesIssueKeys


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


@dataclass(frozen=True, slots=True)
class SourcesRead:
    """The team's sources as read this cycle, with what the store remembers of them."""

    outcomes: list[SourceOutcome]
    first_seen: dict[tuple[str, str], datetime]  # (source, document) → first seen
    guard: dict[str, ReadJudgement]


def read_team_sources(
    team: LoadedTeam,
    store: StateStore,
    cache_dir: Path,
    confirm_removal: frozenset[str],
    *,
    now: datetime,
    progress: ProgressListener | None,
) -> SourcesRead:
    name = team.config.team
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
    return SourcesRead(outcomes, first_seen, guard)


@dataclass(frozen=True, slots=True)
class MatchedItems:
    known: list[KnownItem]  # the store's items, with those the tracker recovered
    people: PeopleDirectory
    reading: TeamItems


def match_items(
    team: LoadedTeam,
    store: StateStore,
    read: SourcesRead,
    recovery: Recovery,
    *,
    today: date,
    progress: ProgressListener | None,
) -> MatchedItems:
    name = team.config.team
    if progress is not None:
        progress(Matching(name, sum(len(o.documents) for o in read.outcomes)))
    known = store.known_items(name)
    if recovery.known:
        known = recovery.merged(known, store.links(name))
    people = people_directory(team)
    words = team.config.services
    outcomes = [
        dataclasses.replace(o, documents=tuple(with_services(d, words) for d in o.documents))
        if words
        else o
        for o in read.outcomes
    ]
    reading = build_team_items(
        name,
        outcomes,
        known,
        read.first_seen,
        today=today,
        people=people,
        policy=resolve_policy(team),
        held={source: j.message() for source, j in read.guard.items() if j.held},
    )
    return MatchedItems(known, people, reading)


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
