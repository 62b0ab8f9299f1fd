"""The connection to one GitHub (github.com or Enterprise Server): PyGithub behind syncd's policy.

Nothing is sent until first use. Every request goes through the one HTTP policy (timeouts,
retries honouring ``Retry-After`` and ``x-ratelimit-reset``, writes serial and at least one
second apart); PyGithub's own retry and throttling are off (``github_client_options``), so the
two never multiply or fight. Requests that create content also take a slot of the account's
account's budget (``syncd.http.budget``: 80 a minute, 500 an hour, writes one at a time and a
second apart from the end of the previous one, GitHub's published secondary limits), shared
through the state store by every process using the token: a wait longer than the policy sits
out in-line raises :class:`RateLimitedError` before anything is sent.

Requests go through PyGithub's requester (authentication, base URL and Enterprise prefix, JSON),
which answers status, headers and body, so that a ``304 Not Modified`` and the ``ETag`` and
``Link`` headers are seen as they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import github

from connectors.github.settings import GitHubSettings
from syncd.http import (
    AuthError,
    HttpError,
    HttpPolicy,
    PermanentError,
    PolicyEngine,
    RequestInfo,
    SystemClock,
    WrongServiceError,
    error_for_status,
)
from syncd.http.budget import (
    GITHUB_LIMITS,
    AccountBudget,
    AccountLimits,
    MemoryLedger,
    account_key,
    limits_for,
)
from syncd.http.github_setup import configure_github, github_client_options
from syncd.logs import get_logger
from syncd.tracker import TrackerContext

SERVICE = "github"
PAGE_SIZE = 100  # GitHub's largest page
_MESSAGE_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # lower-case names
    data: Any

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def github_messages(body: Any) -> str:
    """GitHub's error answer (``message`` and validation ``errors``) as one line."""
    if not isinstance(body, Mapping):
        return ""
    parts = [str(body["message"])] if body.get("message") else []
    for error in body.get("errors") or []:
        if isinstance(error, Mapping):
            text = error.get("message") or " ".join(
                str(error[k]) for k in ("field", "code") if error.get(k)
            )
            parts.append(str(text))
        else:
            parts.append(str(error))
    return "; ".join(parts)[:_MESSAGE_LIMIT]


def refused_fields(body: Any) -> frozenset[str]:
    """The issue fields a 422 names (``assignees``, ``milestone``, ``labels``)."""
    if not isinstance(body, Mapping):
        return frozenset()
    return frozenset(
        str(e["field"])
        for e in body.get("errors") or []
        if isinstance(e, Mapping) and e.get("field")
    )


