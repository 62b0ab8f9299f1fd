"""Mattermost notifier: posts the digest through an incoming webhook."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from syncd.plugins import ConnectorKind, ConnectorSettings
from syncd.settings_fields import ImageUrl, WebhookUrl

EMOJI_PATTERN = r":?[a-z0-9_+-]+:?"
CHANNEL_PATTERN = r"@?[a-z0-9._-]+"


def _pattern(pattern: str, expected: str) -> AfterValidator:
    def check(value: str) -> str:
        if re.fullmatch(pattern, value) is None:
            raise ValueError(f"must be {expected}")
        return value

    return AfterValidator(check)


class MattermostSettings(ConnectorSettings):
    """A ``digest.channels`` entry of ``type: mattermost``."""

    webhook_url: WebhookUrl = Field(
        description=(
            "Incoming webhook URL (it is a credential), from the environment: "
            '"${MATTERMOST_WEBHOOK_URL}".'
        )
    )
    channel: (
        Annotated[
            str,
            _pattern(CHANNEL_PATTERN, "a channel name like town-square"),
            Field(json_schema_extra={"pattern": f"^{CHANNEL_PATTERN}$"}),
        ]
        | None
    ) = Field(
        None,
        description="Channel name (not display name) overriding the webhook's default channel, "
        "if the webhook is not locked to its channel.",
    )
    username: str | None = Field(
        None,
        min_length=1,
        description="Display name of the post (needs 'Enable integrations to override usernames').",
    )
    icon_emoji: (
        Annotated[
            str,
            _pattern(EMOJI_PATTERN, "an emoji name like memo"),
            Field(json_schema_extra={"pattern": f"^{EMOJI_PATTERN}$"}),
        ]
        | None
    ) = Field(
        None,
        description="Emoji used as the post's icon (needs 'override profile picture icons').",
    )
    icon_url: ImageUrl | None = Field(
        None, description="Image URL used as the post's icon; icon_emoji wins if both are set."
    )
    timeout_seconds: float = Field(
        15.0, gt=0, le=600, description="Timeout of each post, in seconds."
    )


class MattermostNotifier:
    """Posts the team's digest to a Mattermost channel (incoming webhook, Markdown message)."""

    kind: ClassVar[ConnectorKind] = "notifier"
    Settings: ClassVar[type[MattermostSettings]] = MattermostSettings
    type: ClassVar[str] = "mattermost"
