"""What syncd reads from each of GitHub's answers, checked before it is read.

Each check is a :data:`~syncd.http.ShapeCheck`: None when the answer holds what the connector
reads, else what is missing, in words. A login proxy's page, a gateway's broken JSON or a 201
without the new issue's number becomes one clear error
(:class:`~syncd.http.MalformedAnswerError`), never a ``KeyError``; and a listing that is not a
list is never read as "no issues", which would have a create sent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syncd.connector.http import ShapeCheck


def anything(data: Any) -> str | None:
    """Any JSON, or nothing (an answer syncd does not read)."""
    return None


def json_object(data: Any) -> str | None:
    return None if isinstance(data, Mapping) else "not a JSON object"


def issue(data: Any) -> str | None:
    """One issue: its number and when it was updated; labels and assignees as lists."""
    if not isinstance(data, Mapping):
        return "not a JSON object"
    if not _is_number(data.get("number")):
        return "no issue number"
    if not isinstance(data.get("updated_at"), str):
        return "no updated_at"
    for name in ("labels", "assignees"):
        if not isinstance(data.get(name), list | None):
            return f"{name} that are not a list"
    if not isinstance(data.get("body"), str | None):
        return "a body that is not text"
    return None


def numbered(data: Any) -> str | None:
    """An object with a number (a milestone)."""
    if not isinstance(data, Mapping) or not _is_number(data.get("number")):
        return "no number"
    return None


def list_of(element: ShapeCheck | None = None) -> ShapeCheck:
    """A page of a list, each element checked by ``element``."""

    def check(data: Any) -> str | None:
        if not isinstance(data, list):
            return "not a list"
        for value in data:
            problem = (element or json_object)(value)
            if problem is not None:
                return f"an element with {problem}"
        return None

    return check


def listed_issue(data: Any) -> str | None:
    """An element of an issue listing: a pull request or an issue, numbered either way."""
    if isinstance(data, Mapping) and data.get("pull_request") is not None:
        return numbered(data)
    return issue(data)


def meta(data: Any) -> str | None:
    """``GET /meta``: GitHub's (and Enterprise Server's) always says whether passwords work."""
    if not isinstance(data, Mapping):
        return "not a JSON object"
    if not isinstance(data.get("verifiable_password_authentication"), bool):
        return "no verifiable_password_authentication"
    return None


def account(data: Any) -> str | None:
    """``GET /user``: the token's own account, named by its login."""
    if not isinstance(data, Mapping):
        return "not a JSON object"
    if not isinstance(data.get("login"), str) or not data["login"]:
        return "no login"
    return None


def repository(data: Any) -> str | None:
    if not isinstance(data, Mapping):
        return "not a JSON object"
    if not isinstance(data.get("full_name"), str):
        return "no full_name"
    if not isinstance(data.get("permissions"), Mapping | None):
        return "permissions that are not an object"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
