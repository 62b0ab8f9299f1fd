"""HTTP to Confluence: httpx through the kit's policy (timeouts, retries honouring
``Retry-After``, redaction), the credentials of the deployment, and answers checked for shape.

Cloud takes the account's e-mail and API token as basic credentials; Data Center a personal
access token as a bearer token. A 4xx becomes the policy's error (``AuthError``,
``NotFoundError``, ``PermanentError``); an answer that is not the JSON Confluence gives (a login
page, a proxy's) a ``MalformedAnswerError``. No message carries a credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from connectors.confluence.settings import ConfluenceSettings
from syncd.connector.http import (
    Clock,
    HttpPolicy,
    PolicyEngine,
    PolicyTransport,
    ShapeCheck,
    SystemClock,
    WrongServiceError,
    parse_json,
    raise_for_policy,
)
from syncd.connector.logs import redactor

SERVICE = "confluence"
_HINT = "check the source's url: Cloud is https://<site>.atlassian.net/wiki."

Params = Mapping[str, str | int | list[str]]


def has_results(data: Any) -> str | None:
    """The shape of every listing syncd reads: an object with a ``results`` list."""
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        return "no results list"
    return None


def is_object(data: Any) -> str | None:
    return None if isinstance(data, dict) and data.get("id") is not None else "no page id"


class ConfluenceClient:
    """Requests to one Confluence site (reads, and page updates for write-back), each through
    the policy."""

    def __init__(
        self,
        settings: ConfluenceSettings,
        *,
        clock: Clock | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = settings.url
        parts = urlsplit(settings.url)
        self.site_root = f"{parts.scheme}://{parts.netloc}"
        self._clock = clock or SystemClock()
        self._token = settings.auth.token.get_secret_value()
        self._engine = PolicyEngine(
            HttpPolicy(read_timeout=settings.timeout_seconds), service=SERVICE, clock=self._clock
        )
        auth: httpx.Auth | None = None
        headers = {"Accept": "application/json"}
        # Masked wherever syncd writes, in every form it travels in, before anything is sent.
        redactor.register([self._token])
        if settings.auth.email is not None:
            auth = httpx.BasicAuth(settings.auth.email, self._token)
            redactor.register_basic(settings.auth.email, self._token)
        else:
            headers["Authorization"] = f"Bearer {self._token}"
        self._http = httpx.Client(
            transport=PolicyTransport(self._engine, inner=transport),
            auth=auth,
            headers=headers,
            follow_redirects=False,
        )
        self.requests = 0  # sent by this client (retries included): the benches print it

    def get(self, path: str, params: Params | None = None, *, expect: ShapeCheck) -> Any:
        """The JSON answer to ``GET base_url + path`` (or a site-relative ``/…`` next link)."""
        return self._get(self.base_url + path, params, expect)

    def get_site_path(self, path: str, *, expect: ShapeCheck) -> Any:
        """A path relative to the site's root, as Cloud's ``_links.next`` gives it."""
        if not path.startswith("/"):
            raise WrongServiceError(
                "a next-page link that is not a path on the site",
                service=SERVICE,
                method="GET",
                url=self.site_root,
            )
        return self._get(self.site_root + path, None, expect)

    def put(self, path: str, body: Mapping[str, Any], *, expect: ShapeCheck) -> Any:
        """The JSON answer to ``PUT base_url + path`` with a JSON body (a page update: a 409
        when its version is not the page's next is the policy's ``PermanentError``)."""
        self.requests += 1
        response = self._http.put(self.base_url + path, json=dict(body))
        return self._answer(response, "PUT", expect)

    def _get(self, url: str, params: Params | None, expect: ShapeCheck) -> Any:
        self.requests += 1
        response = self._http.get(url, params=dict(params) if params else None)
        return self._answer(response, "GET", expect)

    def _answer(self, response: httpx.Response, method: str, expect: ShapeCheck) -> Any:
        raise_for_policy(response, SERVICE, wall_now=self._clock.wall())
        if 300 <= response.status_code < 400:
            raise WrongServiceError(
                f"Confluence answered with a redirect (HTTP {response.status_code}); "
                f"{_HINT} A redirect usually means a login page or a moved site",
                service=SERVICE,
                method=method,
                url=str(response.request.url),
                status=response.status_code,
            )
        return parse_json(
            tracker="Confluence",
            service=SERVICE,
            method=method,
            url=str(response.request.url),
            status=response.status_code,
            headers=response.headers,
            body=response.content,
            check=expect,
            secrets=[self._token],
            hint=_HINT,
        )

    def close(self) -> None:
        self._http.close()
