"""Issue search, one request per page, with an explicit field list.

Cloud: ``POST /rest/api/3/search/jql``, paged by ``nextPageToken`` (absent on the last page);
the old ``/search`` is gone there. Data Center: ``POST /rest/api/2/search``, paged by
``startAt`` against ``total``. Both are POSTs so that long JQL never meets a URL length limit;
the HTTP policy knows they only read, and retries them.

Some servers, or proxies in front of them, refuse a POST to the search with 405 Method Not
Allowed. Jira serves the same search as a GET, with the same JQL, fields and paging in the
query string: after a 405 the connection asks that way, and goes on asking that way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from connectors.jira import answers
from connectors.jira.connection import JiraConnection
from syncd.connector.http import PermanentError, ShapeCheck

CLOUD_PAGE_SIZE = 100  # Cloud's cap for a search that returns fields
DATACENTER_PAGE_SIZE = 500  # within Data Center's default cap (1000); the server may answer less


def search(
    connection: JiraConnection,
    jql: str,
    fields: Sequence[str],
    properties: Sequence[str] = (),
) -> Iterator[dict[str, Any]]:
    """Every issue matching ``jql``, as Jira's JSON, in the query's order; ``properties`` are
    issue properties to return with each issue (under ``properties``)."""
    if connection.deployment.is_cloud:
        yield from _search_by_token(connection, jql, fields, properties)
    else:
        yield from _search_by_offset(connection, jql, fields, properties)


def _search_by_token(
    connection: JiraConnection, jql: str, fields: Sequence[str], properties: Sequence[str]
) -> Iterator[dict[str, Any]]:
    token: str | None = None
    while True:
        body: dict[str, Any] = {"jql": jql, "fields": list(fields), "maxResults": CLOUD_PAGE_SIZE}
        if properties:
            body["properties"] = list(properties)
        if token:
            body["nextPageToken"] = token
        page = _page(connection, "search/jql", body, answers.search_page(cloud=True, fields=fields))
        issues = page["issues"]
        yield from issues
        token = page.get("nextPageToken")
        # No token: the last page. A token with an empty page would loop forever: stop.
        if not token or not issues:
            return


def _search_by_offset(
    connection: JiraConnection, jql: str, fields: Sequence[str], properties: Sequence[str]
) -> Iterator[dict[str, Any]]:
    start = 0
    while True:
        body: dict[str, Any] = {
            "jql": jql,
            "fields": list(fields),
            "startAt": start,
            "maxResults": DATACENTER_PAGE_SIZE,
        }
        if properties:
            body["properties"] = list(properties)
        page = _page(connection, "search", body, answers.search_page(cloud=False, fields=fields))
        issues = page["issues"]
        yield from issues
        start += len(issues)
        if not issues or start >= page["total"]:
            return


def _page(
    connection: JiraConnection, path: str, body: dict[str, Any], expect: ShapeCheck
) -> dict[str, Any]:
    """One page: POSTed, or, once the server has refused that with 405, asked with a GET.

    ``expect`` vouches for the list of issues: an answer without one is an error, never an
    empty page (an empty search would let a create whose answer was lost be sent again)."""
    if not connection.search_by_get:
        try:
            return dict(connection.post(path, body, expect=expect))
        except PermanentError as exc:
            if exc.status != 405:
                raise
            connection.search_by_get = True
            connection.log.warning(
                "jira.search_post_refused", endpoint=f"POST {path}", fallback=f"GET {path}"
            )
    return dict(connection.get(path, search_params(body), expect=expect))


def search_params(body: dict[str, Any]) -> dict[str, str]:
    """A search's POST body as the GET's query parameters: lists comma-separated."""
    lists = ("fields", "properties")
    params = {name: str(value) for name, value in body.items() if name not in lists}
    for name in lists:
        if body.get(name):
            params[name] = ",".join(body[name])
    return params
