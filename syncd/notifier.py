"""The notifier role: what the core asks of a chat connector (Slack, Teams, ...), and the one way
they post.

Each notifier renders a digest into its channel's payload (a JSON-able mapping, from
``render``, a class method: a dry run previews a payload without any channel configured); the
core hands the payload to the team's notifier, which sends it through the one HTTP policy and
answers with a :class:`PostResult` whose message a person can act on. Webhook URLs are
credentials: no message, result or log line made here ever holds one (nor a configured header's
value).

:class:`WebhookPoster` is the shared part of every webhook notifier (connectors may not import
each other): it turns the policy's outcomes into results, leaving each connector to say what its
vendor's refusals mean.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

import httpx

from syncd.digest import Digest
from syncd.http import (
    AmbiguousWriteError,
    AuthError,
    HttpError,
    HttpPolicy,
    PermanentError,
    PolicyEngine,
    RateLimitedError,
)
from syncd.http.httpx_transport import PolicyTransport, raise_for_policy
from syncd.output.logs import get_logger, redactor

# A path segment this long in a webhook URL is a credential (Slack's is 24 characters, Discord's
# 68); shorter ones ("services", ids of 9 to 11 characters) are not worth masking in every log.
_SECRET_SEGMENT_LENGTH = 16
_BODY_EXCERPT = 200


@dataclass(frozen=True, slots=True)
class PostResult:
    """How posting one payload went.

    ``message`` says, for a person, what happened and what to do; it never holds a secret.
    ``retry_after``: the channel asked for a pause of that many seconds before the next try.
    ``permanent``: trying again unchanged will fail the same way (fix the config or report a bug).
    ``ambiguous``: the request was sent and its outcome is unknown (it may have been posted).
    """

    ok: bool
    status: int | None
    message: str | None
    retry_after: float | None
    permanent: bool
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class NotifierContext:
    """What a notifier needs from its surroundings, given by the core."""

    team: str
    http_clock: Any = None  # a syncd.http.Clock; tests inject one so nothing really sleeps
    http_observer: Any = None  # a syncd.http.RequestObserver, counting requests per endpoint
    transport: httpx.BaseTransport | None = None  # under the policy; tests inject a fake one


@runtime_checkable
class Notifier(Protocol):
    """One chat channel of a team. ``post`` never raises for what the channel answers: every
    outcome, including a network failure, is a :class:`PostResult`."""

    type: str

    def render(self, digest: Digest) -> Mapping[str, Any]: ...

    def post(self, payload: Mapping[str, Any]) -> PostResult: ...

    def close(self) -> None: ...


class NotifierFactory(Protocol):
    """A notifier connector class, as the registry hands it out.

    ``render`` is a class method: the digest as the body this channel type receives, a pure
    function of the digest (``syncd.digest`` has the parts every rendering shares).
    """

    def __call__(self, settings: Any, context: NotifierContext) -> Notifier: ...

    def render(self, digest: Digest) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Refusal:
    """What a vendor's refusal means, in a person's words, and whether repeating can help."""

    message: str
    permanent: bool = True


# (status, the answer's body as text) → the vendor's meaning, or None for the generic wording.
Explain = Callable[[int, str], Refusal | None]
# (status, body) → whether a 2xx answer really means "posted".
Accept = Callable[[int, str], bool]


def register_secret_url(url: str) -> None:
    """Teach the log redactor a webhook URL and its credential-looking parts.

    The policy logs request endpoints with ids templated and known webhook paths elided; a
    generic webhook on another host may still carry its secret in a path segment.
    """
    parts = urlsplit(url)
    secrets = [url, parts.path, parts.query]
    secrets += [s for s in parts.path.split("/") if len(s) >= _SECRET_SEGMENT_LENGTH]
    redactor.register(s for s in secrets if s and s != "/")


class WebhookPoster:
    """Posts JSON to one webhook through the HTTP policy and reports a :class:`PostResult`.

    ``vendor`` names the channel in messages ("Slack"); ``url_hint`` says where the URL comes
    from ("SLACK_WEBHOOK_…, the variable the team file's webhook_url names"), for the messages
    that ask for a new one. Redirects are not followed: a webhook that moved must be updated
    (following one would re-send the digest, and any header, to a host nobody configured).
    """

    def __init__(
        self,
        *,
        service: str,
        vendor: str,
        url: str,
        url_hint: str,
        context: NotifierContext,
        policy: HttpPolicy,
        explain: Explain,
        accept: Accept | None = None,
        headers: Mapping[str, str] | None = None,
        inner: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None,
    ) -> None:
        self.service = service
        self.vendor = vendor
        self._url = url
        self._url_hint = url_hint
        self._explain = explain
        self._accept = accept
        self._headers = dict(headers or {})
        if url:
            register_secret_url(url)
        redactor.register(self._headers.values())
        self._engine = PolicyEngine(
            policy, service=service, clock=context.http_clock, observer=context.http_observer
        )
        base = context.transport or httpx.HTTPTransport(retries=0)
        self._transport = PolicyTransport(self._engine, inner=inner(base) if inner else base)
        self._log: Any = get_logger(team=context.team, notifier=service)

    def post(
        self,
        payload: Mapping[str, Any],
        *,
        params: Mapping[str, str] | None = None,
        path_suffix: str = "",
    ) -> PostResult:
        result = self._post(payload, params=params, path_suffix=path_suffix)
        if result.ok:
            self._log.info("notify.posted", status=result.status)
        else:
            self._log.warning(
                "notify.post_failed",
                status=result.status,
                permanent=result.permanent,
                ambiguous=result.ambiguous,
                retry_after=result.retry_after,
                reason=result.message,
            )
        return result

    def close(self) -> None:
        self._transport.close()

    # -- one post --------------------------------------------------------------------------

    def _post(
        self, payload: Mapping[str, Any], *, params: Mapping[str, str] | None, path_suffix: str
    ) -> PostResult:
        if not self._url:
            return self._failed(
                None,
                f"no {self.vendor} webhook URL is set: {self._url_hint} is empty or unset",
            )
        try:
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            return self._failed(
                None,
                f"the {self.vendor} message is not JSON ({type(exc).__name__}) — "
                "a syncd bug, please report",
            )
        try:
            url = httpx.URL(self._url.rstrip("/") + path_suffix if path_suffix else self._url)
            if params:
                url = url.copy_merge_params(dict(params))
            request = httpx.Request(
                "POST",
                url,
                content=body.encode("utf-8"),
                headers={**self._headers, "Content-Type": "application/json; charset=utf-8"},
            )
            response = self._transport.handle_request(request)
            response.request = request  # a client would set it; raise_for_policy reads it
        except HttpError as exc:
            return self._from_error(exc, None)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            # Never str(exc): httpx puts the URL, or a bad header's value, into its messages.
            return self._failed(
                None,
                f"could not send to {self.vendor} ({type(exc).__name__}): check {self._url_hint} "
                "and any configured headers",
            )
        return self._from_response(response)

    def _from_response(self, response: httpx.Response) -> PostResult:
        status = response.status_code
        text = response.text
        if 200 <= status < 300:
            if self._accept is None or self._accept(status, text):
                return PostResult(True, status, None, None, False)
            return self._failed(
                status,
                f"{self.vendor} answered HTTP {status} without confirming the post "
                f"({_excerpt(text)}) — a syncd bug or a {self.vendor} change, please report",
                permanent=False,
            )
        if status < 400:
            return self._failed(
                status,
                f"the {self.vendor} webhook answered with a redirect (HTTP {status}), which "
                f"syncd does not follow for webhooks: update {self._url_hint} to the new URL",
            )
        try:
            raise_for_policy(response, self.service, wall_now=self._engine.clock.wall())
        except HttpError as exc:
            return self._from_error(exc, text)
        return self._failed(status, f"{self.vendor} answered HTTP {status}")  # pragma: no cover

    def _from_error(self, exc: HttpError, body: str | None) -> PostResult:
        status = exc.status
        if isinstance(exc, RateLimitedError):
            return PostResult(
                False,
                status,
                f"{self.vendor} is rate-limiting this webhook and asked for a pause of "
                f"{exc.retry_after:.0f}s; the post will be tried again later",
                exc.retry_after,
                False,
            )
        if isinstance(exc, AmbiguousWriteError):
            return PostResult(
                False,
                status,
                f"{self.vendor} did not confirm the post ({exc.reason}): it may or may not "
                "have been posted",
                None,
                False,
                ambiguous=True,
            )
        if status is not None and body is not None:
            refusal = self._explain(status, body)
            if refusal is not None:
                said = refusal.message
                if not said.startswith(self.vendor):
                    said = f"{self.vendor}: {said}"
                return self._failed(status, said, permanent=refusal.permanent)
        if isinstance(exc, AuthError):
            return self._failed(
                status,
                f"{self.vendor} refused the webhook (HTTP {status}): it was revoked or lacks "
                f"permission; create a new one and update {self._url_hint}",
            )
        if isinstance(exc, PermanentError):
            return self._failed(status, self._generic_refusal(status, body))
        return self._failed(
            status,
            f"{self.vendor} could not be reached or failed ({exc.reason}, after "
            f"{exc.attempts} attempt(s)); the post will be tried again later",
            permanent=False,
        )

    def _generic_refusal(self, status: int | None, body: str | None) -> str:
        if status is None:
            return (
                f"could not post to {self.vendor}: the connection failed in a way that "
                "retrying will not fix (TLS or certificate)"
            )
        if status == 404:
            return (
                f"the {self.vendor} webhook does not exist (HTTP 404): it was removed, or the "
                f"URL is wrong; create a new one and update {self._url_hint}"
            )
        if status == 413:
            return (
                f"the digest is too large for {self.vendor} (HTTP 413) — a syncd bug, please report"
            )
        excerpt = f": {_excerpt(body)}" if body else ""
        return f"{self.vendor} refused the post (HTTP {status}){excerpt}"

    @staticmethod
    def _failed(status: int | None, message: str, *, permanent: bool = True) -> PostResult:
        return PostResult(False, status, message, None, permanent)


def json_body(text: str) -> Any:
    """The answer's body as JSON, or None when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def _excerpt(text: str | None) -> str:
    """A one-line start of a vendor's answer, to show beside our own words."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= _BODY_EXCERPT else flat[: _BODY_EXCERPT - 1] + "…"
