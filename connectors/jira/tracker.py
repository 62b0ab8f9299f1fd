"""The Jira tracker: syncd's ``Tracker`` role on Jira Cloud and Jira Data Center.

Costs, in requests: nothing at construction; on first use one ``serverInfo`` when the deployment
is ``auto``; one search per page (``changed_since``, ``find_markers``, ``get``), plus one search
per 100 won't-do closures read (their comments); one bulk create per batch of 50, then one
``PUT`` per created issue (its ``syncd.origin`` property); one ``PUT`` per update or adoption;
one ``POST`` per remote link; one user search per e-mail address, once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connectors.jira import answers, jql
from connectors.jira.adf import adf_to_text
from connectors.jira.connection import JiraConnection
from connectors.jira.issues import (
    SNAPSHOT_FIELDS,
    SNAPSHOT_PROPERTIES,
    IssueReader,
    IssueWriter,
    item_id_of_label,
    marker_label,
    origin_body,
)
from connectors.jira.nudges import nudge_comment_body
from connectors.jira.quoting import quoted_wiki
from connectors.jira.search import search
from connectors.jira.settings import JiraSettings
from connectors.jira.users import HANDLE, TYPE, UserDirectory
from syncd.connector.http import AuthError, MalformedAnswerError, NotFoundError, PermanentError
from syncd.connector.logs import get_logger
from syncd.connector.registry import ConnectorKind
from syncd.connector.settings import PersonHandle
from syncd.connector.tracker import (
    AssigneeLookup,
    ChangedIssues,
    CreateIssue,
    CreateResult,
    FieldChanges,
    IssueOrigin,
    IssueReference,
    IssueSnapshot,
    Person,
    TrackerContext,
    is_won_t_do,
)

T = TypeVar("T")

# Jira refuses longer remote link titles.
_TITLE_LIMIT = 255
_UNSET: Any = object()


# Jira's field names as the mirror names them, for per-element errors.
_MIRROR_FIELD = {"duedate": "due"}


class JiraTracker:
    """Mirrors action items into a Jira project (Jira Cloud or Data Center).

    Items become issues in ``project``; syncd marks each with a ``syncd-<item id>`` label and
    links back to the postmortem.
    """

    kind: ClassVar[ConnectorKind] = "tracker"
    Settings: ClassVar[type[JiraSettings]] = JiraSettings
    type: ClassVar[str] = TYPE
    handle: ClassVar[PersonHandle] = HANDLE  # people.<name>.jira: an accountId or username

    system: str = "jira"
    create_batch_size: int = 50  # Jira's limit for one bulk create

    def __init__(self, settings: JiraSettings, context: TrackerContext) -> None:
        self.settings = settings
        self.labels: frozenset[str] = frozenset(settings.labels)
        self._connection = JiraConnection(settings, context)
        self._users = UserDirectory(self._connection)
        self._zone: tzinfo | None = _UNSET
        self._log: Any = get_logger(team=context.team, connector="jira")

    # --- markers and settings ------------------------------------------------------------------

    def marker(self, item_id: str) -> str:
        return marker_label(item_id)

    def item_id_of_marker(self, marker: str) -> str | None:
        return item_id_of_label(marker)

    @property
    def priority_map(self) -> Mapping[str, str]:
        return {str(name): jira_name for name, jira_name in self.settings.priorities.items()}

    def issue_url(self, key: str) -> str:
        return f"{self.settings.url}/browse/{key}"

    def reference(self, system: str, key: str, url: str | None) -> IssueReference:
        """Only an issue of the team's project on this site is the team's
        (``ScopesReferences``)."""
        project = self.settings.project
        if system != "jira":
            where = f"{key} is a {system} issue, and this team's issues are in Jira ({project})"
            return IssueReference(key, None, url, where)
        key = key.strip().upper()
        site = urlsplit(self.settings.url).netloc.casefold()
        host = urlsplit(url).netloc.casefold() if url else site
        if host != site:
            where = f"{key} is on another Jira site ({host}), not {site}"
            return IssueReference(key, None, url, where)
        issue_project = key.split("-", 1)[0]
        if issue_project != project:
            where = f"{key} is in project {issue_project}, not {project}"
            return IssueReference(key, None, url or self.issue_url(key), where)
        return IssueReference(key, key, url or self.issue_url(key))

    # --- reads ---------------------------------------------------------------------------------

    def assignee(self, person: Person) -> AssigneeLookup:
        return self._users.lookup(person)

    def changed_since(self, since: datetime | None) -> ChangedIssues:
        zone = self._user_zone() if since is not None else None
        query = jql.changed_query(self.settings.project, sorted(self.labels), since, zone)
        answered_before = len(self._connection.server_times)
        issues: Iterable[dict[str, Any]] = self._in_project(
            lambda: list(search(self._connection, query, SNAPSHOT_FIELDS, SNAPSHOT_PROPERTIES))
        )
        if not self.labels:
            # Selected by project alone: only issues syncd marked are the team's.
            issues = (i for i in issues if _has_marker(i))
        snapshots = self._snapshots(issues)
        newest = max((s.updated for s in snapshots.values()), default=None)
        times = self._connection.server_times
        # The first page's Date: when the read began, on Jira's clock.
        read_at = times[answered_before] if len(times) > answered_before else None
        return ChangedIssues(snapshots=snapshots, newest_updated=newest, read_at=read_at)

    def find_markers(
        self, item_ids: Collection[str], *, created_this_cycle: bool = False
    ) -> Mapping[str, Sequence[IssueSnapshot]]:
        # The marker labels name the issues exactly: one search per chunk of labels, however
        # the issues were created.
        wanted = {marker_label(i): i for i in sorted(set(item_ids))}
        found: dict[str, list[IssueSnapshot]] = {i: [] for i in wanted.values()}
        read: dict[str, dict[str, Any]] = {}
        for chunk in jql.chunks(wanted):
            query = jql.labels_query(chunk)
            for issue in search(self._connection, query, SNAPSHOT_FIELDS, SNAPSHOT_PROPERTIES):
                read[str(issue["key"])] = issue
        snapshots = self._snapshots(read.values())
        for key, issue in read.items():
            for label in (issue.get("fields") or {}).get("labels") or []:
                item_id = wanted.get(str(label))
                if item_id is not None:
                    found[item_id].append(snapshots[key])
        return found

    def get(self, keys: Collection[str]) -> Mapping[str, IssueSnapshot]:
        issues: list[dict[str, Any]] = []
        for chunk in jql.chunks(sorted({k.strip().upper() for k in keys})):
            issues += self._issues_with_keys(chunk)
        return self._snapshots(issues)

    def _issues_with_keys(self, keys: list[str]) -> list[dict[str, Any]]:
        try:
            query = jql.keys_query(keys)
            return list(search(self._connection, query, SNAPSHOT_FIELDS, SNAPSHOT_PROPERTIES))
        except (AuthError, MalformedAnswerError):
            raise  # asking for each key alone would only ask a login page more times
        except PermanentError:
            # Jira refuses the whole query when one key does not exist (a typo in a document,
            # a deleted issue): ask for each issue alone, so the others are still found.
            self._log.info("jira.keys_search_refused", keys=len(keys))
        found = []
        for key in keys:
            try:
                params = {
                    "fields": ",".join(SNAPSHOT_FIELDS),
                    "properties": ",".join(SNAPSHOT_PROPERTIES),
                }
                path = f"issue/{quote(key, safe='')}"
                expect = answers.issue(SNAPSHOT_FIELDS)
                found.append(self._connection.get(path, params, expect=expect))
            except AuthError:
                raise
            except PermanentError as exc:
                if exc.status != 404:
                    raise
        return found

    def _snapshots(self, issues: Iterable[dict[str, Any]]) -> dict[str, IssueSnapshot]:
        """Snapshots by key; comments are fetched only for won't-do closures, in bulk."""
        read = {str(i["key"]): i for i in issues}
        wont_do = [key for key, issue in read.items() if _closed_as_wont_do(issue)]
        explained = self._keys_with_comments(wont_do)
        reader = self._reader
        return {
            key: reader.snapshot(issue, closure_explained=key in explained)
            for key, issue in read.items()
        }

    def _keys_with_comments(self, keys: Sequence[str]) -> set[str]:
        explained: set[str] = set()
        for chunk in jql.chunks(keys):
            for issue in search(self._connection, jql.keys_query(chunk), ("comment",)):
                comments = (issue.get("fields") or {}).get("comment") or {}
                if comments.get("total") or comments.get("comments"):
                    explained.add(str(issue["key"]))
        return explained

    def own_account(self) -> str:
        """The account syncd writes as (``KnowsOwnAccount``): Cloud's accountId, Data Center's
        name; a webhook event's ``user`` is compared with it."""
        me = self._connection.get("myself", expect=answers.user)
        return str(me.get("accountId") or me.get("name") or me.get("key"))

    def check(self) -> str:
        """Credentials, the project and its issue type, as ``syncd check --online`` reports."""
        me = self._connection.get("myself", expect=answers.user)
        who = me.get("displayName") or me.get("name") or me.get("accountId") or "?"
        project = self._project()
        return (
            f"{self._connection.deployment.name}: authenticated as {who}; project "
            f"{project.get('key', self.settings.project)} ({project.get('name', '?')}) visible"
        )

    def _project(self) -> dict[str, Any]:
        """The team's project; ``NotFoundError`` in words when Jira says there is none."""
        try:
            path = f"project/{quote(self.settings.project)}"
            return dict(self._connection.get(path, expect=answers.project))
        except NotFoundError:
            raise
        except PermanentError as exc:
            if exc.status != 404:
                raise
            raise NotFoundError(
                f"Jira has no project {self.settings.project} at {self.settings.url}, or "
                "syncd's account cannot see it (Jira answers so for a project the account may "
                "not browse): check tracker.project, and that the account has the Browse "
                "Projects permission in it",
                service="jira",
                method=exc.method,
                url=exc.url,
                status=exc.status,
            ) from None

    def _in_project(self, read: Callable[[], T]) -> T:
        """A read of the team's project. Jira refuses JQL naming a project that does not
        exist (or that the account may not browse) with a 400 about the query; ask for the
        project to tell that from a query Jira does not accept."""
        try:
            return read()
        except AuthError:
            raise
        except PermanentError as exc:
            if exc.status != 400:
                raise
            self._project()  # raises NotFoundError when the project is the problem
            raise

    def _on_issue(self, key: str, write: Callable[[], T]) -> T:
        """A write to one issue; a 404 says, in words, that the issue is not there."""
        try:
            return write()
        except PermanentError as exc:
            if exc.status not in (404, 410) or isinstance(exc, NotFoundError):
                raise
            raise NotFoundError(
                f"Jira has no issue {key}, or syncd's account cannot see it",
                service="jira",
                method=exc.method,
                url=exc.url,
                status=exc.status,
            ) from None

    def _user_zone(self) -> tzinfo | None:
        """The time zone Jira reads JQL dates in: the searching user's (one request, once)."""
        if self._zone is _UNSET:
            name = self._connection.get("myself", expect=answers.user).get("timeZone")
            try:
                self._zone = ZoneInfo(str(name)) if name else None
            except (ZoneInfoNotFoundError, ValueError):
                self._zone = None
            if self._zone is None:
                self._log.warning("jira.time_zone_unknown", time_zone=name)
        return self._zone

    # --- writes --------------------------------------------------------------------------------

    def create(self, issues: Sequence[CreateIssue]) -> Sequence[CreateResult]:
        if len(issues) > self.create_batch_size:
            raise ValueError(f"at most {self.create_batch_size} issues per batch")
        if not issues:
            return []
        writer = self._writer
        body = {
            "issueUpdates": [{"fields": writer.create_fields(i.marker, i.fields)} for i in issues]
        }
        # Straight to the endpoint, not the client's create_issues: its answer is checked
        # (a login page or an answer without the keys is an unknown outcome, never a KeyError).
        answer = self._connection.post_bulk(
            "issue/bulk", body, expect=answers.bulk_created(len(issues))
        )
        refusals = {int(e["failedElementNumber"]): e for e in answer["errors"]}
        created = iter(answer["issues"])
        results = []
        for position, issue in enumerate(issues):
            refusal = refusals.get(position)
            if refusal is None:
                key = str(next(created)["key"])
                results.append(CreateResult(issue.item_id, key, self.issue_url(key)))
                continue
            error = (refusal.get("elementErrors") or {}).get("errors")
            refused = frozenset(error) if isinstance(error, dict) else frozenset()
            results.append(
                CreateResult(
                    issue.item_id,
                    None,
                    error=_element_error(error),
                    refused_fields=frozenset(_MIRROR_FIELD.get(f, f) for f in refused),
                )
            )
        return results

    def update(self, key: str, changes: FieldChanges) -> None:
        body = self._writer.edit_body(changes)
        if body:
            self._on_issue(key, lambda: self._connection.put(f"issue/{quote(key, safe='')}", body))

    def adopt(self, key: str, *, add_labels: Collection[str], marker: str | None) -> None:
        labels = set(add_labels) | ({marker} if marker else set())
        body = IssueWriter.add_labels_body(labels)
        if body:
            self._on_issue(key, lambda: self._connection.put(f"issue/{quote(key, safe='')}", body))

    def record_origin(self, key: str, origin: IssueOrigin) -> None:
        """The issue property ``syncd.origin``: one ``PUT`` (the client's bulk create cannot
        send properties with the fields), which changes no field a person sees."""
        body = origin_body(origin)
        self._on_issue(key, lambda: self._connection.put(f"issue/{quote(key, safe='')}", body))

    def link_postmortem(self, key: str, *, item_id: str, url: str, title: str) -> None:
        if not self.settings.remote_links:
            return  # turned off: the description's link to the postmortem is enough
        # Straight to the endpoint: the client's add_remote_link asks for application links
        # first. The globalId makes it an upsert: a second call updates the same link.
        body = {
            "globalId": f"syncd:{item_id}",
            "relationship": "postmortem",
            "object": {"url": url, "title": title[:_TITLE_LIMIT] or url[:_TITLE_LIMIT]},
        }
        self._connection.post(f"issue/{quote(key, safe='')}/remotelink", body)

    def quote(self, text: str) -> str:
        """Document text in syncd's own text of an issue (``QuotesText``): escaped in Data
        Center's wiki markup; as it is in Cloud's document format, where text is never markup."""
        return text if self._connection.deployment.is_cloud else quoted_wiki(text)

    def close_issue(self, key: str) -> None:
        """Into the Done category (``ClosesIssues``): the first transition the issue offers
        that leads there; an issue already done is left as it is. Two requests."""
        path = f"issue/{quote(key, safe='')}/transitions"
        offered = self._on_issue(key, lambda: self._connection.get(path))
        transitions = offered.get("transitions") if isinstance(offered, dict) else None
        listed = transitions if isinstance(transitions, list) else []
        done = [t for t in listed if _leads_to_done(t)]
        if done:
            body = {"transition": {"id": str(done[0]["id"])}}
            self._on_issue(key, lambda: self._connection.post(path, body))
            return
        raise PermanentError(
            f"{key} offers no transition into a Done status to syncd's account",
            service="jira",
            method="GET",
            url=self._connection.url(path),
        )

    def post_nudge(self, key: str, *, mention: str | None, text: str) -> None:
        body = nudge_comment_body(self._connection.deployment, mention, text)
        self._connection.post(f"issue/{quote(key, safe='')}/comment", {"body": body})

    def comments_since(self, key: str, since: datetime) -> list[tuple[datetime, str]]:
        # The newest comments: Cloud sorts by -created; a server that ignores orderBy gives
        # the oldest first, so a long thread is read again from its last page.
        path = f"issue/{quote(key, safe='')}/comment"
        params = {"maxResults": COMMENT_PAGE, "orderBy": "-created"}
        page = self._connection.get(path, params)
        total = int(page.get("total") or 0)
        comments = list(page.get("comments") or [])
        if total > len(comments) and not _newest_first(comments):
            page = self._connection.get(path, {**params, "startAt": total - COMMENT_PAGE})
            comments = list(page.get("comments") or [])
        return [
            (when, adf_to_text(comment.get("body")))
            for comment in comments
            if (when := _jira_time(comment.get("created"))) is not None and when >= since
        ]

    def close(self) -> None:
        self._connection.close()

    # --- helpers -------------------------------------------------------------------------------

    @property
    def _reader(self) -> IssueReader:
        return IssueReader(self._connection.deployment, self.settings.url, self.labels)

    @property
    def _writer(self) -> IssueWriter:
        return IssueWriter(
            self._connection.deployment,
            self.settings.project,
            self.settings.issue_type,
            self.labels,
        )


