"""Discord notifier: posts the digest through a channel webhook."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from syncd.plugins import ConnectorKind, ConnectorSettings
from syncd.settings_fields import ImageUrl, WebhookUrl


class DiscordSettings(ConnectorSettings):
    """A ``digest.channels`` entry of ``type: discord``."""

    webhook_url: WebhookUrl = Field(
        description=(
            "Channel webhook URL (it is a credential), from the environment: "
            '"${DISCORD_WEBHOOK_URL}".'
        )
    )
    username: str | None = Field(
        None,
        min_length=1,
        max_length=80,
        description="Display name of the post instead of the webhook's own.",
    )
    avatar_url: ImageUrl | None = Field(
        None, description="Image URL used as the post's avatar instead of the webhook's own."
    )
    timeout_seconds: float = Field(
        15.0, gt=0, le=600, description="Timeout of each post, in seconds."
    )

    @field_validator("username")
    @classmethod
    def _allowed_username(cls, value: str | None) -> str | None:
        # Discord answers these with HTTP 400; better said while loading than at digest time
        lowered = (value or "").lower()
        if "discord" in lowered or lowered in ("everyone", "here"):
            raise ValueError("Discord refuses usernames containing 'discord', or 'everyone'/'here'")
        return value


class DiscordNotifier:
    """Posts the team's digest to a Discord channel (webhook, embeds)."""

    kind: ClassVar[ConnectorKind] = "notifier"
    Settings: ClassVar[type[DiscordSettings]] = DiscordSettings
    type: ClassVar[str] = "discord"
