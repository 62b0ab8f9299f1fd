"""The tracker is the state store's backup: identity rebuilt from marked issues.

When the store has never read the team's tracker in full (a lost or a new state store), every
marked issue is read before items are identified, and each becomes a known item: its marker's
item id, with the text, document and postmortem it was created from (its recorded origin) and
the wordings it carries now (summary, description). Identity then works as it does with the
store: an item reworded, reordered, moved to another section, file, folder or source is
matched to its issue and keeps its id, so the mirror adopts the issue instead of creating a
second one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from syncd.cycle.progress import ProgressListener, ReadingTracker
from syncd.cycle.tracker_errors import tracker_failure
from syncd.http import HttpError
from syncd.mirror.model import IssueSnapshot
from syncd.mirror.origin import postmortem_of_description
from syncd.mirror.review import is_review
from syncd.model import KnownItem, Status
from syncd.output.failure_streaks import TRACKER
from syncd.output.logs import get_logger, log_failure
from syncd.store import StateStore
from syncd.tracker import ChangedIssues, Tracker, TrackerProblem


@dataclass(frozen=True, slots=True)
class Recovery:
    """Known items rebuilt from the tracker, and the issue of each."""

    known: tuple[KnownItem, ...] = ()
    keys: Mapping[str, str] | None = None  # item id → issue key
    problems: tuple[TrackerProblem, ...] = ()  # markers copied or removed by hand
    # The tracker could not be read: the cycle must not mirror (it could not tell an item
    # that has an issue from a new one). The items are recorded; the next cycle recovers.
    stopped: str | None = None
    read: ChangedIssues | None = None  # the full read, which the mirror then need not repeat

    def merged(self, stored: Sequence[KnownItem], linked: Iterable[str]) -> list[KnownItem]:
        """The store's known items and the rebuilt ones. The tracker's word wins: a stored
        item without an issue (recorded while the tracker was unreachable) is set aside, so
        its deterministic id cannot claim the text of an item that has an issue."""
        if not self.known:
            return list(stored)
        with_issue = set(linked)
        kept = [k for k in stored if k.id in with_issue]
        ids = {k.id for k in kept}
        return kept + [k for k in self.known if k.id not in ids]

    def orphans(self, gone: Iterable[KnownItem]) -> list[TrackerProblem]:
        """Rebuilt items no document holds: their issues are reported, left as they are."""
        keys = self.keys or {}
        return [
            TrackerProblem(
                k.id,
                keys[k.id],
                f"{keys[k.id]} carries the marker of an item no document holds any more; "
                "it is left as it is",
            )
            for k in gone
            if k.id in keys
        ]


def recover_from_tracker(
    team: str,
    store: StateStore,
    tracker: Tracker | None,
    *,
    progress: ProgressListener | None = None,
) -> Recovery:
    """Known items from the team's marked issues, when the store never read them in full."""
    if tracker is None or store.cursor(team, tracker.system) is not None:
        return Recovery()  # without a tracker, the tracker stage says why it cannot mirror
    name = team
    log = get_logger(team=name, tracker=tracker.system)
    if progress is not None:
        progress(ReadingTracker(name, tracker.system))
    try:
        read = tracker.changed_since(None)
    except HttpError as exc:
        log_failure(log, TRACKER, "recovery.tracker_unread", error=str(exc), status=exc.status)
        return Recovery(stopped=tracker_failure(exc))
    ours = own_issues(read.snapshots.values(), name)
    known = known_items_of_issues(ours)
    if known:
        log.info("recovery.identity_rebuilt", issues=len(known))
    keys = {k.item.id: k.key for k in known}
    problems = tuple(marker_problems(ours, keys))
    return Recovery(tuple(k.item for k in known), keys, problems, read=read)


def own_issues(snapshots: Iterable[IssueSnapshot], team: str) -> list[IssueSnapshot]:
    """Leaves out issues another team's syncd created (teams may share a project and its
    labels); an issue whose origin names no team is taken as the team's."""
    return [s for s in snapshots if s.origin is None or s.origin.team in ("", team)]


def marker_problems(
    snapshots: Iterable[IssueSnapshot], kept: Mapping[str, str]
) -> Iterator[TrackerProblem]:
    """What a person changed by hand on markers, in words they can act on."""
    for snapshot in sorted(snapshots, key=lambda s: s.key):
        item_id = _item_of(snapshot)
        if item_id is None:
            continue
        if kept.get(item_id) not in (None, snapshot.key):
            yield TrackerProblem(
                item_id,
                snapshot.key,
                f"{snapshot.key} carries the marker of the item of {kept[item_id]} (copied by "
                f"hand?); syncd keeps {kept[item_id]}: remove the marker from {snapshot.key} "
                "or close it as a duplicate",
            )
        elif snapshot.item_id is None:
            yield TrackerProblem(
                item_id,
                snapshot.key,
                f"{snapshot.key} lost its syncd marker (removed by hand?); syncd found it by "
                "the origin it recorded and puts the marker back",
            )


def _item_of(snapshot: IssueSnapshot) -> str | None:
    """The item an issue is syncd's for: its marker, else the origin syncd recorded."""
    return snapshot.item_id or (snapshot.origin.item_id if snapshot.origin else None)


@dataclass(frozen=True, slots=True)
class _Rebuilt:
    item: KnownItem
    key: str  # the issue's


def known_items_of_issues(snapshots: Iterable[IssueSnapshot]) -> list[_Rebuilt]:
    """One known item per marker (the oldest issue when a marker was copied). A follow-up
    review's issue is no item: the mirror finds it again by its marker."""
    found: dict[str, _Rebuilt] = {}
    for snapshot in sorted(snapshots, key=lambda s: (s.updated, s.key)):
        item_id = _item_of(snapshot)
        if item_id is None or item_id in found or is_review(item_id):
            continue
        found[item_id] = _Rebuilt(known_item_of_issue(item_id, snapshot), snapshot.key)
    return list(found.values())


def known_item_of_issue(item_id: str, snapshot: IssueSnapshot) -> KnownItem:
    fields = snapshot.fields
    origin = snapshot.origin if snapshot.origin and snapshot.origin.item_id == item_id else None
    first_block = fields.description.strip().split("\n\n", 1)[0].strip()
    wordings = [w for w in (fields.summary.strip(), first_block) if w]
    postmortem_title: str | None
    if origin is not None:
        title = origin.title
        source, document = origin.source, origin.document
        postmortem_title, postmortem_date = origin.postmortem_title, origin.postmortem_date
    else:
        title = first_block or fields.summary
        source = document = ""  # unknown: matched across documents only
        postmortem_title, postmortem_date = postmortem_of_description(fields.description)
    return KnownItem(
        id=item_id,
        source=source,
        document=document,
        title=title,
        section="",
        line=0,
        status=Status.DONE if snapshot.status_category == "done" else Status.OPEN,
        postmortem_title=postmortem_title,
        postmortem_date=postmortem_date,
        aliases=tuple(dict.fromkeys(w for w in wordings if w != title)),
    )
