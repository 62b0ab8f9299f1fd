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

from syncd.identity import MatchKind, match_document
from syncd.model import (
    ActionItem,
    DocumentFailure,
    ExtractedDocument,
    KnownItem,
    Postmortem,
)
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


@dataclass(frozen=True, slots=True)
class TeamItems:
    team: str
    items: tuple[ActionItem, ...]
    matches: Mapping[str, MatchKind]  # item id → how it was identified
    documents: tuple[ExtractedDocument, ...]  # postmortem dates filled in
    orphaned: tuple[KnownItem, ...]  # known items gone from a document that was read
    failures: tuple[DocumentFailure, ...]
    source_errors: Mapping[str, str]  # source name → why it could not be read


def build_team_items(
    team: str,
    outcomes: Sequence[SourceOutcome],
    known: Sequence[KnownItem],
    first_seen: Mapping[tuple[str, str], datetime],
    *,
    today: date,
    people: PeopleDirectory,
    policy: ResolvePolicy,
) -> TeamItems:
    """Identify and resolve every extracted item of a team.

    ``first_seen`` maps (source, document) to when the store first saw the document: the date of
    a postmortem that states none. Items of a failed document or source are neither re-read nor
    orphaned: a read error must never look like a deletion.
    """
    known_by_doc: dict[tuple[str, str], list[KnownItem]] = defaultdict(list)
    for k in known:
        known_by_doc[(k.source, k.document)].append(k)
    # Ids a new item must not take: every known id, and every id given out in this cycle.
    taken_ids: set[str] = {k.id for k in known}

    items: list[ActionItem] = []
    matches: dict[str, MatchKind] = {}
    documents: list[ExtractedDocument] = []
    orphaned: list[KnownItem] = []
    failures: list[DocumentFailure] = []
    source_errors: dict[str, str] = {}

    for outcome in outcomes:
        failures.extend(outcome.failures)
        if not outcome.ok:
            source_errors[outcome.name] = outcome.error or "unreadable"
            continue
        present = {d.postmortem.document for d in outcome.documents}
        present.update(f.document for f in outcome.failures)
        # A folder that could not be listed fails as "sub/": what lies under it is not gone.
        unread_folders = tuple(f.document for f in outcome.failures if f.document.endswith("/"))
        for doc in outcome.documents:
            doc = _with_date(doc, first_seen.get((outcome.name, doc.postmortem.document)), today)
            documents.append(doc)
            key = (outcome.name, doc.postmortem.document)
            match = match_document(
                team,
                outcome.name,
                doc.postmortem.document,
                doc.items,
                known_by_doc.get(key, []),
                taken_ids=taken_ids,
            )
            orphaned.extend(match.unmatched_known)
            fallback = doc.postmortem.date or today
            for raw, assignment in zip(doc.items, match.assignments, strict=True):
                taken_ids.add(assignment.id)
                matches[assignment.id] = assignment.kind
                items.append(
                    resolve_item(
                        raw,
                        doc.postmortem,
                        item_id=assignment.id,
                        team=team,
                        people=people,
                        policy=policy,
                        fallback_date=fallback,
                    )
                )
        # Documents the store knows in this source that are gone: their items are orphaned.
        for (source, document), doc_known in known_by_doc.items():
            if (
                source == outcome.name
                and document not in present
                and not document.startswith(unread_folders)
            ):
                orphaned.extend(doc_known)

    return TeamItems(
        team=team,
        items=tuple(items),
        matches=matches,
        documents=tuple(documents),
        orphaned=tuple(orphaned),
        failures=tuple(failures),
        source_errors=source_errors,
    )


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
