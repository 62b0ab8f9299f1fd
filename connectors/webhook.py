"""Generic webhook notifier: posts the digest as a JSON document to any URL."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, SecretStr, field_validator

from syncd.connector.digest import Digest, digest_as_json
from syncd.connector.http import HttpPolicy
from syncd.connector.notifier import NotifierContext, PostResult, Refusal, WebhookPoster
from syncd.connector.registry import ConnectorKind
from syncd.connector.settings import ConnectorSettings, WebhookUrl

# RFC 9110 token characters
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Set by the notifier itself; overriding them would break the request.
_RESERVED_HEADERS = frozenset({"content-type", "content-length", "host", "transfer-encoding"})


class WebhookSettings(ConnectorSettings):
    """A ``digest.channels`` entry of ``type: webhook``."""

    webhook_url: WebhookUrl = Field(
        description=(
            "URL the digest is POSTed to as JSON; it may carry a credential, so it comes from "
            'the environment: "${DIGEST_WEBHOOK_URL}".'
        )
    )
    headers: dict[str, SecretStr] = Field(
        default_factory=dict,
        description=(
            "Extra HTTP headers, e.g. Authorization. Values are secrets and come from the "
            'environment: {Authorization: "Bearer ${DIGEST_WEBHOOK_TOKEN}"}.'
        ),
    )
    timeout_seconds: float = Field(
        15.0, gt=0, le=600, description="Timeout of each post, in seconds."
    )

    @field_validator("headers")
    @classmethod
    def _valid_header_names(cls, headers: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for name in headers:
            if not _HEADER_NAME.fullmatch(name):
                raise ValueError(f"{name[:60]!r} is not a valid HTTP header name")
            if name.lower() in _RESERVED_HEADERS:
                raise ValueError(f"header {name!r} is set by syncd and cannot be configured")
        return headers


URL_HINT = "DIGEST_WEBHOOK_… (the variable the team file's webhook_url names)"


def explain_webhook(status: int, body: str) -> Refusal | None:
    """A receiver's refusal; its body is its own business, so only the status is interpreted."""
    del body
    if status in (401, 403):
        return Refusal(
            f"the receiver refused syncd's credentials (HTTP {status}): check the headers of "
            "the team file's digest entry, and the variables they name"
        )
    if status in (404, 405, 410):
        return Refusal(f"the receiver has no such endpoint (HTTP {status}): check {URL_HINT}")
    return None


class WebhookNotifier:
    """Posts the team's digest as JSON to any HTTP endpoint (for custom integrations)."""

    kind: ClassVar[ConnectorKind] = "notifier"
    Settings: ClassVar[type[WebhookSettings]] = WebhookSettings
    type: ClassVar[str] = "webhook"

    def __init__(self, settings: WebhookSettings, context: NotifierContext) -> None:
        self._poster = WebhookPoster(
            service="webhook",
            vendor="The digest webhook",
            url=settings.webhook_url.get_secret_value(),
            url_hint=URL_HINT,
            context=context,
            policy=HttpPolicy(read_timeout=settings.timeout_seconds),
            explain=explain_webhook,
            headers={name: value.get_secret_value() for name, value in settings.headers.items()},
        )

    @classmethod
    def render(cls, digest: Digest) -> dict[str, Any]:
        """The digest model itself, versioned: a generic receiver renders it its own way."""
        return digest_as_json(digest)

    def post(self, payload: Mapping[str, Any]) -> PostResult:
        """POST the digest model as JSON; any 2xx answer means it was received."""
        return self._poster.post(payload)

    def close(self) -> None:
        self._poster.close()
