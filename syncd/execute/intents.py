"""Creating issues exactly once: the intent protocol.

The intent (item id, marker) is recorded before the create request is sent, and the key after
(``complete_intent``); an intent found open later is resolved by searching its marker before
anything is created again, so a crash, a lost answer or a second replica never leads to a
second issue. These store writes happen at these moments and no later: they are not the
cycle's bookkeeping (``syncd.execute.bookkeeping``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from syncd.cycle.deferral import deferred
from syncd.cycle.tracker_errors import describe
from syncd.execute.bookkeeping import new_link
from syncd.execute.context import MirrorContext
from syncd.execute.intent_settling import IntentSettling, intents_to_resolve
from syncd.execute.origins import record_origins
from syncd.execute.outcome import MirrorOutcome
from syncd.execute.records import base_json
from syncd.http import (
    AmbiguousWriteError,
    AuthError,
    HttpError,
    MalformedAnswerError,
    RateLimitedError,
    TransientError,
)
from syncd.mirror.model import DesiredIssue, IssueFields, IssueOrigin
from syncd.mirror.operations import CreateIssue, UpdateIssue
from syncd.model import ActionItem
from syncd.output.logs import get_logger
from syncd.store.roles import MirrorStore
from syncd.test_hooks import freeze_point
from syncd.tracker import CreateResult, Tracker, TrackerProblem

_T = TypeVar("_T")

# Fields an issue can be created without when the tracker refuses the value.
OPTIONAL_FIELDS = frozenset({"assignee", "priority", "due"})

LINK_WORKERS = 8  # remote links are independent: a few at a time, paced by the HTTP policy


def resolve_open_intents(
    team: str,
    store: MirrorStore,
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
            team, intent.item_id, new_link(team, tracker, intent.item_id, first.key, now)
        )
        # Before this cycle reads its records: the issue found is mirrored from here on.
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


@dataclass(slots=True)
class _Made:
    """What a batch created, for the follow-up writes (postmortem links, origins)."""

    creates: list[CreateIssue] = field(default_factory=list)
    linked: list[tuple[ActionItem | None, str]] = field(default_factory=list)
    origins: list[tuple[str, IssueOrigin]] = field(default_factory=list)


def create_batch(
    ctx: MirrorContext, batch: Sequence[CreateIssue], *, intent_at: datetime | None = None
) -> list[CreateIssue]:
    """Create one batch under its intents; the creates that made an issue."""
    refused = set(
        ctx.store.begin_intents(
            ctx.team,
            [(c.item_id, c.marker) for c in batch],
            system=ctx.tracker.system,
            at=intent_at or ctx.now,
            replica=ctx.replica,
        )
    )
    batch = [c for c in batch if c.item_id not in refused]
    if not batch:
        return []
    wanted = {c.item_id: c.fields for c in batch}
    made = _Made()
    pending: Sequence[CreateIssue] = batch
    for first_round in (True, False):
        results = _send(ctx, pending)
        if results is None:
            break
        by_item = {c.item_id: c for c in pending}
        retry: list[CreateIssue] = []
        for result in results:
            create = by_item[result.item_id]
            if result.key is None or isinstance(result.deferred, RateLimitedError):
                _not_created(ctx, create, result, retry if first_round else None)
            else:
                _created(ctx, create, result, wanted[result.item_id], made)
        if not retry:
            break
        pending = retry
    _link_postmortems(made.linked, ctx.tracker, ctx.outcome)
    record_origins(made.origins, ctx.tracker, ctx.team)
    return made.creates


def _send(ctx: MirrorContext, pending: Sequence[CreateIssue]) -> Sequence[CreateResult] | None:
    """The tracker's answer to one create request; None when nothing more of it is recorded."""
    outcome, store = ctx.outcome, ctx.store
    try:
        freeze_point("create_request")  # tests: frozen before a batch's create
        results = ctx.tracker.create(pending)
        freeze_point("create_answered")  # tests: frozen with the answer not yet recorded
        return results
    except (AmbiguousWriteError, MalformedAnswerError) as exc:
        # The batch may exist: the answer was lost, or it was a page or JSON nobody can
        # trust (a login proxy's). The intents stay open; the next cycle searches their
        # markers (after the tracker's index has caught up) before anything is created again.
        ctx.failed.update(c.item_id for c in pending)
        outcome.problems.append(
            TrackerProblem(
                None,
                None,
                f"creating {len(pending)} issues: outcome unknown ({exc}); "
                "resolved by marker search on the next cycle",
            )
        )
        ctx.log.warning("mirror.create_ambiguous", items=len(pending))
    except RateLimitedError as exc:
        # The account's budget is spent, or the tracker asked for a long pause: nothing of
        # this batch was sent. The rest of the cycle's creates wait for a later cycle.
        for create in pending:
            store.drop_intent(ctx.team, create.item_id)
        outcome.deferred = deferred(outcome.deferred, len(pending), exc, ctx.now)
        ctx.log.info("mirror.creates_deferred", items=len(pending), limit=exc.limit)
    except TransientError as exc:
        for create in pending:  # refused before anything was created: nothing to resolve
            store.drop_intent(ctx.team, create.item_id)
        ctx.failed.update(c.item_id for c in pending)
        outcome.problems.append(TrackerProblem(None, None, f"creating issues: {describe(exc)}"))
    return None


