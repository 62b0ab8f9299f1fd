"""The tracker role: what the core asks of a tracker connector (Jira, GitHub, ...).

The core never knows a vendor: it resolves a team's tracker through the connector registry and
talks to it through this protocol, in the mirror's tracker-neutral terms (``syncd.mirror``).
A connector does I/O only; what to write is decided by the pure planner.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from syncd.mirror.model import IssueFields, IssueOrigin, IssueReference, IssueSnapshot
from syncd.mirror.operations import CreateIssue, FieldChanges
from syncd.resolve.people import Person


@dataclass(frozen=True, slots=True)
class TrackerContext:
    """What a tracker connector needs from its surroundings, given by the core."""

    team: str
    now: datetime
    http_observer: Any = None  # a syncd.http.RequestObserver, counting requests per endpoint
    http_clock: Any = None  # a syncd.http.Clock; tests inject one so nothing really sleeps
    http_wait_observer: Any = None  # a syncd.http.WaitObserver: progress hears of every wait
    # Called before every write request to the tracker; raises when this process no longer
    # holds the team (``syncd.fencing.LeaseLostError``), so the request is never sent.
    write_guard: Any = None
    # A syncd.http.budget.BudgetLedger: the account budgets every process shares (the state
    # store's); None gives the connection a ledger of its own, forgotten when it closes.
    budget_ledger: Any = None
    rate_scale: float = 1.0  # benchmarks and tests only: the published limits sped up


@dataclass(frozen=True, slots=True)
class CreateResult:
    """The outcome of creating one issue of a batch."""

    item_id: str
    key: str | None  # None when this element failed
    url: str | None = None
    error: str | None = None  # why this element was refused (a permanent, per-element error)
    refused_fields: frozenset[str] = frozenset()  # the fields the tracker named in ``error``
    # Created, but without some of what was sent, silently (GitHub drops an assignee, label or
    # milestone the token cannot set): those fields, what the issue holds instead, and why in
    # ``error``. The record's base is ``held_fields``; the source keeps its wish, not resent.
    dropped_fields: frozenset[str] = frozenset()
    held_fields: IssueFields | None = None
    # Not sent: the account's budget is spent (a ``syncd.http.RateLimitedError``); a later
    # cycle creates it.
    deferred: Any = None


@dataclass(frozen=True, slots=True)
class ChangedIssues:
    """Issues read by an incremental read, and how far the read got."""

    snapshots: Mapping[str, IssueSnapshot]  # by issue key
    newest_updated: datetime | None  # the newest ``updated`` seen
    complete: bool = True  # False when only part could be read; the cursor must not move then
    # The tracker's own clock when the read began (its Date header). Nothing updated before it
    # can be missing from the read, so the next read may start there (less its safety margin)
    # even when nothing changed; without it, a quiet tracker would be re-read from its last
    # change on every cycle.
    read_at: datetime | None = None
    # A validator of the read (GitHub's ETag), kept with the cursor and handed back through
    # ``ConditionalReads.use_etag`` next cycle, so that an unchanged read costs a free 304.
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class AssigneeLookup:
    """A person resolved to a tracker user, or why not (a failed lookup never clears anyone)."""

    user_id: str | None
    problem: str | None = None


@runtime_checkable
class NamesIssueKeys(Protocol):
    """Tracker settings whose issue keys ("PAY-123") may be written in a postmortem.

    A bare key is a reference only when its project is one of these (the team's project and
    those it lists); any other key-shaped word ("KIP-405") is plain text. Settings without this
    method (GitHub: ``#45``) make no bare key a reference.
    """

    def issue_key_projects(self) -> frozenset[str]: ...


@runtime_checkable
class ScopesReferences(Protocol):
    """A tracker that says whether an issue a document names is in the team's own project or
    repository: only such an issue is adopted; one elsewhere is linked and reported.

    A tracker without this method takes every reference of its system as its own.
    """

    def reference(self, system: str, key: str, url: str | None) -> IssueReference:
        """Where the issue ``key`` (of tracker ``system``, perhaps at ``url``) lives."""
        ...


@runtime_checkable
class CheckableTracker(Protocol):
    """A tracker that can say, with its credentials, whether it can do its work."""

    def check(self) -> str:
        """One line on what was verified ("authenticated as …, project PAY visible");
        raises a ``syncd.http`` error (``AuthError`` for credentials) when something is wrong."""
        ...


@runtime_checkable
class Tracker(Protocol):
    """One team's tracker. Methods raise ``syncd.http`` errors; ``AmbiguousWriteError`` from
    ``create`` means the batch may or may not exist: the caller searches its markers."""

    system: str  # "jira", "github": the kind of key it hands out
    labels: frozenset[str]  # the team's configured labels, added to every mirrored issue

    def marker(self, item_id: str) -> str: ...

    def item_id_of_marker(self, marker: str) -> str | None: ...

    @property
    def priority_map(self) -> Mapping[str, str]:
        """Item priority ("P0".."P3") → the tracker's priority name."""
        ...

    def assignee(self, person: Person) -> AssigneeLookup: ...

    def changed_since(self, since: datetime | None) -> ChangedIssues:
        """Issues carrying the team's labels (or markers) updated since ``since`` (all of them
        when None), read with a safety margin. Costs one request per page, whatever the
        number of items: a cycle in which nothing changed costs a constant number of requests.
        """
        ...

    def find_markers(
        self, item_ids: Collection[str], *, created_this_cycle: bool = False
    ) -> Mapping[str, Sequence[IssueSnapshot]]:
        """Every issue carrying the marker of each item (normally none or one).

        ``created_this_cycle``: the items' issues were created by this tracker object, so a
        tracker may look only at what changed since its first create (GitHub lists the issues
        updated since then, not every issue it ever listed).
        """
        ...

    def get(self, keys: Collection[str]) -> Mapping[str, IssueSnapshot]:
        """The issues with these keys (adoption of an issue a document names)."""
        ...

    def create(self, issues: Sequence[CreateIssue]) -> Sequence[CreateResult]:
        """Create a batch (at most ``create_batch_size``), one result per issue, in order."""
        ...

    create_batch_size: int

    def update(self, key: str, changes: FieldChanges) -> Mapping[str, str] | None:
        """Write ``changes``; returns the fields the tracker silently left out, with why."""
        ...

    def adopt(self, key: str, *, add_labels: Collection[str], marker: str | None) -> None:
        """Add the configured labels (and the marker) to an existing issue; nothing else."""
        ...

    def link_postmortem(self, key: str, *, item_id: str, url: str, title: str) -> None:
        """A link from the issue back to the postmortem; idempotent (a second call updates)."""
        ...

    def issue_url(self, key: str) -> str: ...

    def close(self) -> None: ...


@runtime_checkable
class KnowsOwnAccount(Protocol):
    """A tracker that can say which account syncd writes as (Jira: accountId or name; GitHub:
    login), so that webhook events caused by syncd's own writes are ignored."""

    def own_account(self) -> str: ...


@runtime_checkable
class ConditionalReads(Protocol):
    """A tracker whose incremental read can be conditional (GitHub's ``If-None-Match``).

    The core calls ``use_etag`` with the ETag stored with the cursor before ``changed_since``,
    and stores ``ChangedIssues.etag`` after it.
    """

    def use_etag(self, etag: str | None) -> None: ...


@runtime_checkable
class RecordsOrigins(Protocol):
    """A tracker that keeps an issue's origin apart from the create (Jira: an issue property,
    which its bulk create cannot carry). A tracker without this method records the origin with
    the create itself (GitHub: a hidden line of the body)."""

    def record_origin(self, key: str, origin: IssueOrigin) -> None: ...


@runtime_checkable
class ClosesIssues(Protocol):
    """A tracker that can close an issue as done (Jira: a transition into the Done category;
    GitHub: closed as completed). Used for follow-up review issues only: an item's issue is
    closed by people, never by syncd."""

    def close_issue(self, key: str) -> None: ...


@runtime_checkable
class QuotesText(Protocol):
    """A tracker whose issue text is markup (GitHub's Markdown, Jira Data Center's wiki): the
    document text syncd quotes in a text of its own making (a follow-up review's, the
    recurrence line) is escaped so that it mentions, links and formats nothing."""

    def quote(self, text: str) -> str: ...


def quoter(tracker: object) -> Callable[[str], str]:
    """How ``tracker`` quotes document text; as it is, where its text is never markup."""
    return tracker.quote if isinstance(tracker, QuotesText) else _as_it_is


def _as_it_is(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class TrackerProblem:
    """Something a person should know about an item's issue; reported, never fatal."""

    item_id: str | None
    key: str | None
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class PostsNudges(Protocol):
    """A tracker that can comment on an issue to nudge its assignee (``nudges:`` in a team file).

    ``mention`` is the assignee's user id in the tracker (Jira account id or username, GitHub
    login), written in the tracker's own mention syntax before ``text``; None: nobody holds the
    issue, the comment mentions no one. ``text`` is plain text that may quote documents: the
    tracker keeps it from mentioning anyone or being read as markup. A nudge changes no field.
    """

    def post_nudge(self, key: str, *, mention: str | None, text: str) -> None: ...

    def comments_since(self, key: str, since: datetime) -> Sequence[tuple[datetime, str]]:
        """The issue's comments made at or after ``since`` (at least those; the most recent
        when there are many), each as (when, its text): how the core finds the nudges it
        posted before its state store was lost."""
        ...
