"""What the policy reports: every attempt (for metrics) and every wait (for progress)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from syncd.connector.jira_keys import JIRA_ISSUE_KEY
from syncd.http.redact import ELIDED, redact_url

# Any project: a path of the tracker's API names an issue whatever its project is called, and
# templating must group every issue's requests (the deny list is for prose, not for paths).
_ISSUE_KEY = re.compile(rf"^{JIRA_ISSUE_KEY}$")
_NUMBER = re.compile(r"^\d+$")
_OPAQUE_ID = re.compile(r"^(?=.*\d)[0-9a-fA-F-]{16,}$|^[0-9a-f]{6,}:[0-9a-f-]{20,}$")


@dataclass(frozen=True)
class RequestRecord:
    """One attempt. ``endpoint`` is a path template such as ``/rest/api/3/issue/{key}``."""

    service: str
    method: str
    endpoint: str
    status: int | None  # None when no answer came
    error: str | None  # the failure kind when no answer came, e.g. "dropped"
    elapsed: float  # seconds, including the time spent waiting for the pacer
    attempt: int
    retried: bool  # whether the policy will send this request again


class RequestObserver(Protocol):
    def __call__(self, record: RequestRecord) -> None: ...


@dataclass(frozen=True)
class WaitRecord:
    """A pause before the next request to ``service``, announced when it begins."""

    service: str
    seconds: float
    until: float  # wall-clock seconds since the epoch, on the policy's clock
    rate_limit: bool  # a rate limit (asked by the server, or a published limit), else a backoff
    reason: str  # "HTTP 429", "creation limit", "connect_failed (ConnectionError)"


class WaitObserver(Protocol):
    def __call__(self, wait: WaitRecord, /) -> None: ...


def endpoint_of(url: str) -> str:
    """A path template for grouping requests: ids, issue keys and account ids become placeholders;
    the query is dropped; webhook paths (which are secrets) are elided."""
    redacted = redact_url(url)
    if redacted.endswith("/" + ELIDED):
        return "/" + ELIDED
    path = urlsplit(redacted).path or "/"
    segments: list[str] = []
    for segment in path.split("/"):
        after_api = bool(segments) and segments[-1] == "api"  # /rest/api/3: a version, not an id
        if _ISSUE_KEY.match(segment):
            segments.append("{key}")
        elif (_NUMBER.match(segment) and not after_api) or _OPAQUE_ID.match(segment):
            segments.append("{id}")
        else:
            segments.append(segment)
    return "/".join(segments)