def _not_created(
    ctx: MirrorContext,
    create: CreateIssue,
    result: CreateResult,
    retry: list[CreateIssue] | None,
) -> None:
    """An element of the batch the tracker did not create: deferred, retried without what
    it refused (``retry``, on the first round only), or refused."""
    if isinstance(result.deferred, RateLimitedError):
        ctx.store.drop_intent(ctx.team, result.item_id)
        ctx.outcome.deferred = deferred(ctx.outcome.deferred, 1, result.deferred, ctx.now)
        return
    optional = result.refused_fields and result.refused_fields <= OPTIONAL_FIELDS
    if retry is not None and optional:
        # Better an issue without an assignee than no issue: created again without
        # what the tracker refused, under the same intent, and reported.
        retry.append(
            dataclasses.replace(create, fields=_without(create.fields, result.refused_fields))
        )
        ctx.outcome.problems.append(
            TrackerProblem(
                result.item_id,
                None,
                f"the tracker refused {', '.join(sorted(result.refused_fields))} "
                f"({result.error}); the issue is created without it",
            )
        )
        return
    ctx.store.drop_intent(ctx.team, result.item_id)
    ctx.failed.add(result.item_id)
    ctx.outcome.problems.append(
        TrackerProblem(result.item_id, None, f"the tracker refused the issue: {result.error}")
    )


def _created(
    ctx: MirrorContext,
    create: CreateIssue,
    result: CreateResult,
    source: IssueFields,
    made: _Made,
) -> None:
    """Record an issue created: its link closes the intent now, its base waits for the
    cycle's bookkeeping (a crash before that leaves a link without a base: the next cycle
    reads the issue by key)."""
    assert result.key is not None
    link = new_link(ctx.team, ctx.tracker, result.item_id, result.key, ctx.now, url=result.url)
    ctx.store.complete_intent(ctx.team, result.item_id, link)
    # What the tracker holds: what was sent, unless it silently dropped part of it.
    held = result.held_fields or create.fields
    # What was left out stays the source's wish: not pushed again every cycle.
    source_base = None if source == held else source
    ctx.book.base(result.item_id, base_json(held, source_base, frozenset()))
    if result.dropped_fields:
        ctx.outcome.problems.append(
            TrackerProblem(
                result.item_id,
                result.key,
                f"{result.key} was created without its "
                f"{', '.join(sorted(result.dropped_fields))}: {result.error}",
            )
        )
    made.linked.append((ctx.items.get(result.item_id), result.key))
    if create.origin is not None:
        made.origins.append((result.key, create.origin))
    made.creates.append(create)
    ctx.outcome.created += 1
    ctx.log.info("mirror.issue_created", item=result.item_id, key=result.key)


def _without(fields: IssueFields, refused: frozenset[str]) -> IssueFields:
    cleared: dict[str, Any] = {name: None for name in refused & OPTIONAL_FIELDS}
    return dataclasses.replace(fields, **cleared)


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


def guard_duplicates(
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


def recreate(
    ctx: MirrorContext, missing: Sequence[UpdateIssue], desired: Mapping[str, DesiredIssue]
) -> None:
    """New issues for items whose issue a person deleted, as ``--recreate-missing`` asks.

    The old link is forgotten (only if it still points at the deleted issue) and the item is
    created under the intent protocol like any new item: exactly once.
    """
    creates = []
    for update in missing:
        wanted = desired[update.item_id]
        if not ctx.store.forget_link(ctx.team, update.item_id, update.key):
            continue
        fields = wanted.fields
        if not wanted.assignee_known:
            fields = dataclasses.replace(fields, assignee=None)
        creates.append(CreateIssue(item_id=wanted.item_id, marker=wanted.marker, fields=fields))
    for batch in chunks(creates, ctx.tracker.create_batch_size):
        before = ctx.outcome.created
        ctx.failed.difference_update(c.item_id for c in batch)
        create_batch(ctx, batch)
        get_logger(team=ctx.team, tracker=ctx.tracker.system).info(
            "mirror.issues_recreated", items=len(batch), created=ctx.outcome.created - before
        )


def chunks(values: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
