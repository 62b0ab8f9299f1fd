"""The connection to one Jira site: the ``jira`` client behind syncd's HTTP policy.

Nothing is sent until first use. Then, when the team file says ``deployment: auto``, one
``serverInfo`` request decides between Cloud (REST v3) and Data Center (REST v2). Every request
goes through the one HTTP policy (timeouts, retries honouring ``Retry-After``, pacing); the
library's own retries are off. The library's ``JIRAError`` for a definitive refusal (4xx) is
mapped to syncd's error classes, with Jira's own message, never a credential.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import jira
from jira.exceptions import JIRAError

from connectors.jira.answers import anything, edited, json_object, server_info
from connectors.jira.client_setup import configure_jira, jira_client_options
from connectors.jira.deployment import Deployment, deployment_of_server_info
from connectors.jira.settings import JiraSettings
from syncd.connector.http import (
    JIRA_LIMITS,
    AccountBudget,
    AuthError,
    HttpError,
    HttpPolicy,
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
    parse_json,
)
from syncd.connector.logs import get_logger
from syncd.connector.tracker import TrackerContext

T = TypeVar("T")

SERVICE = "jira"

# POSTs the policy may send again after a failure: searches only read, and a remote link with a
# globalId is an upsert (a second identical request changes nothing).
REPEATABLE_POSTS = (r"/search/jql$", r"/rest/api/2/search$", r"/remotelink$")

_MESSAGE_LIMIT = 300


def jira_messages(body: Any) -> str:
    """Jira's error answer (``errorMessages`` and per-field ``errors``) as one line."""
    if not isinstance(body, Mapping):
        return ""
    parts = [str(m) for m in body.get("errorMessages") or [] if m]
    errors = body.get("errors") or {}
    if isinstance(errors, Mapping):
        parts += [f"{name}: {message}" for name, message in errors.items()]
    return "; ".join(parts)[:_MESSAGE_LIMIT]


