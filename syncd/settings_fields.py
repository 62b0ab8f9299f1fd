"""Field types that connector Settings models share: URLs and webhook credentials.

Connectors may import this (it is core, vendor-free and pure); it keeps every channel's
validation, and its error wording, the same.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _webhook_url(value: SecretStr) -> SecretStr:
    url = value.get_secret_value().strip()
    if not url:  # `${VAR:-}`: fine while loading; posting says it is missing
        return value
    if not _is_http_url(url):
        raise ValueError("must be an http:// or https:// URL")  # never the value: a secret
    return SecretStr(url)


def _image_url(value: str) -> str:
    if not _is_http_url(value):
        raise ValueError("must be an http:// or https:// URL of an image")
    return value


# A chat webhook URL: a credential, so a SecretStr, validated without ever echoing it.
WebhookUrl = Annotated[SecretStr, AfterValidator(_webhook_url)]

# A public image URL (avatars, icons).
ImageUrl = Annotated[str, AfterValidator(_image_url), Field(json_schema_extra={"format": "uri"})]
