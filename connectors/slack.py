"""Slack notifier: posts the digest through an incoming webhook."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from syncd.plugins import ConnectorKind, ConnectorSettings
from syncd.settings_fields import WebhookUrl

EMOJI_PATTERN = r":[a-z0-9_+'-]+:"


def _emoji(value: str) -> str:
    if re.fullmatch(EMOJI_PATTERN, value) is None:
        raise ValueError("must be an emoji name like :memo:")
    return value


class SlackSettings(ConnectorSettings):
    """A ``digest.channels`` entry of ``type: slack``."""

    webhook_url: WebhookUrl = Field(
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
