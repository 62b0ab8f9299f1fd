"""Issue search, one request per page, with an explicit field list.

Cloud: ``POST /rest/api/3/search/jql``, paged by ``nextPageToken`` (absent on the last page);
the old ``/search`` is gone there. Data Center: ``POST /rest/api/2/search``, paged by
``startAt`` against ``total``. Both are POSTs so that long JQL never meets a URL length limit;
the HTTP policy knows they only read, and retries them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from connectors.jira.connection import JiraConnection

CLOUD_PAGE_SIZE = 100  # Cloud's cap for a search that returns fields
DATACENTER_PAGE_SIZE = 500  # within Data Center's default cap (1000); the server may answer less


def search(connection: JiraConnection, jql: str, fields: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Every issue matching ``jql``, as Jira's JSON, in the query's order."""
    if connection.deployment.is_cloud:
        yield from _search_by_token(connection, jql, fields)
    else:
        yield from _search_by_offset(connection, jql, fields)


def _search_by_token(
    connection: JiraConnection, jql: str, fields: Sequence[str]
) -> Iterator[dict[str, Any]]:
    token: str | None = None
    while True:
        body: dict[str, Any] = {"jql": jql, "fields": list(fields), "maxResults": CLOUD_PAGE_SIZE}
        if token:
            body["nextPageToken"] = token
        page = connection.post("search/jql", body) or {}
        issues = page.get("issues") or []
        yield from issues
        token = page.get("nextPageToken")
        # No token: the last page. A token with an empty page would loop forever: stop.
        if not token or not issues:
            return


def _search_by_offset(
    connection: JiraConnection, jql: str, fields: Sequence[str]
) -> Iterator[dict[str, Any]]:
    start = 0
    while True:
        body = {
            "jql": jql,
            "fields": list(fields),
            "startAt": start,
            "maxResults": DATACENTER_PAGE_SIZE,
        }
        page = connection.post("search", body) or {}
        issues = page.get("issues") or []
        yield from issues
        start += len(issues)
        if not issues or start >= int(page.get("total") or 0):
            return