class JiraConnection:
    """One site's client, created on first use, and JSON requests through it."""

    def __init__(self, settings: JiraSettings, context: TrackerContext) -> None:
        self._settings = settings
        clock = context.http_clock or SystemClock()
        auth = settings.auth
        # Jira's pauses (429, Retry-After, RateLimit-Reason) hold for the account, across
        # processes: the e-mail and token (Cloud) or the token (Data Center) name it.
        credential = f"{auth.email or ''}:{auth.token.get_secret_value()}"
        self._engine = PolicyEngine(
            HttpPolicy(
                read_only_posts=REPEATABLE_POSTS,
                read_timeout=settings.timeout_seconds,
                max_inline_wait=HttpPolicy.max_inline_wait / context.rate_scale,
            ),
            service=SERVICE,
            clock=clock,
            observer=context.http_observer,
            on_wait=context.http_wait_observer,
            write_guard=context.write_guard,
            account=AccountBudget(
                context.budget_ledger or MemoryLedger(),
                account_key(SERVICE, settings.url, credential),
                limits_for(JIRA_LIMITS, context.rate_scale),
                clock,
            ),
        )
        self._log: Any = get_logger(team=context.team, connector=SERVICE)
        self._client: Any = None
        self._deployment: Deployment | None = None
        self.server_times: list[datetime] = []  # Jira's clock, from its answers' Date headers
        # Set when the server (or a proxy) refused a POST search with 405: from then on this
        # connection searches with GET (``connectors.jira.search``).
        self.search_by_get = False

    @property
    def log(self) -> Any:
        """The connector's logger, bound to the team."""
        return self._log

    # --- connecting ----------------------------------------------------------------------------

    @property
    def deployment(self) -> Deployment:
        self._connect()
        assert self._deployment is not None
        return self._deployment

    @property
    def client(self) -> Any:
        """The ``jira.JIRA`` client for the site's REST version."""
        self._connect()
        return self._client

    def _connect(self) -> None:
        if self._client is not None:
            return
        wanted = self._settings.deployment
        if wanted == "auto":
            deployment = self._detect()
            self._log.info("jira.deployment_detected", deployment=deployment.name)
        else:
            deployment = Deployment(wanted)
        self._client = self._new_client(deployment.api_version, self._credentials(deployment))
        self._deployment = deployment

    def _detect(self) -> Deployment:
        # serverInfo answers anonymous requests, under REST v2, on both kinds of site: asking
        # without credentials works whichever kind of credentials the team file holds.
        probe = self._new_client("2", credentials={})
        url = f"{self._settings.url}/rest/api/2/serverInfo"
        try:
            info = self._json(self._call(lambda: probe._session.get(url)), server_info)
        finally:
            probe.close()
        return deployment_of_server_info(info)

    def _credentials(self, deployment: Deployment) -> dict[str, Any]:
        """Cloud: e-mail and API token (basic). Data Center: the personal access token (bearer)."""
        auth = self._settings.auth
        token = auth.token.get_secret_value()
        if not deployment.is_cloud:
            return {"token_auth": token}
        if auth.email is None:
            raise AuthError(
                "Jira Cloud needs auth.email with the API token in the team file",
                service=SERVICE,
                method="GET",
                url=self._settings.url,
            )
        return {"basic_auth": (auth.email, token)}

    def _new_client(self, api_version: str, credentials: Mapping[str, Any]) -> Any:
        client = jira.JIRA(
            server=self._settings.url,
            options={"rest_api_version": api_version},
            **credentials,
            **jira_client_options(),
        )
        configure_jira(client, self._engine)
        return client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- requests ------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """The URL of a REST resource (``issue/bulk``) in the site's REST version."""
        return f"{self._settings.url}/rest/api/{self.deployment.api_version}/{path}"

    def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        expect: ShapeCheck = json_object,
    ) -> Any:
        """The JSON of a GET, checked by ``expect`` (:mod:`connectors.jira.answers`)."""
        session = self.client._session
        response = self._call(lambda: session.get(self.url(path), params=params))
        return self._json(response, expect)

    def post(self, path: str, body: Mapping[str, Any], *, expect: ShapeCheck = anything) -> Any:
        """The JSON of a POST, checked by ``expect``."""
        session = self.client._session
        data = json.dumps(body)
        return self._json(self._call(lambda: session.post(self.url(path), data=data)), expect)

    def post_bulk(self, path: str, body: Mapping[str, Any], *, expect: ShapeCheck) -> Any:
        """A bulk write's JSON, also when Jira refused every element: it answers 400 then, with
        the same body (each element's errors), which is a result, not a failure."""
        session = self.client._session
        data = json.dumps(body)
        try:
            response = session.post(self.url(path), data=data)
        except JIRAError as exc:
            refused = exc.response
            if exc.status_code == 400 and refused is not None:
                try:
                    answer = refused.json()
                except ValueError:
                    answer = None
                if expect(answer) is None:
                    return answer
            raise self._mapped(exc) from None
        return self._json(response, expect)

    def put(self, path: str, body: Mapping[str, Any]) -> None:
        session = self.client._session
        data = json.dumps(body)
        self._json(self._call(lambda: session.put(self.url(path), data=data)), edited)

    def _note_server_time(self, response: Any) -> None:
        try:
            moment = parsedate_to_datetime(response.headers.get("Date", ""))
        except (TypeError, ValueError, IndexError):
            return
        if moment.tzinfo is not None:
            # One tracker serves one cycle: a list as long as the cycle's JSON answers.
            self.server_times.append(moment)

    def _call(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except JIRAError as exc:
            raise self._mapped(exc) from None

    def _json(self, response: Any, expect: ShapeCheck) -> Any:
        """The body of a successful answer as JSON of the shape ``expect`` accepts; else
        :class:`MalformedAnswerError` (a login proxy's page, broken JSON, missing fields)."""
        self._note_server_time(response)
        # After redirects (a login proxy's), the request syncd made is the first one.
        asked = response.history[0] if response.history else response
        return parse_json(
            tracker="Jira",
            service=SERVICE,
            method=asked.request.method or "GET",
            url=asked.url,
            redirected_to=response.url if response.history else None,
            status=response.status_code,
            headers=response.headers,
            body=response.content,
            check=expect,
            secrets=self.secrets,
            hint="check that tracker.url is the Jira site's base URL",
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """The credentials syncd sends, as they may come back in an answer's text."""
        auth = self._settings.auth
        token = auth.token.get_secret_value()
        return (token, f"{auth.email}:{token}") if auth.email else (token,)

    def _mapped(self, exc: JIRAError) -> HttpError:
        response = exc.response
        method = getattr(getattr(response, "request", None), "method", None) or "GET"
        url = str(exc.url or getattr(response, "url", "") or self._settings.url)
        status = exc.status_code
        if status is None or response is None:
            return PermanentError(
                "no usable answer from Jira", service=SERVICE, method=method, url=url
            )
        request = RequestInfo(SERVICE, method, url, repeatable=False)
        error = error_for_status(
            request, status, dict(response.headers), self._engine.clock.wall()
        ) or PermanentError(f"HTTP {status}", service=SERVICE, method=method, url=url)
        try:
            body = response.json()
        except ValueError:
            body = None
        detail = jira_messages(body)
        if status == 404 and not _is_jira_error(body):
            return WrongServiceError(
                f"{self._settings.url} answered HTTP 404 to {method} {urlsplit(url).path}, "
                "and not as Jira does: check that tracker.url is the Jira site's base URL "
                "(with its context path, if Jira is served under one)",
                service=SERVICE,
                method=method,
                url=url,
                status=status,
            )
        if detail and type(error) in (PermanentError, AuthError):
            error = type(error)(
                f"{error.reason}: {detail}",
                service=SERVICE,
                method=method,
                url=url,
                status=status,
                attempts=error.attempts,
            )
        return error


def _is_jira_error(body: Any) -> bool:
    """Jira's error answers are JSON with ``errorMessages`` or ``errors``; a web server's or a
    proxy's page is not."""
    return isinstance(body, Mapping) and ("errorMessages" in body or "errors" in body)
