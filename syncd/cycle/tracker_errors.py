"""Tracker failures in words a person can act on.

The HTTP policy classifies a failure (``syncd.http.errors``); a connector that knows the context
says what was not found and why it may be (``NotFoundError``, ``WrongServiceError``). This
module turns either into one line for ``syncd sync`` and ``syncd check --online``, so that
"could not be reached" is said only when the network failed (DNS, refused or reset
connections, timeouts, TLS), never for an answer the server gave; and an item whose reference
names an issue that cannot be adopted into a problem naming the item and the reference.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from syncd.http import (
    AmbiguousWriteError,
    AuthError,
    HttpError,
    MalformedAnswerError,
    NotFoundError,
    RateLimitedError,
    TransientError,
    WrongServiceError,
)
from syncd.mirror.operations import AdoptIssue
from syncd.model import ActionItem
from syncd.tracker import TrackerProblem

# The innermost exception behind a failed connection, as the HTTP policy names it.
_CAUSES = {
    "ConnectionRefusedError": "{host} refused the connection (is anything listening there?)",
    "gaierror": "the host name of {host} did not resolve",
    "NameResolutionError": "the host name of {host} did not resolve",
    "ConnectionResetError": "{host} reset the connection",
    "SSLCertVerificationError": "{host}'s TLS certificate was not accepted",
}
_KINDS = {
    "connect_failed": "no connection could be made to {host}",
    "connect_timeout": "{host} did not accept a connection in time",
    "tls": "the TLS handshake with {host} failed",
    "read_timeout": "{host} did not answer in time",
    "dropped": "{host} closed the connection before a full answer",
}


def describe(error: HttpError) -> str:
    """What happened, then where (method, URL without its query, attempts)."""
    if error.failure is not None:
        return f"{network_words(error)} ({_where(error)})"
    if isinstance(error, NotFoundError | WrongServiceError):
        # The reason is words; the status goes with the request it answered.
        return f"{error.reason} ({_where(error, status=True)})"
    if error.status == 405:
        return (
            f"{_host(error)} does not allow {error.method} {urlsplit(error.url).path} "
            "(HTTP 405 Method Not Allowed): the server, or a proxy in front of it, refuses "
            "this method on this endpoint"
        )
    return f"{error.reason} ({_where(error)})"


def tracker_failure(error: HttpError) -> str:
    """Why the tracker could not be used, as ``sync`` and ``check --online`` report it."""
    text = describe(error)
    if error.failure is not None:
        return f"the tracker could not be reached: {text}"
    if isinstance(error, AuthError):
        return f"the tracker refused syncd's credentials or permissions: {text}"
    if isinstance(error, NotFoundError | WrongServiceError) or error.status == 405:
        return text
    if isinstance(error, RateLimitedError):
        return (
            f"the tracker asked syncd to wait {error.retry_after:.0f}s: {text}; "
            "syncd tries again on a later cycle"
        )
    if isinstance(error, TransientError):
        return f"the tracker kept failing: {text}; syncd tries again on the next cycle"
    if isinstance(error, AmbiguousWriteError):
        return (
            f"the tracker failed during a write: {text}; syncd looks for what was written "
            "before writing again"
        )
    return f"the tracker refused a request: {text}"


def reference_problem(
    adopt: AdoptIssue, item: ActionItem | None, error: HttpError
) -> TrackerProblem:
    """An item whose reference (``#45``, ``PAY-123``) names an issue syncd cannot adopt."""
    named = _item_words(item, adopt.item_id)
    # As the document wrote it ("#45"), the words a person will look for in it.
    key = item.tracker_ref.key if item is not None and item.tracker_ref is not None else adopt.key
    if isinstance(error, NotFoundError):
        message = (
            f"{named} names {key}, but {error.reason}: correct the reference in the "
            "document, or remove it to have syncd create an issue"
        )
    elif error.failure is None and not isinstance(
        error, TransientError | AmbiguousWriteError | MalformedAnswerError
    ):
        # Without a status, the connector refused before asking (another repository's issue).
        why = describe(error) if error.status is not None else error.reason
        message = f"{named} names {key}, which syncd cannot adopt: {why}"
    else:
        message = f"{named} names {key}; adopting it failed, tried again next cycle: "
        message += describe(error)
    details: dict[str, Any] = {"reference": key}
    if error.status is not None or error.failure is not None:
        details["request"] = f"{error.method} {error.url}"
    if error.status is not None:
        details["status"] = error.status
    if item is not None:
        details.update(title=item.title, document=item.postmortem.document, line=item.line)
    return TrackerProblem(adopt.item_id, key, message, details)


def _item_words(item: ActionItem | None, item_id: str) -> str:
    """How a problem names an item: its title and where it is written."""
    if item is None:
        return f"item {item_id}"
    where = item.postmortem.document + (f" line {item.line}" if item.line else "")
    return f"the item {item.title!r} ({where})"


def network_words(error: HttpError) -> str:
    """Why no answer came: the cause when it is known, else the kind of failure."""
    host = _host(error)
    template = _CAUSES.get(error.cause or "") or _KINDS.get(error.failure or "", "{host} failed")
    return template.format(host=host)


def _host(error: HttpError) -> str:
    return urlsplit(error.url).netloc or error.service


def _where(error: HttpError, *, status: bool = False) -> str:
    parts = urlsplit(error.url)
    url = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else error.url
    answered = f" answered HTTP {error.status}" if status and error.status is not None else ""
    tries = "" if error.attempts == 1 else f", {error.attempts} attempts"
    return f"{error.method} {url}{answered}{tries}"