def _leads_to_done(transition: object) -> bool:
    if not isinstance(transition, dict) or transition.get("id") is None:
        return False
    to = transition.get("to")
    category = to.get("statusCategory") if isinstance(to, dict) else None
    return isinstance(category, dict) and category.get("key") == "done"


def _has_marker(issue: Mapping[str, Any]) -> bool:
    labels = (issue.get("fields") or {}).get("labels") or []
    return any(item_id_of_label(str(label)) is not None for label in labels)


def _closed_as_wont_do(issue: Mapping[str, Any]) -> bool:
    fields = issue.get("fields") or {}
    category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key")
    resolution = (fields.get("resolution") or {}).get("name")
    return category == "done" and is_won_t_do(resolution)


def _element_error(errors: Any) -> str:
    """Jira's reason for refusing one element of a bulk create."""
    if isinstance(errors, Mapping) and errors:
        return "; ".join(f"{name}: {message}" for name, message in errors.items())
    return "Jira refused to create this issue"


COMMENT_PAGE = 100  # comments read back per issue to find syncd's earlier nudges


def _jira_time(value: object) -> datetime | None:
    """Jira's "2026-12-03T19:00:00.000+0000"; None when it is not that."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return None


def _newest_first(comments: list[dict[str, object]]) -> bool:
    times = [_jira_time(c.get("created")) for c in comments]
    known = [t for t in times if t is not None]
    return len(known) < 2 or known[0] >= known[-1]
