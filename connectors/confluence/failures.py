"""Why a listing or a page could not be read, in words a person can act on (no secret: the
policy's errors carry redacted URLs only)."""

from __future__ import annotations

from connectors.confluence.settings import ConfluenceSettings
from syncd.connector.http import AuthError, HttpError, NotFoundError, RateLimitedError

KEPT = "its items are kept as they were"


def listing_failure(exc: HttpError, settings: ConfluenceSettings) -> str:
    cloud = settings.resolved_deployment == "cloud"
    if isinstance(exc, AuthError) and exc.status == 401:
        credentials = (
            "auth.email and auth.token (an API token of that Atlassian account)"
            if cloud
            else "auth.token (a personal access token that has not expired or been revoked)"
        )
        return f"Confluence refused the credentials (HTTP 401): check {credentials}"
    if isinstance(exc, AuthError):
        return (
            f"Confluence refused to list the pages (HTTP {exc.status}): the account needs "
            "the View permission on the space (and on the parent page, when one is set)"
        )
    if isinstance(exc, NotFoundError) or exc.status == 404:
        site = (
            "https://<site>.atlassian.net/wiki" if cloud else "the base URL with its context path"
        )
        return (
            f"Confluence answered 404 to {exc.method} {exc.url}: check url ({site}), "
            "deployment and space"
        )
    return str(exc)


def page_failure(status: str | None, exc: HttpError | None = None) -> str:
    """Why one listed page was skipped: its status (in the trash), or the error reading it."""
    if exc is None:
        if status == "trashed":
            return (
                "the page is in the trash; it is skipped and " + KEPT + " until it is "
                "restored, or purged (then they are orphaned)"
            )
        return f"the page's status is {status!r}, which syncd does not read; " + KEPT
    if isinstance(exc, NotFoundError) or exc.status in (404, 410):
        return (
            "the page was deleted, or hidden by a restriction, since it was listed (HTTP "
            f"{exc.status}); " + KEPT
        )
    if isinstance(exc, AuthError):
        return (
            f"the account may not read this page (HTTP {exc.status}: a page restriction?); " + KEPT
        )
    if isinstance(exc, RateLimitedError):
        return (
            f"Confluence asked syncd to wait {exc.retry_after:g} s before reading it; it is "
            "read next cycle and " + KEPT
        )
    return f"it could not be read ({exc.reason}); it is read next cycle and " + KEPT
