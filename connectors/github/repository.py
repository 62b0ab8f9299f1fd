"""The team's repository: its web addresses, which issue keys are its, and its 404 in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from connectors.github import issues as gh
from connectors.github.connection import RefusedError
from syncd.connector.http import NotFoundError
from syncd.connector.tracker import IssueReference

T = TypeVar("T")


def web_url(api_url: str) -> str:
    """github.com's web address for ``https://api.github.com``; Enterprise Server's for
    ``https://ghe.example.com/api/v3``."""
    parts = urlsplit(api_url)
    host = parts.netloc
    path = parts.path.rstrip("/")
    if path.endswith("/api/v3"):
        return f"{parts.scheme}://{host}{path[: -len('/api/v3')]}"
    if host.startswith("api."):
        host = host[len("api.") :]
    return f"{parts.scheme}://{host}"


def issue_url(api_url: str, repo: str, key: str) -> str:
    key_repo, _, number = key.rpartition("#")
    return f"{web_url(api_url)}/{key_repo or repo}/issues/{number}"


def reference(api_url: str, repo: str, system: str, key: str, url: str | None) -> IssueReference:
    """Only an issue of the team's repository, on this server, is the team's
    (``ScopesReferences``); a pull request is refused when it is adopted."""
    if system != "github":
        where = f"{key} is a {system} issue, and this team's issues are in GitHub ({repo})"
        return IssueReference(key, None, url, where)
    hosts = {urlsplit(api_url).netloc, urlsplit(web_url(api_url)).netloc}
    host = urlsplit(url).netloc if url else None
    if host is not None and host.casefold() not in {h.casefold() for h in hosts}:
        where = f"{key} is on another GitHub server ({host})"
        return IssueReference(key, None, url, where)
    number = gh.issue_number(key, repo)
    if number is None:
        key_repo = key.rpartition("#")[0] or "another repository"
        where = f"{key} is in repository {key_repo}, not {repo}"
        return IssueReference(key, None, url or issue_url(api_url, repo, key), where)
    own = gh.issue_key(repo, number)
    return IssueReference(key, own, url or issue_url(api_url, repo, own))


def in_repository(api_url: str, repo: str, read: Callable[[], T]) -> T:
    """A read of the team's repository; a 404 names it, and why it may be."""
    try:
        return read()
    except RefusedError as exc:
        if exc.status != 404:
            raise
        raise NotFoundError(
            f"GitHub has no repository {repo} at {api_url}, or the "
            "token cannot see it (GitHub answers 404 for a private repository the token "
            "may not read): check tracker.repo, and the token's access to the repository",
            service="github",
            method=exc.method,
            url=exc.url,
            status=exc.status,
        ) from None
