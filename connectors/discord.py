"""Discord notifier: posts the digest through a channel webhook."""

from __future__ import annotations

from typing import Annotated, ClassVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr, field_validator

from syncd.plugins import ConnectorKind, ConnectorSettings


def _webhook_url(value: SecretStr) -> SecretStr:
    url = value.get_secret_value().strip()
    if not url:  # `${VAR:-}`: fine while loading; posting says it is missing
        return value
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL")  # never the value: a secret
    return SecretStr(url)


def _image_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL of an image")
    return value


class DiscordSettings(ConnectorSettings):
    """A ``digest.channels`` entry of ``type: discord``."""

    webhook_url: Annotated[SecretStr, AfterValidator(_webhook_url)] = Field(
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
    avatar_url: (
        Annotated[str, AfterValidator(_image_url), Field(json_schema_extra={"format": "uri"})]
        | None
    ) = Field(None, description="Image URL used as the post's avatar instead of the webhook's own.")
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
