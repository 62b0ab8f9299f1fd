"""Microsoft Teams notifier: posts the digest through a Workflows webhook."""

from __future__ import annotations

from typing import Annotated, ClassVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr

from syncd.plugins import ConnectorKind, ConnectorSettings


def _webhook_url(value: SecretStr) -> SecretStr:
    url = value.get_secret_value().strip()
    if not url:  # `${VAR:-}`: fine while loading; posting says it is missing
        return value
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL")  # never the value: a secret
    return SecretStr(url)


class TeamsSettings(ConnectorSettings):
    """A ``digest.channels`` entry of ``type: teams``."""

    webhook_url: Annotated[SecretStr, AfterValidator(_webhook_url)] = Field(
        description=(
            "URL of a Teams Workflows webhook ('Post to a channel when a webhook request is "
            'received\'); it is a credential, from the environment: "${TEAMS_WEBHOOK_URL}".'
        )
    )
    timeout_seconds: float = Field(
        15.0, gt=0, le=600, description="Timeout of each post, in seconds."
    )


class TeamsNotifier:
    """Posts the team's digest to a Microsoft Teams channel (Workflows webhook, Adaptive Card)."""

    kind: ClassVar[ConnectorKind] = "notifier"
    Settings: ClassVar[type[TeamsSettings]] = TeamsSettings
    type: ClassVar[str] = "teams"
