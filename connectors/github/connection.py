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

from connectors.github import answers
from connectors.github.client_setup import configure_github, github_client_options
from connectors.github.settings import GitHubSettings
from syncd.connector.http import (
    GITHUB_LIMITS,
    AccountBudget,
    AccountLimits,
    AuthError,
    HttpError,
    HttpPolicy,
    MalformedAnswerError,
    MemoryLedger,
    PermanentError,
    PolicyEngine,
    RequestInfo,
    ShapeCheck,
    SystemClock,
    WrongServiceError,
    account_key,
    error_for_status,
    limits_for,
    mask_secrets,
    parse_json,
    redact_url,
)
from syncd.connector.logs import get_logger
from syncd.connector.tracker import TrackerContext

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
            limits_for(
                limits.leasing_writes_for(self.policy.connect_timeout, self.policy.read_timeout),
                context.rate_scale,
            ),
            clock,
        )
        self.engine = PolicyEngine(
            self.policy,
            service=SERVICE,
            clock=clock,
            observer=context.http_observer,
            on_wait=context.http_wait_observer,
            write_guard=context.write_guard,
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
        *,
        expect: ShapeCheck = answers.anything,
    ) -> Answer:
        return self.request("GET", path, params=params, headers=headers, expect=expect)

    def post(
        self, path: str, body: Mapping[str, Any], *, expect: ShapeCheck = answers.anything
    ) -> Answer:
        return self.request("POST", path, body=body, expect=expect)

    def patch(
        self, path: str, body: Mapping[str, Any], *, expect: ShapeCheck = answers.anything
    ) -> Answer:
        return self.request("PATCH", path, body=body, expect=expect)

    def request(
        self,
        verb: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        expect: ShapeCheck = answers.anything,
    ) -> Answer:
        """One request (``path`` relative to the API URL, or a URL GitHub gave, e.g. a ``Link``).

        Raises the policy's errors; a refusal (4xx) as ``AuthError`` or :class:`RefusedError`,
        with GitHub's message; :class:`WrongServiceError` when what answered is not GitHub;
        :class:`MalformedAnswerError` for a success whose body ``expect`` does not accept.
        """
        answer = self.answer(verb, path, params=params, body=body, headers=headers, expect=expect)
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
        expect: ShapeCheck = answers.anything,
    ) -> Answer:
        """The answer to one request, whatever its status (the policy still raises when no
        definitive answer came); :class:`MalformedAnswerError` for a success that is not JSON
        of the shape ``expect`` accepts (a login proxy's page, broken JSON, missing fields)."""
        requester = self.client.requester
        try:
            status, answer_headers, output = requester.requestJson(
                verb,
                path,
                parameters=dict(params) if params else None,
                headers=dict(headers or {}),
                input=dict(body) if body is not None else None,
            )
        except RuntimeError as exc:
            # PyGithub refuses a permanent redirect to another host or scheme with a bare
            # RuntimeError: a login proxy's, or an api_url that is not the API's.
            raise self._redirected(verb, path, 301, "another host or scheme") from exc
        lowered = {str(k).lower(): str(v) for k, v in (answer_headers or {}).items()}
        self._note_server_time(lowered)
        if 300 <= status < 400 and status != 304:
            raise self._redirected(verb, path, status, lowered.get("location") or "nowhere")
        if 200 <= status < 300:
            data = parse_json(
                tracker="GitHub",
                service=SERVICE,
                method=verb,
                url=self.url(path),
                status=status,
                headers=lowered,
                body=output,
                check=expect,
                secrets=(self._settings.token.get_secret_value(),),
                hint=self._api_url_hint(),
            )
        else:
            data = _json(output)
        return Answer(status, lowered, data)

    def _redirected(self, verb: str, path: str, status: int, where: str) -> MalformedAnswerError:
        """A redirect instead of an answer: GitHub's API answers where it is asked."""
        token = self._settings.token.get_secret_value()
        target = mask_secrets(redact_url(where), (token,))
        return MalformedAnswerError(
            f"GitHub at {redact_url(self._settings.api_url)} answered {verb} "
            f"{urlsplit(self.url(path)).path} with HTTP {status}, a redirect to {target}, not "
            "with an answer: is the URL behind a login proxy or SSO? syncd needs a direct "
            f"route to the API. C{self._api_url_hint()[1:]}",
            service=SERVICE,
            method=verb,
            url=self.url(path),
            status=status,
        )

    def _api_url_hint(self) -> str:
        enterprise = self._enterprise_hint()
        return "check tracker.api_url" + (f"; {enterprise}" if enterprise else "")

    def _enterprise_hint(self) -> str:
        """Where the API is, when ``api_url`` is neither github.com's nor under ``/api/v3``."""
        api_url = self._settings.api_url
        parts = urlsplit(api_url)
        if parts.hostname == "api.github.com" or parts.path.rstrip("/").endswith("/api/v3"):
            return ""
        return (
            "GitHub Enterprise Server serves its API under /api/v3 "
            f"(e.g. {api_url}/api/v3), github.com at https://api.github.com"
        )

    def not_github(self, verb: str, path: str, status: int, evidence: str) -> WrongServiceError:
        """What answered at ``api_url`` is not a GitHub API, with the evidence."""
        api_url = self._settings.api_url
        hint = f"; {self._enterprise_hint()}" if self._enterprise_hint() else ""
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
