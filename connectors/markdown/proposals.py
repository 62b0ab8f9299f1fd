"""Pull requests (GitHub) and merge requests (GitLab) for write-back's branch: find the open
one, or open it. Never a second: the open one from the branch is looked for first, and a create
the host refuses because one already exists (two processes at once; an answer lost after the
create) is answered by looking again.

Through the one HTTP policy (timeouts, retries honouring Retry-After, redaction). A write whose
answer was lost is not retried by the policy; the next cycle finds what it made.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from connectors.markdown.hosting import Hosting
from syncd.connector.http import (
    HttpPolicy,
    PermanentError,
    PolicyEngine,
    PolicyTransport,
    ShapeCheck,
    parse_json,
    raise_for_policy,
)

# GitHub asks for a pause between content-creating requests; one proposal a cycle stays far off.
DEFAULT_POLICY = HttpPolicy(min_write_interval=1.0)


class Proposals(Protocol):
    def find_open(self, head: str, base: str) -> str | None:
        """The web URL of the open proposal from ``head`` into ``base``, if there is one."""
        ...

    def open(self, head: str, base: str, title: str, body: str) -> str:
        """Open it; its web URL. One that exists already is found and returned instead."""
        ...

    def close_open(self, head: str, base: str, comment: str) -> str | None:
        """Close the open proposal from ``head`` into ``base`` with ``comment`` first (why);
        its web URL, or None when none is open. Nothing is deleted: not the branch either."""
        ...

    def close(self) -> None: ...


class _HostingClient(ABC):
    service = "hosting"
    url_field = "html_url"

    def __init__(
        self,
        hosting: Hosting,
        token: str,
        *,
        policy: HttpPolicy | None = None,
        inner: httpx.BaseTransport | None = None,
    ) -> None:
        self._hosting = hosting
        self._token = token
        engine = PolicyEngine(policy or DEFAULT_POLICY, service=self.service)
        self._http = httpx.Client(
            base_url=hosting.api_url,
            transport=PolicyTransport(engine, inner=inner),
            headers=self._headers(token),
            follow_redirects=False,
        )

    @abstractmethod
    def _headers(self, token: str) -> dict[str, str]:
        raise NotImplementedError

    def close(self) -> None:
        self._http.close()

    def _send(
        self,
        method: str,
        path: str,
        check: ShapeCheck,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        response = self._http.request(method, path, params=params, json=body)
        raise_for_policy(response, self.service)
        return parse_json(
            tracker=self.service,
            service=self.service,
            method=method,
            url=str(response.request.url),
            status=response.status_code,
            headers=response.headers,
            body=response.content,
            check=check,
            secrets=(self._token,),
            hint="check write_back.api_url: it should be the hosting's API",
        )

    def _web_url(self, proposal: Mapping[str, Any]) -> str:
        return str(proposal[self.url_field])

    def find_open(self, head: str, base: str) -> str | None:
        found = self._open(head, base)
        return self._web_url(found[0]) if found else None

    def close_open(self, head: str, base: str, comment: str) -> str | None:
        found = self._open(head, base)
        if not found:
            return None
        self._comment_and_close(found[0], comment)
        return self._web_url(found[0])

    @abstractmethod
    def _open(self, head: str, base: str) -> Any:
        """The open proposals from ``head`` into ``base``, as the host lists them."""
        raise NotImplementedError

    @abstractmethod
    def _comment_and_close(self, proposal: Mapping[str, Any], comment: str) -> None:
        raise NotImplementedError


class GitHubPulls(_HostingClient):
    """``GET``/``POST /repos/{owner}/{repo}/pulls``."""

    service = "github"

    def _headers(self, token: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    @property
    def _path(self) -> str:
        return f"/repos/{quote(self._hosting.repository, safe='/')}/pulls"

    def _open(self, head: str, base: str) -> Any:
        owner = self._hosting.repository.split("/", 1)[0]
        params = {"state": "open", "head": f"{owner}:{head}", "base": base, "per_page": "10"}
        return self._send("GET", self._path, _list_of_urls(self.url_field, "number"), params=params)

    def _comment_and_close(self, proposal: Mapping[str, Any], comment: str) -> None:
        # A pull request is an issue too: its comments and its state go through the issue.
        issue = f"/repos/{quote(self._hosting.repository, safe='/')}/issues/{proposal['number']}"
        self._send("POST", f"{issue}/comments", _object_with("id", int), body={"body": comment})
        self._send("PATCH", issue, _object_with("state"), body={"state": "closed"})

    def open(self, head: str, base: str, title: str, body: str) -> str:
        payload = {"title": title, "head": head, "base": base, "body": body}
        try:
            made = self._send("POST", self._path, _object_with(self.url_field), body=payload)
        except PermanentError as exc:
            # 422 "A pull request already exists for owner:branch": another process made it.
            existing = self.find_open(head, base) if exc.status == 422 else None
            if existing is None:
                raise
            return existing
        return self._web_url(made)


class GitLabMergeRequests(_HostingClient):
    """``GET``/``POST /projects/:id/merge_requests``; ``:id`` the project's URL-encoded path."""

    service = "gitlab"
    url_field = "web_url"

    def _headers(self, token: str) -> dict[str, str]:
        return {"PRIVATE-TOKEN": token, "Accept": "application/json"}

    @property
    def _path(self) -> str:
        return f"/projects/{quote(self._hosting.repository, safe='')}/merge_requests"

    def _open(self, head: str, base: str) -> Any:
        params = {"state": "opened", "source_branch": head, "target_branch": base}
        return self._send("GET", self._path, _list_of_urls(self.url_field, "iid"), params=params)

    def _comment_and_close(self, proposal: Mapping[str, Any], comment: str) -> None:
        request = f"{self._path}/{proposal['iid']}"
        self._send("POST", f"{request}/notes", _object_with("id", int), body={"body": comment})
        self._send("PUT", request, _object_with("state"), body={"state_event": "close"})

    def open(self, head: str, base: str, title: str, body: str) -> str:
        payload = {
            "source_branch": head,
            "target_branch": base,
            "title": title,
            "description": body,
        }
        try:
            made = self._send("POST", self._path, _object_with(self.url_field), body=payload)
        except PermanentError as exc:
            # 409 "Another open merge request already exists for this source branch".
            existing = self.find_open(head, base) if exc.status == 409 else None
            if existing is None:
                raise
            return existing
        return self._web_url(made)


def proposals_for(hosting: Hosting, token: str, **options: Any) -> Proposals:
    if hosting.provider == "github":
        return GitHubPulls(hosting, token, **options)
    return GitLabMergeRequests(hosting, token, **options)


def _list_of_urls(field: str, number: str) -> ShapeCheck:
    def check(data: Any) -> str | None:
        if not isinstance(data, list) or not all(
            isinstance(entry, dict)
            and isinstance(entry.get(field), str)
            and isinstance(entry.get(number), int)
            for entry in data
        ):
            return f"a list of objects with a string '{field}' and a number '{number}'"
        return None

    return check


def _object_with(field: str, kind: type = str) -> ShapeCheck:
    def check(data: Any) -> str | None:
        if not isinstance(data, dict) or not isinstance(data.get(field), kind):
            return f"an object with a {kind.__name__} '{field}'"
        return None

    return check
