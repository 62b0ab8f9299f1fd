"""Microsoft Teams notifier: posts the digest through a Workflows webhook."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from syncd.plugins import ConnectorKind, ConnectorSettings
from syncd.settings_fields import WebhookUrl


class TeamsSettings(ConnectorSettings):
    """A ``digest.channels`` entry of ``type: teams``."""

    webhook_url: WebhookUrl = Field(
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