class GitHubConnection:
    """One account's client, created on first use, and JSON requests through it."""

    def __init__(
        self,
        settings: GitHubSettings,
        context: TrackerContext,
        *,
        limits: AccountLimits = GITHUB_LIMITS,
    ) -> None:
        self._settings = settings
        # Writes are spaced by the account's budget, from the end of the previous write, across
        # processes; the policy's own pacer would count from when a write was reserved.
        self.policy = HttpPolicy(
            read_timeout=settings.timeout_seconds,
            # Sped up with the limits (benchmarks, tests), so a deferral still happens there.
            max_inline_wait=HttpPolicy.max_inline_wait / context.rate_scale,
        )
        token = settings.token.get_secret_value()
        clock = context.http_clock or SystemClock()
        self.budget = AccountBudget(
            context.budget_ledger or MemoryLedger(),
            account_key(SERVICE, settings.api_url, token),
            limits_for(limits, context.rate_scale),
            clock,
        )
        self.engine = PolicyEngine(
            self.policy,
            service=SERVICE,
            clock=clock,
            observer=context.http_observer,
            on_wait=context.http_wait_observer,
            account=self.budget,
        )
        self._log: Any = get_logger(team=context.team, connector=SERVICE)
        self._client: Any = None
        self.server_times: list[datetime] = []  # GitHub's clock, from its answers' Date headers

    @property
    def client(self) -> Any:
        if self._client is None:
            client = github.Github(
                base_url=self._settings.api_url,
                auth=github.Auth.Token(self._settings.token.get_secret_value()),
                per_page=PAGE_SIZE,
                **github_client_options(self.policy),
            )
            configure_github(client, self.engine)
            self._client = client
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- requests ------------------------------------------------------------------------------

    def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        return self.request("GET", path, params=params, headers=headers)

    def post(self, path: str, body: Mapping[str, Any]) -> Answer:
        return self.request("POST", path, body=body)

    def patch(self, path: str, body: Mapping[str, Any]) -> Answer:
        return self.request("PATCH", path, body=body)

    def request(
        self,
        verb: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """One request (``path`` relative to the API URL, or a URL GitHub gave, e.g. a ``Link``).

        Raises the policy's errors; a refusal (4xx) as ``AuthError`` or :class:`RefusedError`,
        with GitHub's message; :class:`WrongServiceError` when what answered is not GitHub.
        """
        answer = self.answer(verb, path, params=params, body=body, headers=headers)
        if answer.status >= 400:
            raise self._refusal(verb, path, answer)
        return answer

    def answer(
        self,
        verb: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """The answer to one request, whatever its status (the policy still raises when no
        definitive answer came); :class:`WrongServiceError` for a success that is not JSON."""
        requester = self.client.requester
        status, answer_headers, output = requester.requestJson(
            verb,
            path,
            parameters=dict(params) if params else None,
            headers=dict(headers or {}),
            input=dict(body) if body is not None else None,
        )
        lowered = {str(k).lower(): str(v) for k, v in (answer_headers or {}).items()}
        self._note_server_time(lowered)
        data = _json(output)
        if status < 300 and data is None and _has_content(output):
            raise self.not_github(
                verb, path, status, f"its answer is not JSON ({content_type(lowered)})"
            )
        return Answer(status, lowered, data)

    def not_github(self, verb: str, path: str, status: int, evidence: str) -> WrongServiceError:
        """What answered at ``api_url`` is not a GitHub API, with the evidence."""
        api_url = self._settings.api_url
        hint = ""
        if not urlsplit(api_url).path.rstrip("/").endswith("/api/v3"):
            hint = (
                "; GitHub Enterprise Server serves its API under /api/v3 "
                f"(e.g. {api_url}/api/v3), github.com at https://api.github.com"
            )
        return WrongServiceError(
            f"{api_url} answered, but it is not a GitHub API: {evidence}{hint}",
            service=SERVICE,
            method=verb,
            url=self.url(path),
            status=status,
        )

    def _note_server_time(self, headers: Mapping[str, str]) -> None:
        try:
            moment = parsedate_to_datetime(headers.get("date", ""))
        except (TypeError, ValueError, IndexError):
            return
        if moment.tzinfo is not None:
            self.server_times.append(moment)

    def _refusal(self, verb: str, path: str, answer: Answer) -> HttpError:
        status, headers, data = answer.status, answer.headers, answer.data
        if not is_github_answer(answer):
            return self.not_github(
                verb,
                path,
                status,
                f"its answer has no X-GitHub-Media-Type header ({content_type(headers)})",
            )
        url = self.url(path)
        request = RequestInfo(SERVICE, verb, url, repeatable=False)
        error = error_for_status(
            request, status, dict(headers), self.engine.clock.wall()
        ) or PermanentError(f"HTTP {status}", service=SERVICE, method=verb, url=url)
        detail = github_messages(data)
        reason = f"{error.reason}: {detail}" if detail else error.reason
        if isinstance(error, AuthError):
            return AuthError(reason, service=SERVICE, method=verb, url=url, status=status)
        if isinstance(error, PermanentError):
            return RefusedError(
                reason,
                service=SERVICE,
                method=verb,
                url=url,
                status=status,
                fields=refused_fields(data),
            )
        return error

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (relative to the API URL, or already absolute)."""
        return path if "://" in path else f"{self._settings.api_url}{path}"


class RefusedError(PermanentError):
    """GitHub's definitive refusal (a 4xx other than 401/403), with the fields a validation
    error (422) names."""

    def __init__(
        self,
        reason: str,
        *,
        service: str,
        method: str,
        url: str,
        status: int | None,
        fields: frozenset[str] = frozenset(),
    ) -> None:
        self.fields = fields
        super().__init__(reason, service=service, method=method, url=url, status=status)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_refused, (self.__dict__.copy(),))


def _rebuild_refused(state: dict[str, object]) -> RefusedError:
    error = RefusedError.__new__(RefusedError)
    error.__dict__.update(state)
    Exception.__init__(error, error._message())
    return error


def is_github_answer(answer: Answer) -> bool:
    """Whether GitHub gave this answer: every answer of its REST API, errors included, names
    its media type in ``X-GitHub-Media-Type``; an error body links GitHub's documentation."""
    if "x-github-media-type" in answer.headers or "x-github-request-id" in answer.headers:
        return True
    data = answer.data
    return isinstance(data, Mapping) and "github.com" in str(data.get("documentation_url", ""))


def _has_content(output: Any) -> bool:
    return output is not None and bool(str(output).strip() if isinstance(output, str) else output)


def content_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0].strip() or "no content type"


def _json(output: Any) -> Any:
    if output is None or output == "" or output == b"":
        return None
    if isinstance(output, bytes):
        output = output.decode("utf-8", "replace")
    try:
        return json.loads(output)
    except ValueError:
        return None
