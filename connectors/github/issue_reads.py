"""Reads of the team's issues: what changed since a cursor (behind an ETag), markers, issues
by key.

The team's issues are kept by number, as last listed, so that a marker look-up lists only what
changed since the previous listing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from connectors.github import answers
from connectors.github import issues as gh
from connectors.github.connection import PAGE_SIZE, GitHubConnection, RefusedError
from connectors.github.listing import pages
from connectors.github.repository import in_repository
from syncd.connector.tracker import ChangedIssues, IssueSnapshot

T = TypeVar("T")

# Issues updated this long before the cursor are read again: clocks and GitHub's own
# eventual consistency. Generous on purpose; the cost is a few issues read twice.
SAFETY_MARGIN = timedelta(minutes=5)


class IssueReads:
    def __init__(
        self,
        connection: GitHubConnection,
        api_url: str,
        repo: str,
        labels: frozenset[str],
        reader: gh.IssueReader,
        log: Any,
    ) -> None:
        self._connection = connection
        self._api_url = api_url
        self._repo = repo
        self.labels = labels
        self._reader = reader
        self._log = log
        self.etag: str | None = None
        # The team's issues by number, as last listed, for marker look-ups; and when (on
        # GitHub's clock) the listing that filled it began.
        self._index: dict[int, dict[str, Any]] | None = None
        self._index_read_at: datetime | None = None

    def in_repository(self, read: Callable[[], T]) -> T:
        return in_repository(self._api_url, self._repo, read)

    def changed_since(self, since: datetime | None) -> ChangedIssues:
        params = self._list_params(None if since is None else since - SAFETY_MARGIN)
        headers = {"If-None-Match": self.etag} if self.etag else None
        first = self.in_repository(
            lambda: self._connection.get(
                self._issues_path, params, headers, expect=answers.list_of(answers.listed_issue)
            )
        )
        if first.not_modified:
            # Nothing changed since the read the ETag stands for; it cost no rate limit. The
            # cursor stays where it is, so the next read asks the same question again.
            self._log.debug("github.not_modified")
            return ChangedIssues(snapshots={}, newest_updated=since, etag=self.etag)
        started = len(self._connection.server_times) - 1
        listed = self._team_issues(
            pages(
                self._connection,
                self._issues_path,
                params,
                first=first,
                expect=answers.listed_issue,
            )
        )
        if since is None:
            # A full read: every marked issue is in it, so marker look-ups start from here.
            self._index = {int(i["number"]): i for i in listed}
            self._index_read_at = self._server_time(started)
        snapshots = self._snapshots(listed)
        newest = max((s.updated for s in snapshots.values()), default=None)
        self.etag = first.headers.get("etag") or None
        # No ``read_at``: the cursor moves only with a change, so an unchanged repository is
        # asked the same question (same URL) and the ETag answers it with a free 304.
        return ChangedIssues(snapshots=snapshots, newest_updated=newest, etag=self.etag)

    def find_markers(
        self, item_ids: Collection[str], *, first_created: datetime | None = None
    ) -> Mapping[str, Sequence[IssueSnapshot]]:
        """The team's issues carrying a marker of ``item_ids``; with ``first_created`` (GitHub's
        time of this cycle's first create), only those updated since."""
        wanted = set(item_ids)
        found: dict[str, list[IssueSnapshot]] = {i: [] for i in sorted(wanted)}
        if not wanted:
            return found
        if first_created is not None:
            # A duplicate of an issue created since then was created (so updated) since then
            # too: one listing of what changed since, not of every issue ever listed.
            since = first_created - SAFETY_MARGIN
            listed = self.in_repository(
                lambda: self._team_issues(
                    pages(self._connection, self._issues_path, self._list_params(since))
                )
            )
            candidates: Iterable[dict[str, Any]] = listed
        else:
            candidates = self._refreshed_index().values()
        hits = [i for i in candidates if wanted & set(gh.markers_in(i.get("body")))]
        snapshots = self._snapshots(hits)
        for issue in hits:
            snapshot = snapshots[gh.issue_key(self._repo, int(issue["number"]))]
            for item_id in dict.fromkeys(gh.markers_in(issue.get("body"))):
                if item_id in wanted:
                    found[item_id].append(snapshot)
        return found

    def get(self, keys: Collection[str]) -> Mapping[str, IssueSnapshot]:
        read: dict[str, dict[str, Any]] = {}
        for key in sorted(set(keys)):
            number = gh.issue_number(key, self._repo)
            if number is None:
                self._log.warning("github.key_of_another_repository", key=key, repo=self._repo)
                continue
            issue = self.issue(number)
            if issue is not None and not gh.is_pull_request(issue):
                read[key] = issue
        snapshots = self._snapshots(read.values())
        out = {}
        for key, issue in read.items():
            snapshot = snapshots[gh.issue_key(self._repo, int(issue["number"]))]
            if not snapshot.markers:
                # A person's issue syncd adopted carries its marker in a comment, not in the
                # body: read alone, an issue is read whole, so no claim on it goes unseen.
                claimed = self.comment_markers(int(issue["number"]))
                if claimed:
                    snapshot = dataclasses.replace(
                        snapshot, item_id=claimed[0], markers=frozenset(claimed)
                    )
            out[key] = snapshot
        return out

    def comment_markers(self, number: int) -> list[str]:
        found: list[str] = []
        path = f"{self._issues_path}/{number}/comments"
        for page in pages(self._connection, path, {"per_page": PAGE_SIZE}):
            for comment in page:
                found += [m for m in gh.markers_in(comment.get("body")) if m not in found]
        return found

    def comments_since(self, number: int, since: str) -> list[tuple[str, str]]:
        """(created_at, body) of the issue's comments updated at or after ``since``."""
        path = f"{self._issues_path}/{number}/comments"
        found: list[tuple[str, str]] = []
        for page in pages(self._connection, path, {"per_page": PAGE_SIZE, "since": since}):
            found += [(str(c.get("created_at") or ""), str(c.get("body") or "")) for c in page]
        return found

    def issue(self, number: int) -> dict[str, Any] | None:
        try:
            path = f"{self._issues_path}/{number}"
            return dict(self._connection.get(path, expect=answers.listed_issue).data)
        except RefusedError as exc:
            if exc.status in (404, 410):  # no such issue, or deleted
                return None
            raise

    def _refreshed_index(self) -> dict[int, dict[str, Any]]:
        """The team's issues by number, brought up to date with one listing of what changed."""
        since = None if self._index_read_at is None else self._index_read_at - SAFETY_MARGIN
        index = {} if self._index is None or since is None else self._index
        params = self._list_params(since)
        started = len(self._connection.server_times)
        listed = self.in_repository(
            lambda: self._team_issues(
                pages(self._connection, self._issues_path, params, expect=answers.listed_issue)
            )
        )
        for issue in listed:
            index[int(issue["number"])] = issue
        self._index = index
        self._index_read_at = self._server_time(started)
        return index

    def _list_params(self, since: datetime | None) -> dict[str, Any]:
        # Newest first: any change puts an issue on the first page, so a 304 on the first page
        # means nothing changed at all.
        params: dict[str, Any] = {
            "state": "all",
            "sort": "updated",
            "direction": "desc",
            "per_page": PAGE_SIZE,
        }
        if self.labels:
            params["labels"] = ",".join(sorted(self.labels))  # issues carrying all of them
        if since is not None:
            params["since"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return params

    def _team_issues(self, listed: Iterable[list[Any]]) -> list[dict[str, Any]]:
        """Issues (not pull requests) of the team: with its labels, or, without labels
        configured, with a marker."""
        out = []
        for page in listed:
            for issue in page:
                if not isinstance(issue, dict) or gh.is_pull_request(issue):
                    continue
                if not self.labels and not gh.markers_in(issue.get("body")):
                    continue
                out.append(issue)
        return out

    def _snapshots(self, issues: Iterable[Mapping[str, Any]]) -> dict[str, IssueSnapshot]:
        """Snapshots by key; comments are read only for issues closed as not planned."""
        out = {}
        for issue in issues:
            explained = gh.needs_closure_comments(issue) and self._commented_after_closing(issue)
            snapshot = self._reader.snapshot(issue, closure_explained=explained)
            out[snapshot.key] = snapshot
        return out

    def _commented_after_closing(self, issue: Mapping[str, Any]) -> bool:
        closed_at = issue.get("closed_at")
        params: dict[str, Any] = {"per_page": PAGE_SIZE}
        if closed_at:
            params["since"] = str(closed_at)
        path = f"{self._issues_path}/{int(issue['number'])}/comments"
        closed = gh.parse_time(str(closed_at)) if closed_at else None
        for page in pages(self._connection, path, params, expect=answers.json_object):
            for comment in page:
                created = comment.get("created_at")
                if closed is None or (created and gh.parse_time(str(created)) >= closed):
                    return True
        return False

    def _server_time(self, index: int) -> datetime | None:
        times = self._connection.server_times
        return times[index] if 0 <= index < len(times) else None

    @property
    def _issues_path(self) -> str:
        return f"/repos/{self._repo}/issues"
