"""From documents to action items, for one team: match identities, resolve fields, find orphans.

Pure: the sources have already been read (``SourceOutcome``); the state store's knowledge comes
in as plain data; the date is injected.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from syncd.model import (
    ActionItem,
    DocumentFailure,
    ExtractedDocument,
    KnownItem,
    Postmortem,
)
from syncd.reconcile.identity import MatchKind, match_document
from syncd.reconcile.identity_across import Newcomer, match_across_documents
from syncd.resolve.people import PeopleDirectory
from syncd.resolve.resolver import ResolvePolicy, resolve_item


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """What one source yielded in one cycle."""

    name: str
    documents: tuple[ExtractedDocument, ...] = ()
    failures: tuple[DocumentFailure, ...] = ()
    error: str | None = None  # the source as a whole could not be read

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def present(self) -> frozenset[str]:
        """The documents this read returned, those that failed to read included."""
        return frozenset(
            [d.postmortem.document for d in self.documents] + [f.document for f in self.failures]
        )

    @property
    def unread_folders(self) -> tuple[str, ...]:
        """Folders that could not be listed (they fail as "sub/"): what lies under them is
        not gone."""
        return tuple(f.document for f in self.failures if f.document.endswith("/"))


@dataclass(frozen=True, slots=True)
class TeamItems:
    team: str
    items: tuple[ActionItem, ...]
    matches: Mapping[str, MatchKind]  # item id → how it was identified
    documents: tuple[ExtractedDocument, ...]  # postmortem dates filled in
    orphaned: tuple[KnownItem, ...]  # known items gone from a document that was read
    failures: tuple[DocumentFailure, ...]
    source_errors: Mapping[str, str]  # source name → why it could not be read
    # Source name → why its missing documents were not believed gone
    # (``syncd.cycle.removal_guard``).
    held_sources: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Item id → the (source, document) it was known in, for the items that moved this cycle:
    # a follow-up review follows its postmortem's items (``syncd.mirror.review_moves``).
    moved_from: Mapping[str, tuple[str, str]] = dataclasses.field(default_factory=dict)


def build_team_items(
    team: str,
    outcomes: Sequence[SourceOutcome],
    known: Sequence[KnownItem],
    first_seen: Mapping[tuple[str, str], datetime],
    *,
    today: date,
    people: PeopleDirectory,
    policy: ResolvePolicy,
    held: Mapping[str, str] | None = None,
) -> TeamItems:
    """Identify and resolve every extracted item of a team.

    ``first_seen`` maps (source, document) to when the store first saw the document: the date of
    a postmortem that states none. Items of a failed document or source are neither re-read nor
    orphaned: a read error must never look like a deletion. Nor are the items of the documents
    missing from a source in ``held`` (source → why): a mass removal the guard does not
    believe yet.
    """
    held = held or {}
    known_by_doc = _by_document(known)
    # Ids a new item must not take: every known id, and every id given out in this cycle.
    taken_ids: set[str] = {k.id for k in known}
    matched: list[_MatchedDocument] = []
    orphaned: list[KnownItem] = []
    failures: list[DocumentFailure] = []
    source_errors: dict[str, str] = {}
    for outcome in outcomes:
        failures.extend(outcome.failures)
        if not outcome.ok:
            source_errors[outcome.name] = outcome.error or "unreadable"
            continue
        source_matched, unmatched = _match_source_documents(
            team, outcome, known_by_doc, taken_ids, first_seen, today=today
        )
        matched.extend(source_matched)
        orphaned.extend(unmatched)
        if outcome.name in held:
            continue  # documents missing from a held read are not believed gone
        orphaned.extend(_known_of_gone_documents(outcome, known_by_doc))
    # A source no longer configured (renamed, removed): its items are gone too.
    configured = {outcome.name for outcome in outcomes}
    orphaned.extend(k for k in known if k.source not in configured)

    moved_from: dict[str, tuple[str, str]] = {}
    orphaned = _recognise_moves(matched, orphaned, moved_from)
    items, matches = _resolve_items(team, matched, today=today, people=people, policy=policy)
    return TeamItems(
        team=team,
        items=tuple(items),
        matches=matches,
        documents=tuple(doc for doc, _, _ in matched),
        orphaned=tuple(orphaned),
        failures=tuple(failures),
        source_errors=source_errors,
        held_sources={name: why for name, why in held.items() if name in configured},
        moved_from=moved_from,
    )


# A document with the id and the kind of match of each of its items, in document order.
_MatchedDocument = tuple[ExtractedDocument, list[str], list[MatchKind]]


def _by_document(known: Sequence[KnownItem]) -> dict[tuple[str, str], list[KnownItem]]:
    known_by_doc: dict[tuple[str, str], list[KnownItem]] = defaultdict(list)
    for k in known:
        known_by_doc[(k.source, k.document)].append(k)
    return known_by_doc


def _match_source_documents(
    team: str,
    outcome: SourceOutcome,
    known_by_doc: Mapping[tuple[str, str], list[KnownItem]],
    taken_ids: set[str],
    first_seen: Mapping[tuple[str, str], datetime],
    *,
    today: date,
) -> tuple[list[_MatchedDocument], list[KnownItem]]:
    """Each document of a source read well, dated and its items matched; and the known items
    of those documents no longer in them. The ids given out are added to ``taken_ids``."""
    matched: list[_MatchedDocument] = []
    unmatched: list[KnownItem] = []
    assigned: set[str] = set()  # ids given to this source's items this cycle
    for doc in outcome.documents:
        doc = _with_date(doc, first_seen.get((outcome.name, doc.postmortem.document)), today)
        match = match_document(
            team,
            outcome.name,
            doc.postmortem.document,
            doc.items,
            known_by_doc.get((outcome.name, doc.postmortem.document), []),
            taken_ids=taken_ids,
            assigned_elsewhere=assigned,
        )
        unmatched.extend(match.unmatched_known)
        taken_ids.update(a.id for a in match.assignments)
        assigned.update(a.id for a in match.assignments)
        matched.append(
            (doc, [a.id for a in match.assignments], [a.kind for a in match.assignments])
        )
    return matched, unmatched


def _known_of_gone_documents(
    outcome: SourceOutcome, known_by_doc: Mapping[tuple[str, str], list[KnownItem]]
) -> list[KnownItem]:
    """The known items of documents the store knows in this source that are gone."""
    present = outcome.present
    # A folder that could not be listed fails as "sub/": what lies under it is not gone.
    unread_folders = outcome.unread_folders
    gone: list[KnownItem] = []
    for (source, document), doc_known in known_by_doc.items():
        if (
            source == outcome.name
            and document not in present
            and not document.startswith(unread_folders)
        ):
            gone.extend(doc_known)
    return gone


def _resolve_items(
    team: str,
    matched: Sequence[_MatchedDocument],
    *,
    today: date,
    people: PeopleDirectory,
    policy: ResolvePolicy,
) -> tuple[list[ActionItem], dict[str, MatchKind]]:
    """Each matched item resolved under its id, and how each id was identified."""
    items: list[ActionItem] = []
    matches: dict[str, MatchKind] = {}
    for doc, ids, kinds in matched:
        fallback = doc.postmortem.date or today
        for raw, item_id, kind in zip(doc.items, ids, kinds, strict=True):
            matches[item_id] = kind
            items.append(
                resolve_item(
                    raw,
                    doc.postmortem,
                    item_id=item_id,
                    team=team,
                    people=people,
                    policy=policy,
                    fallback_date=fallback,
                )
            )
    return items, matches


def _recognise_moves(
    matched: Sequence[_MatchedDocument],
    orphaned: Sequence[KnownItem],
    moved_from: dict[str, tuple[str, str]],
) -> list[KnownItem]:
    """Items new in their document that are known items gone from theirs take those items'
    ids (``syncd.reconcile.identity_across``); returns the known items still gone, and notes
    in ``moved_from`` where each moved item was known."""
    newcomers: list[Newcomer] = []
    places: list[tuple[list[str], list[MatchKind], int]] = []
    gone = {k.id: k for k in orphaned}
    by_native: set[str] = set()
    for doc, ids, kinds in matched:
        for position, (raw, kind) in enumerate(zip(doc.items, kinds, strict=True)):
            if kind is MatchKind.NEW and raw.native_id is not None and ids[position] in gone:
                # Its id follows its source's own id, not the document: the item moved here.
                kinds[position] = MatchKind.MOVED
                by_native.add(ids[position])
                was = gone[ids[position]]
                moved_from[ids[position]] = (was.source, was.document)
            elif kind is MatchKind.NEW and raw.native_id is None:
                postmortem = doc.postmortem
                newcomers.append(
                    Newcomer(raw.title, postmortem.source, postmortem.title, postmortem.date)
                )
                places.append((ids, kinds, position))
    unique = [k for k in {k.id: k for k in orphaned}.values() if k.id not in by_native]
    found = match_across_documents(
        newcomers, unique, vanished_now=[k.id for k in unique if k.orphaned_at is None]
    )
    for newcomer, known in found.items():
        ids, kinds, position = places[newcomer]
        ids[position] = known.id
        kinds[position] = MatchKind.MOVED
        moved_from[known.id] = (known.source, known.document)
    moved = {known.id for known in found.values()}
    return [k for k in unique if k.id not in moved]


def _with_date(
    doc: ExtractedDocument, first_seen: datetime | None, today: date
) -> ExtractedDocument:
    """A postmortem that states no date is dated by when syncd first saw it."""
    if doc.postmortem.date is not None:
        return doc
    seen = first_seen.date() if first_seen is not None else today
    postmortem: Postmortem = dataclasses.replace(
        doc.postmortem, date=seen, date_origin="first_seen"
    )
    return dataclasses.replace(doc, postmortem=postmortem)
