"""Successful answers that are not what the service sends: an HTML page, broken JSON, JSON
without the fields syncd reads, nothing at all.

A login proxy or an SSO gateway in front of a tracker answers 200 with its own page; a gateway
that cuts an answer short leaves broken JSON. The status says success, but nothing in the answer
can be trusted: not even whether a write happened. :class:`MalformedAnswerError` is the policy's
name for that. A connector parses every 2xx body with :func:`parse_json` and checks the shape it
reads with :func:`check_shape` (its own checks: a create without the new issue's key, a search
without its list of issues); it never reads a field the check did not vouch for.

A write answered so has an unknown outcome: the caller treats it as it treats a dropped answer
(:class:`~syncd.http.errors.AmbiguousWriteError`), and looks before writing again.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from syncd.http.errors import WrongServiceError
from syncd.http.redact import MASK, redact_url

EXCERPT_CHARS = 120  # of the body, in the message: enough to recognise a login page
_SCAN_CHARS = 4096  # of the body, read to tell HTML from the rest
_MIN_SECRET = 6  # shorter configured values are not masked inside text: too many false hits

# A check of an answer's shape: None when it holds what syncd reads, else what is missing, in
# words ("no list of issues").
ShapeCheck = Callable[[Any], str | None]

_CREDENTIAL_WORDS = re.compile(
    r"(?i)\b(bearer|basic|token|digest|negotiate)(\s+|=|:\s*)([A-Za-z0-9._~+/=:-]{6,})"
)
_SECRET_ASSIGNMENTS = re.compile(
    r"(?i)\b([a-z0-9_-]*(?:token|secret|passw(?:or)?d?|api[-_]?key|session|auth\w*|cookie)"
    r"[a-z0-9_-]*)(\"?\s*[:=]\s*\"?)([^\s\"'<>&,;]+)"
)
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
_HTML = re.compile(r"(?is)^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"(?i)\\ud[89a-f]")


def _without_lone_surrogates(data: Any, text: str) -> Any:
    """``data`` with every lone surrogate (``"\\ud800"`` in the JSON: valid JSON, not valid
    Unicode) made U+FFFD. Left in, one such character in one title stops a whole team: nothing
    can write it (UTF-8, SQLite, YAML, a tracker). JSON pairs are joined by the parser, so any
    surrogate left is a lone one; a body with no ``\\uD8..`` escape is not walked at all."""
    if _SURROGATE_ESCAPE.search(text) is None:
        return data
    if isinstance(data, str):
        return _LONE_SURROGATE.sub("\ufffd", data)
    if isinstance(data, list):
        return [_without_lone_surrogates(value, text) for value in data]
    if isinstance(data, dict):
        return {
            _without_lone_surrogates(key, text): _without_lone_surrogates(value, text)
            for key, value in data.items()
        }
    return data


class MalformedAnswerError(WrongServiceError):
    """A 2xx answer that is not well-formed JSON of the shape the service answers with.

    Beside the usual fields: ``content_type`` as the answer declared it and ``excerpt``, the
    start of the body with every credential masked. ``reason`` says, for a person, what came,
    what was missing and what to check.
    """

    def __init__(
        self,
        reason: str,
        *,
        service: str,
        method: str,
        url: str,
        status: int | None,
        content_type: str = "",
        excerpt: str = "",
    ) -> None:
        self.content_type = content_type
        self.excerpt = excerpt
        super().__init__(reason, service=service, method=method, url=url, status=status)


def content_type_of(headers: Mapping[str, str]) -> str:
    """The media type an answer declared (``text/html``), or ``no content type``."""
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value.split(";")[0].strip().lower() or "no content type"
    return "no content type"


def parse_json(
    *,
    tracker: str,
    service: str,
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes | str | None,
    check: ShapeCheck | None = None,
    secrets: Iterable[str] = (),
    hint: str = "",
    redirected_to: str | None = None,
) -> Any:
    """The JSON of a successful answer, checked by ``check``; else :class:`MalformedAnswerError`.

    An empty body is None; ``check`` decides whether that will do (a 204 to an edit does).
    ``tracker`` is the name a person knows (``Jira``, ``GitHub``); ``hint`` is added to the
    generic one (what in the team file to look at). ``redirected_to``: where the request was
    sent on to (a login page, typically) when the answer came from there.
    """
    text = _text(body)
    if not text.strip():
        data: Any = None
        problem = check(None) if check is not None else None
        if problem is None:
            return None
        what = f"an empty answer ({problem})"
    else:
        try:
            data = _without_lone_surrogates(json.loads(text), text)
        except ValueError:
            what = "an HTML page" if looks_like_html(text) else "an answer that is not valid JSON"
        else:
            problem = check(data) if check is not None else None
            if problem is None:
                return data
            what = f"JSON without what syncd reads ({problem})"
    raise malformed(
        tracker=tracker,
        service=service,
        method=method,
        url=url,
        status=status,
        headers=headers,
        text=text,
        what=what,
        secrets=secrets,
        hint=hint,
        redirected_to=redirected_to,
    )


def check_shape(
    data: Any,
    check: ShapeCheck,
    *,
    tracker: str,
    service: str,
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str],
    secrets: Iterable[str] = (),
    hint: str = "",
) -> Any:
    """``data`` (already parsed JSON) when ``check`` accepts it, else the error naming why."""
    problem = check(data)
    if problem is None:
        return data
    text = "" if data is None else json.dumps(data)[:_SCAN_CHARS]
    what = f"JSON without what syncd reads ({problem})"
    if data is None:
        what = f"an empty answer ({problem})"
    raise malformed(
        tracker=tracker,
        service=service,
        method=method,
        url=url,
        status=status,
        headers=headers,
        text=text,
        what=what,
        secrets=secrets,
        hint=hint,
    )


def malformed(
    *,
    tracker: str,
    service: str,
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str],
    text: str,
    what: str,
    secrets: Iterable[str] = (),
    hint: str = "",
    redirected_to: str | None = None,
) -> MalformedAnswerError:
    """The error for an answer ``text`` that is ``what`` (an HTML page, broken JSON, ...)."""
    kind = content_type_of(headers)
    excerpt = body_excerpt(text, secrets)
    parts = urlsplit(redact_url(url))
    path = parts.path or "/"
    where = f"{tracker} at {parts.scheme}://{parts.netloc}" if parts.netloc else tracker
    html = what == "an HTML page"
    why = (
        "is the URL behind a login proxy or SSO? syncd needs a direct route to the API."
        if html
        else "is a proxy or gateway between syncd and the tracker answering in its place, "
        "or cutting answers short?"
    )
    if hint:
        why += f" {hint[:1].upper()}{hint[1:]}"
    begins = f"; the answer begins {excerpt!r}" if excerpt else ""
    after = ""
    if redirected_to is not None:
        after = f" after a redirect to {mask_secrets(redact_url(redirected_to), secrets)}"
    reason = (
        f"{where} answered {method.upper()} {path}{after} with HTTP {status} ({kind}), but "
        f"with {what}{begins}: {why}"
    )
    return MalformedAnswerError(
        reason,
        service=service,
        method=method,
        url=url,
        status=status,
        content_type=kind,
        excerpt=excerpt,
    )


def looks_like_html(text: str) -> bool:
    return bool(_HTML.match(text[:_SCAN_CHARS]))


def body_excerpt(text: str, secrets: Iterable[str] = ()) -> str:
    """The start of a body for a message: one line, credentials masked, at most
    :data:`EXCERPT_CHARS` characters. Masks the configured ``secrets`` (and their base64 and
    URL-quoted forms), credentials after an auth scheme or a secret-looking name, and URLs'
    user info and secret query values."""
    head = text[:_SCAN_CHARS]
    head = mask_secrets(head, secrets)
    head = _URL.sub(lambda m: redact_url(m.group(0)), head)
    head = _CREDENTIAL_WORDS.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", head)
    head = _SECRET_ASSIGNMENTS.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", head)
    head = " ".join(_CONTROL.sub(" ", head).split())
    if len(head) > EXCERPT_CHARS:
        head = head[: EXCERPT_CHARS - 1].rstrip() + "…"
    return head


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each secret, and its base64 and URL-quoted forms, masked."""
    forms: set[str] = set()
    for secret in secrets:
        if len(secret) < _MIN_SECRET:
            continue
        forms.update(_forms(secret))
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, MASK)
    return text


def _forms(secret: str) -> set[str]:
    raw = secret.encode()
    encoded = base64.b64encode(raw).decode()
    return {
        secret,
        quote(secret, safe=""),
        encoded,
        encoded.rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }


def _text(body: bytes | str | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return body
