"""Generic webhook notifier: posts the digest as a JSON document to any URL."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field, SecretStr, field_validator

from syncd.plugins import ConnectorKind, ConnectorSettings
from syncd.settings_fields import WebhookUrl

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


class WebhookNotifier:
    """Posts the team's digest as JSON to any HTTP endpoint (for custom integrations)."""

    kind: ClassVar[ConnectorKind] = "notifier"
    Settings: ClassVar[type[WebhookSettings]] = WebhookSettings
    type: ClassVar[str] = "webhook"
