"""Slack notifier: posts the digest through an incoming webhook."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr

from syncd.plugins import ConnectorKind, ConnectorSettings

EMOJI_PATTERN = r":[a-z0-9_+'-]+:"


def _webhook_url(value: SecretStr) -> SecretStr:
    url = value.get_secret_value().strip()
    if not url:  # `${VAR:-}`: fine while loading; posting says it is missing
        return value
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL")  # never the value: a secret
    return SecretStr(url)


def _emoji(value: str) -> str:
    if re.fullmatch(EMOJI_PATTERN, value) is None:
        raise ValueError("must be an emoji name like :memo:")
    return value


class SlackSettings(ConnectorSettings):
    """A ``digest.channels`` entry of ``type: slack``."""

    webhook_url: Annotated[SecretStr, AfterValidator(_webhook_url)] = Field(
        description=(
            "Incoming webhook URL (it is a credential), from the environment: "
            '"${SLACK_WEBHOOK_URL}". The webhook decides the channel.'
        )
    )
    username: str | None = Field(
        None,
        min_length=1,
        description="Display name of the post; honoured by legacy webhooks only.",
    )
    icon_emoji: (
        Annotated[
            str,
            AfterValidator(_emoji),
            Field(json_schema_extra={"pattern": f"^{EMOJI_PATTERN}$"}),
        ]
        | None
    ) = Field(None, description="Icon of the post, e.g. :memo:; honoured by legacy webhooks only.")
    timeout_seconds: float = Field(
        15.0, gt=0, le=600, description="Timeout of each post, in seconds."
    )


class SlackNotifier:
    """Posts the team's digest to a Slack channel (incoming webhook, Block Kit message)."""

    kind: ClassVar[ConnectorKind] = "notifier"
    Settings: ClassVar[type[SlackSettings]] = SlackSettings
    type: ClassVar[str] = "slack"
