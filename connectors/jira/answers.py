"""What syncd reads from each of Jira's answers, checked before it is read.

Each check is a :data:`~syncd.http.ShapeCheck`: None when the answer holds what the connector
reads, else what is missing, in words. A login proxy's page, a gateway's broken JSON or an
answer without the fields syncd reads then becomes one clear error
(:class:`~syncd.http.MalformedAnswerError`), never a ``KeyError`` deep in a cycle, and never an
empty search taken for "no such issue", which would have a create sent again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from syncd.connector.http import ShapeCheck


def json_object(data: Any) -> str | None:
    """Any JSON object (``myself``, ``project``, ``serverInfo``, a remote link)."""
    return None if isinstance(data, Mapping) else "not a JSON object"


def anything(data: Any) -> str | None:
    """An answer syncd does not read (a remote link's): any JSON, or nothing."""
    return None


def edited(data: Any) -> str | None:
    """An edit (``PUT``): Jira answers 204 with nothing, or the issue when asked for it. Not
    ``{}`` or a proxy's "ok": taken for done, the change would be lost without a word (the
    next cycle would read the old value back as a person's)."""
    return None if data is None else _issue_problem(data, ())


def user(data: Any) -> str | None:
    """The account syncd acts as (``myself``): an account id (Cloud) or a name (Data Center)."""
    if not isinstance(data, Mapping):
        return "not a JSON object"
    if not any(_is_key(data.get(name)) for name in ("accountId", "name", "key")):
        return "no account id or name"
    return None


def server_info(data: Any) -> str | None:
    """``serverInfo``: what kind of site (Cloud's ``deploymentType``), or at least a version."""
    if not isinstance(data, Mapping):
        return "not a JSON object"
    if not any(_is_key(data.get(name)) for name in ("deploymentType", "version")):
        return "no deploymentType or version"
    return None


def project(data: Any) -> str | None:
    if not isinstance(data, Mapping):
        return "not a JSON object"
    return None if _is_key(data.get("key")) else "no project key"


def user_list(data: Any) -> str | None:
    return None if isinstance(data, list) else "no list of users"


def issue(fields: Collection[str] = ()) -> ShapeCheck:
    """One issue, with its key and the fields object (and ``updated``, when it was asked for)."""

    def check(data: Any) -> str | None:
        return _issue_problem(data, fields)

    return check


def search_page(*, cloud: bool, fields: Collection[str]) -> ShapeCheck:
    """A page of a search: the list of issues (and, on Data Center, the ``total``)."""

    def check(data: Any) -> str | None:
        if not isinstance(data, Mapping):
            return "not a JSON object"
        issues = data.get("issues")
        if not isinstance(issues, list):
            return "no list of issues"
        if not cloud and not _is_count(data.get("total")):
            return "no total"
        if cloud and not isinstance(data.get("nextPageToken"), str | None):
            return "a nextPageToken that is not text"
        for element in issues:
            problem = _issue_problem(element, fields)
            if problem is not None:
                return f"an issue with {problem}"
        return None

    return check


def bulk_created(count: int) -> ShapeCheck:
    """A bulk create of ``count`` issues: each created (with its key) or failed (by number)."""

    def check(data: Any) -> str | None:
        if not isinstance(data, Mapping):
            return "not a JSON object"
        created, failed = data.get("issues"), data.get("errors")
        if not isinstance(created, list):
            return "no list of created issues"
        if not isinstance(failed, list):
            return "no list of errors"
        for element in created:
            if not isinstance(element, Mapping) or not _is_key(element.get("key")):
                return "a created issue without its key"
        numbers = set()
        for error in failed:
            number = error.get("failedElementNumber") if isinstance(error, Mapping) else None
            if not isinstance(number, int) or not 0 <= number < count:
                return "an error without the number of the element it refused"
            numbers.add(number)
        if len(created) + len(numbers) != count:
            return f"{len(created)} created and {len(numbers)} refused of {count} sent"
        return None

    return check


def _issue_problem(data: Any, fields: Collection[str]) -> str | None:
    if not isinstance(data, Mapping):
        return "not a JSON object"
    if not _is_key(data.get("key")):
        return "no key"
    values = data.get("fields")
    if not isinstance(values, Mapping):
        return "no fields"
    if "updated" in fields and not isinstance(values.get("updated"), str):
        return "no updated time"
    if "labels" in fields and not isinstance(values.get("labels"), list | None):
        return "labels that are not a list"
    return None


def _is_key(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
