"""One mirror cycle for one team: read the tracker, plan, and apply the plan — exactly once.

The only place that writes to a tracker. Creating follows the intent protocol: the intent
(item id, marker) is recorded before the create request is sent, and the key after; an intent
found open later is resolved by searching its marker before anything is created again, so a
crash, a lost answer or a second replica never leads to a second issue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from syncd import adoption
from syncd.deferral import Deferral, deferred
from syncd.extraction import TeamItems
from syncd.failure_streaks import TRACKER
from syncd.http import (
    AmbiguousWriteError,
    AuthError,
    HttpError,
    MalformedAnswerError,
    NotFoundError,
    RateLimitedError,
    TransientError,
)
from syncd.intent_settling import IntentSettling, intent_time, intents_to_resolve
from syncd.logs import get_logger, log_failure
from syncd.mirror import render
from syncd.mirror.model import (
    DesiredIssue,
    IssueFields,
    IssueOrigin,
    IssueReference,
    IssueSnapshot,
    MirrorRecord,
)
from syncd.mirror.operations import (
    AdoptIssue,
    CreateIssue,
    MarkDone,
    MarkReopened,
    RefuseAdoption,
    ReportConflict,
    ReportOrphan,
    ReportStatusMismatch,
    SetBase,
    UpdateIssue,
)
from syncd.mirror.planner import Plan, plan
from syncd.mirror_origins import record_origins
from syncd.mirror_records import base_json, base_json_of, mirror_records
from syncd.model import ActionItem, Status
from syncd.progress import Mirroring, ProgressListener, ReadingTracker
from syncd.resolve.people import PeopleDirectory
from syncd.store import StateStore, TrackerCursor, TrackerLink
from syncd.test_hooks import freeze_point
from syncd.tracker import (
    AssigneeLookup,
    ChangedIssues,
    ConditionalReads,
    Tracker,
    TrackerProblem,
)
from syncd.tracker_errors import describe, reference_problem, tracker_failure

_T = TypeVar("_T")


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

    @property
    def unchanged(self) -> int:
        return 0 if self.plan is None else self.plan.counts.unchanged


def mirror_team(
    *,
    team: str,
    reading: TeamItems,
    previous_status: Mapping[str, Status],
    store: StateStore,
    tracker: Tracker,
    people: PeopleDirectory,
    mirror_done_items: bool,
    now: datetime,
    dry_run: bool,
    replica: str | None = None,
    previous_owner: Mapping[str, str | None] | None = None,
    progress: ProgressListener | None = None,
    full_read: ChangedIssues | None = None,
    recreate_missing: bool = False,
    settling: IntentSettling | None = None,
) -> MirrorOutcome:
    """Mirror one team's items. Tracker failures are reported in the outcome, never raised.

    ``full_read``: every marked issue, read earlier in this cycle (``syncd.recovery``); used
    instead of reading them again when the store has no cursor yet. ``recreate_missing``: an
    issue found deleted when syncd writes to it is replaced by a new one (a person asked for
    it: ``sync --recreate-missing``); otherwise it is reported only. ``settling`` (a fenced
    writer): other holders' open intents wait until they are old enough to settle
    (``syncd.intent_settling``); a lost lease raises ``LeaseLostError``.
    """
    outcome = MirrorOutcome()
    log = get_logger(team=team, tracker=tracker.system)
    if progress is not None:
        progress(ReadingTracker(team, tracker.system))
    try:
        if not dry_run:
            _resolve_open_intents(team, store, tracker, outcome, now, settling)
        links = store.links(team)
        records = mirror_records(links, store.bases(team))
        cursor = store.cursor(team, tracker.system)
        if cursor is None and full_read is not None:
            changed = full_read
        else:
            if isinstance(tracker, ConditionalReads):
                tracker.use_etag(None if cursor is None else cursor.etag)
            changed = tracker.changed_since(None if cursor is None else cursor.last_updated_seen)
        marker_hits = _marker_hits(changed.snapshots, records, links, tracker, full=cursor is None)
        references = adoption.references(reading.items, tracker)
        desired = _desired(
            reading.items,
            tracker,
            people,
            mirror_done_items,
            outcome,
            _known_assignees(records, previous_owner),
            references,
        )
        referenced = adoption.read_referenced(desired, records, changed.snapshots, tracker)
        outcome.plan = plan(
            desired,
            records,
            changed.snapshots,
            orphaned=[k.id for k in reading.orphaned],
            marker_hits=marker_hits,
            newly_done_in_source=[
                i.id
                for i in reading.items
                if i.status is Status.DONE and previous_status.get(i.id) is Status.OPEN
            ],
            referenced=referenced,
        )
        named = _named_items(reading)
        _report_references(outcome.plan, references, records, named, tracker, outcome)
        markers = adoption.check_markers(
            [*changed.snapshots.values(), *referenced.values()], records, named, tracker
        )
        outcome.problems += markers.problems
        if dry_run:
            return outcome
        _restore_markers(markers.restore, tracker, outcome, now)
        snapshots = {
            **changed.snapshots,
            **{s.key: s for s in marker_hits.values()},
            **referenced,
        }
        tally = _WriteTally(team, tracker.system, outcome.plan, progress)
        _apply(
            team,
            outcome.plan,
            store,
            tracker,
            links,
            snapshots,
            reading,
            outcome,
            now,
            replica,
            tally,
            {d.item_id: d for d in desired} if recreate_missing else None,
            settling,
        )
        _record_activity(team, store, records, changed.snapshots)
        _record_assignees(team, store, snapshots)
        reached = max(
            (t for t in (changed.newest_updated, changed.read_at) if t is not None), default=None
        )
        if changed.complete and reached is not None:
            store.save_cursor(
                TrackerCursor(
                    team=team,
                    system=tracker.system,
                    last_updated_seen=reached,
                    etag=changed.etag,
                    last_full_scan_at=now if cursor is None else cursor.last_full_scan_at,
                )
            )
    except AuthError as exc:
        outcome.stopped = tracker_failure(exc)
        log_failure(log, TRACKER, "mirror.auth_failed", error=str(exc))
    except HttpError as exc:
        outcome.stopped = tracker_failure(exc)
        event = "mirror.tracker_unreachable" if exc.failure else "mirror.tracker_failed"
        log_failure(log, TRACKER, event, error=str(exc), status=exc.status)
    return outcome


def _resolve_open_intents(
    team: str,
    store: StateStore,
    tracker: Tracker,
    outcome: MirrorOutcome,
    now: datetime,
    settling: IntentSettling | None = None,
) -> None:
    """An intent still open means a create may have happened: look before creating again."""
    intents = intents_to_resolve(team, store, store.open_intents(team), settling)
    if not intents:
        return
    found = tracker.find_markers([i.item_id for i in intents])
    for intent in intents:
        issues = sorted(found.get(intent.item_id, ()), key=lambda s: (s.updated, s.key))
        if not issues:
            store.drop_intent(team, intent.item_id)
            continue
        first = issues[0]
        store.complete_intent(
            team, intent.item_id, _link(team, tracker, intent.item_id, first.key, now)
        )
        store.save_bases(team, {intent.item_id: base_json(first.fields, None, frozenset())}, at=now)
        if len(issues) > 1:
            outcome.problems.append(
                TrackerProblem(
                    intent.item_id,
                    first.key,
                    "more than one issue carries this item's marker; syncd keeps the oldest "
                    "and never deletes: close the others as duplicates",
                    {"keys": [s.key for s in issues]},
                )
            )


def _marker_hits(
    snapshots: Mapping[str, IssueSnapshot],
    records: Mapping[str, MirrorRecord],
    links: Mapping[str, TrackerLink],
    tracker: Tracker,
    *,
    full: bool,
) -> dict[str, IssueSnapshot]:
    """Issues found by their markers for items syncd has no record of.

    After a full read (the first cycle, or a lost state store) every marked issue is in
    ``snapshots``. An item linked but without a base (a crash between the two writes) gets
    its issue read by key.
    """
    hits: dict[str, IssueSnapshot] = {}
    if full:
        # A marker copied by hand onto another issue: the issue syncd wrote is the item's.
        # An issue with two items' markers goes to one of them only (reported either way).
        for snapshot in adoption.preferred(snapshots.values()):
            # A marker removed by hand: the origin syncd recorded still names the item.
            item = snapshot.item_id or (snapshot.origin.item_id if snapshot.origin else None)
            if item and item not in records:
                hits.setdefault(item, snapshot)
    unbased = {item: link.key for item, link in links.items() if item not in records}
    unbased = {item: key for item, key in unbased.items() if item not in hits}
    if unbased:
        got = tracker.get(sorted(set(unbased.values())))
        for item, key in unbased.items():
            if key in got:
                hits[item] = dataclasses.replace(got[key], item_id=item)
    return hits


def _known_assignees(
    records: Mapping[str, MirrorRecord], previous_owner: Mapping[str, str | None] | None
) -> dict[str, tuple[str, str]]:
    """Item id → (owner's person key, tracker user) resolved in an earlier cycle.

    Reused while the item's owner stays the same person, so a cycle in which nothing changed
    sends no user look-ups.
    """
    known = {}
    for item_id, record in records.items():
        person = (previous_owner or {}).get(item_id)
        assignee = record.source_side.assignee
        if person is not None and assignee is not None:
            known[item_id] = (person, assignee)
    return known


def _desired(
    items: Sequence[ActionItem],
    tracker: Tracker,
    people: PeopleDirectory,
    mirror_done_items: bool,
    outcome: MirrorOutcome,
    known_assignees: Mapping[str, tuple[str, str]],
    references: Mapping[str, IssueReference] | None = None,
) -> list[DesiredIssue]:
    lookups: dict[str, AssigneeLookup] = {}
    desired = []
    for item in items:
        assignee = None
        earlier = known_assignees.get(item.id)
        if earlier is not None and earlier[0] == item.owner.person:
            assignee = earlier[1]
        elif item.owner.person is not None:
            if item.owner.person not in lookups:
                person = people.get(item.owner.person)
                lookups[item.owner.person] = (
                    tracker.assignee(person)
                    if person is not None
                    else AssigneeLookup(None, "not in the people map")
                )
            lookup = lookups[item.owner.person]
            assignee = lookup.user_id
            if lookup.problem is not None:
                outcome.problems.append(
                    TrackerProblem(
                        item.id,
                        None,
                        f"owner {item.owner.person!r} has no {tracker.system} user: "
                        f"{lookup.problem}; the issue's assignee is left as it is",
                    )
                )
        desired.append(
            render.desired_issue(
                item,
                marker=tracker.marker(item.id),
                assignee=assignee,
                priority_map=tracker.priority_map,
                labels=tracker.labels,
                mirror_done_items=mirror_done_items,
                postmortem_link=item.postmortem.url,
                tracker_system=tracker.system,
                reference=(references or {}).get(item.id),
            )
        )
    return desired


def _named_items(reading: TeamItems) -> dict[str, adoption.Named]:
    """The items a problem may name: those gone from their documents too."""
    named: dict[str, adoption.Named] = {k.id: k for k in reading.orphaned}
    named.update((i.id, i) for i in reading.items)
    return named


def _report_references(
    the_plan: Plan,
    references: Mapping[str, IssueReference],
    records: Mapping[str, MirrorRecord],
    items: Mapping[str, adoption.Named],
    tracker: Tracker,
    outcome: MirrorOutcome,
) -> None:
    """Items naming an issue they cannot have: elsewhere (linked, reported once: when the item
    gets its own issue), or another item's (held back, reported every cycle until corrected)."""
    for item_id, reference in sorted(references.items()):
        item = items.get(item_id)
        if (
            reference.elsewhere is not None
            and item_id not in records
            and isinstance(item, ActionItem)
        ):
            outcome.problems.append(adoption.elsewhere_problem(item, reference, tracker))
    keys = {record.item_id: record.key for record in records.values()}
    for refusal in the_plan.of_type(RefuseAdoption):
        outcome.problems.append(adoption.refusal_problem(refusal, items, keys))


def _restore_markers(
    restore: Sequence[tuple[str, str]], tracker: Tracker, outcome: MirrorOutcome, now: datetime
) -> None:
    """Put back the markers people removed from issues syncd created (reported already)."""
    for key, item_id in restore:
        _write(
            outcome,
            item_id,
            key,
            set(),
            lambda k=key, i=item_id: tracker.adopt(k, add_labels=(), marker=tracker.marker(i)),
            now,
        )


def _apply(
    team: str,
    the_plan: Plan,
    store: StateStore,
    tracker: Tracker,
    links: Mapping[str, TrackerLink],
    snapshots: Mapping[str, IssueSnapshot],
    reading: TeamItems,
    outcome: MirrorOutcome,
    now: datetime,
    replica: str | None,
    tally: _WriteTally,
    recreate: Mapping[str, DesiredIssue] | None = None,
    settling: IntentSettling | None = None,
) -> None:
    failed: set[str] = set()  # items with a failed write: their record stays as it was
    items = {i.id: i for i in reading.items}
    bases: dict[str, dict[str, Any]] = {}

    tally.report()
    creates = the_plan.of_type(CreateIssue)
    created: list[CreateIssue] = []
    for batch in _chunks(creates, tracker.create_batch_size):
        if outcome.deferred is not None:
            # The budget is spent: nothing more is sent, nor read, for creates this cycle.
            outcome.deferred = Deferral(
                outcome.deferred.items + len(batch), outcome.deferred.until, outcome.deferred.limit
            )
        else:
            created += _create_batch(
                team,
                batch,
                store,
                tracker,
                items,
                outcome,
                failed,
                now,
                replica,
                intent_at=intent_time(settling, now),
            )
        tally.advance(len(batch))
    # One look per cycle, not per batch: reads in proportion to what was created.
    _guard_duplicates(created, tracker, outcome)

    adopted_links: list[TrackerLink] = []
    adopts = the_plan.of_type(AdoptIssue)
    # After this cycle's creates: an issue just created for one item is never adopted by another.
    held = store.links(team) if adopts else {}
    for adopt in adopts:
        tally.advance(1)  # counted as it is taken up: every path below ends this item's turn
        item = items.get(adopt.item_id)
        snapshot = snapshots.get(adopt.key)
        if not adopt.checked:
            snapshot = snapshot or _read_quietly(tracker, adopt.key)
            others = adoption.claimants(
                adopt.item_id, adopt.key if snapshot is None else snapshot.key, held, snapshot
            )
            if others:
                refusal = RefuseAdoption(adopt.item_id, adopt.key, "claimed", others)
                keys = {i: link.key for i, link in held.items()}
                named = {**_named_items(reading), **items}
                outcome.problems.append(adoption.refusal_problem(refusal, named, keys))
                failed.add(adopt.item_id)
                continue
        if not _adopt_or_report(adopt, item, tracker, outcome, failed, now):
            continue
        if adopt.fill and not _write(
            outcome,
            adopt.item_id,
            adopt.key,
            failed,
            lambda a=adopt: tracker.update(a.key, a.fill),
            now,
        ):
            continue
        snapshot = snapshot or _read_one(tracker, adopt.key)
        if snapshot is None:
            failed.add(adopt.item_id)
            outcome.problems.append(
                TrackerProblem(
                    adopt.item_id,
                    adopt.key,
                    f"{adopt.key} was adopted but could not be read back; "
                    "syncd reads it again on the next cycle",
                )
            )
            continue
        filled: dict[str, Any] = adopt.fill.as_dict()
        fields = dataclasses.replace(
            snapshot.fields, labels=snapshot.fields.labels | adopt.add_labels, **filled
        )
        bases[adopt.item_id] = base_json(fields, adopt.source, frozenset())
        # The tracker's own spelling of the key ("#45" is "acme/payments#45"), so later
        # reads, keyed that way, find the record. ``adopted`` marks a person's issue.
        link = _link(team, tracker, adopt.item_id, snapshot.key, now, adopted=not adopt.own)
        adopted_links.append(link)
        held[adopt.item_id] = link
        outcome.adopted += 1
    if adopted_links:
        store.save_links(team, adopted_links)

    missing: list[UpdateIssue] = []
    for update in the_plan.of_type(UpdateIssue):
        dropped: dict[str, str] = {}

        def write(u: UpdateIssue = update, into: dict[str, str] = dropped) -> None:
            into.update(tracker.update(u.key, u.changes) or {})

        try:
            written = _write(outcome, update.item_id, update.key, failed, write, now, missing=True)
        except NotFoundError as exc:
            failed.add(update.item_id)
            gone = _gone(tracker, update.key)
            recreating = gone and recreate is not None
            outcome.problems.append(
                adoption.missing_issue_problem(
                    update.item_id, update.key, items.get(update.item_id), exc, gone, recreating
                )
            )
            if gone and recreate is not None and update.item_id in recreate:
                missing.append(update)
            written = False
        tally.advance(1)
        if written:
            outcome.updated += 1
            for name, why in dropped.items():
                outcome.problems.append(
                    TrackerProblem(
                        update.item_id, update.key, f"{update.key}: {name} left out: {why}"
                    )
                )

    for set_base in the_plan.of_type(SetBase):
        if set_base.item_id not in failed and set_base.item_id not in outcome.deferred_items:
            bases[set_base.item_id] = base_json_of(set_base)
    if bases:
        store.save_bases(team, bases, at=now)
    if missing and recreate is not None:
        _recreate(team, missing, recreate, store, tracker, items, outcome, failed, now, replica)

    _record_status(team, the_plan, store, links, outcome, now)
    _report(the_plan, outcome)
    # Items held back for want of an issue they may have: flagged until a person settles it.
    failed.update(r.item_id for r in the_plan.of_type(RefuseAdoption))
    outcome.failed_items = failed


class _WriteTally:
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


def _create_batch(
    team: str,
    batch: Sequence[CreateIssue],
    store: StateStore,
    tracker: Tracker,
    items: Mapping[str, ActionItem],
    outcome: MirrorOutcome,
    failed: set[str],
    now: datetime,
    replica: str | None,
    *,
    intent_at: datetime | None = None,
) -> list[CreateIssue]:
    """Create one batch under its intents; the creates that made an issue."""
    log = get_logger(team=team, tracker=tracker.system)
    bases: dict[str, dict[str, Any]] = {}
    refused = set(
        store.begin_intents(
            team,
            [(c.item_id, c.marker) for c in batch],
            system=tracker.system,
            at=intent_at or now,
            replica=replica,
        )
    )
    batch = [c for c in batch if c.item_id not in refused]
    if not batch:
        return []
    wanted = {c.item_id: c.fields for c in batch}
    created: list[tuple[ActionItem | None, str]] = []
    origins: list[tuple[str, IssueOrigin]] = []
    made: list[CreateIssue] = []
    pending: Sequence[CreateIssue] = batch
    for first_round in (True, False):
        try:
            freeze_point("create_request")  # tests: frozen before a batch's create
            results = tracker.create(pending)
            freeze_point("create_answered")  # tests: frozen with the answer not yet recorded
        except (AmbiguousWriteError, MalformedAnswerError) as exc:
            # The batch may exist: the answer was lost, or it was a page or JSON nobody can
            # trust (a login proxy's). The intents stay open; the next cycle searches their
            # markers (after the tracker's index has caught up) before anything is created again.
            failed.update(c.item_id for c in pending)
            outcome.problems.append(
                TrackerProblem(
                    None,
                    None,
                    f"creating {len(pending)} issues: outcome unknown ({exc}); "
                    "resolved by marker search on the next cycle",
                )
            )
            log.warning("mirror.create_ambiguous", items=len(pending))
            break
        except RateLimitedError as exc:
            # The account's budget is spent, or the tracker asked for a long pause: nothing of
            # this batch was sent. The rest of the cycle's creates wait for a later cycle.
            for create in pending:
                store.drop_intent(team, create.item_id)
            outcome.deferred = deferred(outcome.deferred, len(pending), exc, now)
            log.info("mirror.creates_deferred", items=len(pending), limit=exc.limit)
            break
        except TransientError as exc:
            for create in pending:  # refused before anything was created: nothing to resolve
                store.drop_intent(team, create.item_id)
            failed.update(c.item_id for c in pending)
            outcome.problems.append(TrackerProblem(None, None, f"creating issues: {describe(exc)}"))
            break
        by_item = {c.item_id: c for c in pending}
        retry: list[CreateIssue] = []
        for result in results:
            create = by_item[result.item_id]
            if isinstance(result.deferred, RateLimitedError):
                store.drop_intent(team, result.item_id)
                outcome.deferred = deferred(outcome.deferred, 1, result.deferred, now)
                continue
            if result.key is None:
                optional = result.refused_fields and result.refused_fields <= OPTIONAL_FIELDS
                if first_round and optional:
                    # Better an issue without an assignee than no issue: created again without
                    # what the tracker refused, under the same intent, and reported.
                    retry.append(
                        dataclasses.replace(
                            create, fields=_without(create.fields, result.refused_fields)
                        )
                    )
                    outcome.problems.append(
                        TrackerProblem(
                            result.item_id,
                            None,
                            f"the tracker refused {', '.join(sorted(result.refused_fields))} "
                            f"({result.error}); the issue is created without it",
                        )
                    )
                    continue
                store.drop_intent(team, result.item_id)
                failed.add(result.item_id)
                outcome.problems.append(
                    TrackerProblem(
                        result.item_id, None, f"the tracker refused the issue: {result.error}"
                    )
                )
                continue
            link = _link(team, tracker, result.item_id, result.key, now, url=result.url)
            store.complete_intent(team, result.item_id, link)
            source = wanted[result.item_id]
            # What the tracker holds: what was sent, unless it silently dropped part of it.
            held = result.held_fields or create.fields
            # What was left out stays the source's wish: not pushed again every cycle.
            source_base = None if source == held else source
            bases[result.item_id] = base_json(held, source_base, frozenset())
            if result.dropped_fields:
                outcome.problems.append(
                    TrackerProblem(
                        result.item_id,
                        result.key,
                        f"{result.key} was created without its "
                        f"{', '.join(sorted(result.dropped_fields))}: {result.error}",
                    )
                )
            created.append((items.get(result.item_id), result.key))
            if create.origin is not None:
                origins.append((result.key, create.origin))
            made.append(create)
            outcome.created += 1
            log.info("mirror.issue_created", item=result.item_id, key=result.key)
        if not retry:
            break
        pending = retry
    # A crash before this leaves links without bases: the next cycle reads those issues by key.
    store.save_bases(team, bases, at=now)
    _link_postmortems(created, tracker, outcome)
    record_origins(origins, tracker, team)
    return made


# Fields an issue can be created without when the tracker refuses the value.
OPTIONAL_FIELDS = frozenset({"assignee", "priority", "due"})


def _without(fields: IssueFields, refused: frozenset[str]) -> IssueFields:
    cleared: dict[str, Any] = {name: None for name in refused & OPTIONAL_FIELDS}
    return dataclasses.replace(fields, **cleared)


LINK_WORKERS = 8  # remote links are independent: a few at a time, paced by the HTTP policy


def _link_postmortems(
    created: Sequence[tuple[ActionItem | None, str]], tracker: Tracker, outcome: MirrorOutcome
) -> None:
    """A link from each new issue back to its postmortem; a missing one is reported only."""
    wanted = [(item, key) for item, key in created if item is not None and item.postmortem.url]
    if not wanted:
        return

    def link(pair: tuple[ActionItem, str]) -> TrackerProblem | None:
        item, key = pair
        try:
            tracker.link_postmortem(
                key, item_id=item.id, url=str(item.postmortem.url), title=item.postmortem.title
            )
        except AuthError:
            raise
        except HttpError as exc:
            return TrackerProblem(
                item.id, key, f"linking {key} to its postmortem failed: {describe(exc)}"
            )
        return None

    with ThreadPoolExecutor(max_workers=min(LINK_WORKERS, len(wanted))) as pool:
        for problem in pool.map(link, wanted):
            if problem is not None:
                outcome.problems.append(problem)


def _guard_duplicates(
    batch: Sequence[CreateIssue], tracker: Tracker, outcome: MirrorOutcome
) -> None:
    """After the cycle's creates, one search: every marker must be on exactly one issue.

    The intents already keep syncd from creating an item twice; this reports a duplicate that
    something else made (another syncd on another store, a person copying an issue)."""
    if not batch:
        return
    try:
        found = tracker.find_markers([c.item_id for c in batch], created_this_cycle=True)
    except AuthError:
        raise
    except HttpError as exc:
        # Only a report: the cycle's writes and records go on; the next cycle's reads see
        # any duplicate as an issue whose marker is already linked.
        outcome.problems.append(
            TrackerProblem(None, None, f"checking new issues for duplicates: {describe(exc)}")
        )
        return
    for create in batch:
        issues = found.get(create.item_id, ())
        if len(issues) > 1:
            outcome.problems.append(
                TrackerProblem(
                    create.item_id,
                    issues[0].key,
                    "more than one issue carries this item's marker; close the extra ones",
                    {"keys": sorted(s.key for s in issues)},
                )
            )


def _read_quietly(tracker: Tracker, key: str) -> IssueSnapshot | None:
    """The issue, or None when it cannot be read now (the adoption then reports why)."""
    try:
        return _read_one(tracker, key)
    except AuthError:
        raise
    except HttpError:
        return None


def _gone(tracker: Tracker, key: str) -> bool:
    """Whether the issue is truly not there: a read by key finds nothing (not a failed read)."""
    try:
        return _read_one(tracker, key) is None
    except AuthError:
        raise
    except HttpError:
        return False


def _recreate(
    team: str,
    missing: Sequence[UpdateIssue],
    desired: Mapping[str, DesiredIssue],
    store: StateStore,
    tracker: Tracker,
    items: Mapping[str, ActionItem],
    outcome: MirrorOutcome,
    failed: set[str],
    now: datetime,
    replica: str | None,
) -> None:
    """New issues for items whose issue a person deleted, as ``--recreate-missing`` asks.

    The old link is forgotten (only if it still points at the deleted issue) and the item is
    created under the intent protocol like any new item: exactly once.
    """
    creates = []
    for update in missing:
        wanted = desired[update.item_id]
        if not store.forget_link(team, update.item_id, update.key):
            continue
        fields = wanted.fields
        if not wanted.assignee_known:
            fields = dataclasses.replace(fields, assignee=None)
        creates.append(CreateIssue(item_id=wanted.item_id, marker=wanted.marker, fields=fields))
    for batch in _chunks(creates, tracker.create_batch_size):
        before = outcome.created
        failed.difference_update(c.item_id for c in batch)
        _create_batch(team, batch, store, tracker, items, outcome, failed, now, replica)
        get_logger(team=team, tracker=tracker.system).info(
            "mirror.issues_recreated", items=len(batch), created=outcome.created - before
        )


def _read_one(tracker: Tracker, key: str) -> IssueSnapshot | None:
    """One issue by a key as a document wrote it; the tracker may answer in its own spelling."""
    found = tracker.get([key])
    if key in found:
        return found[key]
    return next(iter(found.values())) if len(found) == 1 else None


def _adopt_or_report(
    adopt: AdoptIssue,
    item: ActionItem | None,
    tracker: Tracker,
    outcome: MirrorOutcome,
    failed: set[str],
    now: datetime,
) -> bool:
    """Adopt the issue an item names; when it cannot be, report the item and its reference."""
    try:
        _adopt(adopt, tracker)
        return True
    except AuthError:
        raise
    except RateLimitedError as exc:
        _defer(outcome, adopt.item_id, exc, now)
        return False
    except HttpError as exc:
        failed.add(adopt.item_id)
        outcome.problems.append(reference_problem(adopt, item, exc))
        return False


def _adopt(adopt: AdoptIssue, tracker: Tracker) -> None:
    marker = tracker.marker(adopt.item_id) if adopt.add_marker else None
    if adopt.add_labels or marker:
        tracker.adopt(adopt.key, add_labels=adopt.add_labels, marker=marker)


def _write(
    outcome: MirrorOutcome,
    item_id: str,
    key: str,
    failed: set[str],
    action: Any,
    now: datetime,
    *,
    missing: bool = False,
) -> bool:
    """Run one tracker write for one item; a failure costs that item only, never the cycle.

    ``missing``: a ``NotFoundError`` (the issue is gone) is the caller's to handle.
    """
    try:
        action()
        return True
    except AuthError:
        raise
    except RateLimitedError as exc:
        _defer(outcome, item_id, exc, now)
        return False
    except HttpError as exc:
        if missing and isinstance(exc, NotFoundError):
            raise
        failed.add(item_id)
        outcome.problems.append(
            TrackerProblem(item_id, key, f"writing to {key} failed: {describe(exc)}")
        )
        return False


def _defer(outcome: MirrorOutcome, item_id: str, error: RateLimitedError, now: datetime) -> None:
    """A write refused for the account's budget: the item's record stays, a later cycle writes."""
    outcome.deferred_items.add(item_id)
    outcome.deferred = deferred(outcome.deferred, 1, error, now)


def _record_status(
    team: str,
    the_plan: Plan,
    store: StateStore,
    links: Mapping[str, TrackerLink],
    outcome: MirrorOutcome,
    now: datetime,
) -> None:
    changed: list[TrackerLink] = []
    current = dict(links)
    current.update(store.links(team))
    for done in the_plan.of_type(MarkDone):
        link = current.get(done.item_id)
        if link is None:
            continue
        changed.append(
            dataclasses.replace(
                link,
                tracker_done=True,
                resolution=done.resolution,
                won_t_do_explained=done.explained if done.won_t_do else None,
                updated_at=now,
            )
        )
        outcome.closed += 1
        if done.won_t_do and not done.explained:
            outcome.problems.append(
                TrackerProblem(
                    done.item_id,
                    done.key,
                    f"{done.key} was closed as {done.resolution!r} without a reason; "
                    "add a comment saying why it will not be done",
                )
            )
    for reopened in the_plan.of_type(MarkReopened):
        link = current.get(reopened.item_id)
        if link is not None:
            changed.append(
                dataclasses.replace(
                    link,
                    tracker_done=False,
                    resolution=None,
                    won_t_do_explained=None,
                    updated_at=now,
                )
            )
    if changed:
        store.save_links(team, changed)


def _record_activity(
    team: str,
    store: StateStore,
    records: Mapping[str, MirrorRecord],
    snapshots: Mapping[str, IssueSnapshot],
) -> None:
    """Note when a person last changed an item's issue: what "stale" counts from.

    An issue read this cycle whose mirrored fields or status differ from what syncd last knew
    was changed by someone else; syncd's own writes leave it equal to the record.
    """
    by_key = {record.key: record for record in records.values()}
    touched: dict[str, datetime] = {}
    for key, snapshot in snapshots.items():
        record = by_key.get(key)
        if record is None:
            continue
        status_changed = (snapshot.status_category == "done") != record.tracker_done
        if snapshot.fields != record.base or status_changed:
            touched[record.item_id] = snapshot.updated
    if not touched:
        return
    links = store.links(team)
    changed = []
    for item, at in touched.items():
        link = links.get(item)
        if link is not None and (link.last_activity is None or link.last_activity < at):
            changed.append(dataclasses.replace(link, last_activity=at))
    if changed:
        store.save_links(team, changed)


def _record_assignees(team: str, store: StateStore, snapshots: Mapping[str, IssueSnapshot]) -> None:
    """Note who holds each issue in the tracker now: the digest and ``status`` name them.

    After a cycle, an item's base holds the tracker's assignee as syncd knows it (read from the
    issue, pushed to it, or sent when it was created). The name the tracker shows for that user
    comes from an issue read this cycle, and is kept while the user stays the same.
    """
    links = store.links(team)
    bases = store.bases(team)
    changed: list[TrackerLink] = []
    for item_id, link in links.items():
        stored = bases.get(item_id)
        if stored is None:
            continue  # created but not yet recorded: the next cycle reads it
        user = stored["base"].get("assignee")
        snapshot = snapshots.get(link.key)
        if snapshot is not None and snapshot.fields.assignee == user:
            name = snapshot.assignee_name
        elif user == link.assignee:
            name = link.assignee_name
        else:
            name = None
        if (user, name) != (link.assignee, link.assignee_name):
            changed.append(dataclasses.replace(link, assignee=user, assignee_name=name))
    if changed:
        store.save_links(team, changed)


def _report(the_plan: Plan, outcome: MirrorOutcome) -> None:
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


def _link(
    team: str,
    tracker: Tracker,
    item_id: str,
    key: str,
    now: datetime,
    *,
    adopted: bool = False,
    url: str | None = None,
) -> TrackerLink:
    return TrackerLink(
        item_id=item_id,
        team=team,
        system=tracker.system,
        key=key,
        url=url or tracker.issue_url(key),
        adopted=adopted,
        created_at=now,
        updated_at=now,
    )


def _chunks(values: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
