"""Lists read page by page, following GitHub's ``Link: <…>; rel="next"`` header."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from connectors.github import answers
from connectors.github.connection import Answer, GitHubConnection
from syncd.connector.http import ShapeCheck

_NEXT = re.compile(r'<(?P<url>[^>]+)>\s*;\s*rel="?next"?')


def next_url(headers: Mapping[str, str]) -> str | None:
    match = _NEXT.search(headers.get("link", ""))
    return match["url"] if match else None


def pages(
    connection: GitHubConnection,
    path: str,
    params: Mapping[str, Any],
    *,
    first: Answer | None = None,
    expect: ShapeCheck | None = None,
) -> Iterator[list[Any]]:
    """Every page of the list at ``path``, from ``first`` when it was already read.

    Each page must be a list (of elements ``expect`` accepts): anything else is an error, never
    an empty page, since an empty listing would have an issue's marker taken for missing."""
    check = answers.list_of(expect)
    answer = first or connection.get(path, params, expect=check)
    while True:
        yield list(answer.data)
        url = next_url(answer.headers)
        if url is None or not answer.data:
            return
        answer = connection.get(url, expect=check)  # the URL carries the query
