"""Mattermost notifier: posts the digest through an incoming webhook."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, Field

from connectors.mattermost.render import render_mattermost
from syncd.connector.digest import Digest
from syncd.connector.http import HttpPolicy
from syncd.connector.notifier import NotifierContext, PostResult, Refusal, WebhookPoster, json_body
from syncd.connector.registry import ConnectorKind
from syncd.connector.settings import ConnectorSettings, ImageUrl, PersonHandle, WebhookUrl

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


URL_HINT = "MATTERMOST_WEBHOOK_… (the variable the team file's webhook_url names)"
_MESSAGE_LIMIT = 200


def _server_error(body: str) -> tuple[str, str]:
    """Mattermost's ``{"id": "web.incoming_webhook...", "message": ...}``, as (id, message)."""
    decoded = json_body(body)
    if not isinstance(decoded, Mapping):
        return "", ""
    said = " ".join(str(decoded.get("message") or "").split())[:_MESSAGE_LIMIT]
    return str(decoded.get("id") or ""), said


def explain_mattermost(status: int, body: str) -> Refusal | None:
    """A Mattermost webhook's refusal, in words a person can act on; None if unknown."""
    error_id, said = _server_error(body)
    detail = f" ({said})" if said else ""
    if "channel_locked" in error_id:
        return Refusal(
            f"the webhook is locked to its channel{detail}: remove channel from the team file's "
            "digest entry, or unlock the webhook"
        )
    if "disabled" in error_id or "permissions" in error_id:
        return Refusal(
            f"the server refuses this webhook's post (HTTP {status}){detail}: incoming webhooks "
            "are disabled, or the webhook may not post there (or override its name and icon); "
            "ask the Mattermost admin"
        )
    if status == 404 or error_id.endswith("incoming_webhook.invalid.app_error"):
        return Refusal(
            f"the webhook was removed or never existed (HTTP {status}){detail}: create a new one "
            f"and update {URL_HINT}"
        )
    if status == 400 and "channel" in error_id:
        return Refusal(
            f"the channel does not exist (HTTP 400){detail}: fix channel in the team file's "
            "digest entry (its name, not its display name)"
        )
    if status == 400:
        return Refusal(
            f"Mattermost rejected the message format{detail} — a syncd bug, please report"
        )
    if status == 403:
        return Refusal(
            f"the server refuses this webhook's post (HTTP 403){detail}: ask the Mattermost admin "
            "whether incoming webhooks are enabled and the webhook may post to that channel"
        )
    return None


class MattermostNotifier:
    """Posts the team's digest to a Mattermost channel (incoming webhook, Markdown message)."""

    kind: ClassVar[ConnectorKind] = "notifier"
    Settings: ClassVar[type[MattermostSettings]] = MattermostSettings
    type: ClassVar[str] = "mattermost"
    handle: ClassVar[PersonHandle] = PersonHandle("Mattermost username (without @).")

    def __init__(self, settings: MattermostSettings, context: NotifierContext) -> None:
        self._settings = settings
        self._poster = WebhookPoster(
            service="mattermost",
            vendor="Mattermost",
            url=settings.webhook_url.get_secret_value(),
            url_hint=URL_HINT,
            context=context,
            policy=HttpPolicy(read_timeout=settings.timeout_seconds),
            explain=explain_mattermost,
        )

    @classmethod
    def render(cls, digest: Digest) -> dict[str, Any]:
        """The digest as this channel's webhook body."""
        return render_mattermost(digest)

    def post(self, payload: Mapping[str, Any]) -> PostResult:
        """Post a rendered message (``text`` and Slack-style ``attachments``)."""
        message = dict(payload)
        overrides = {
            "channel": self._settings.channel,
            "username": self._settings.username,
            "icon_emoji": self._settings.icon_emoji,
            "icon_url": self._settings.icon_url,
        }
        for name, value in overrides.items():
            if value is not None:
                message.setdefault(name, value)
        return self._poster.post(message)

    def close(self) -> None:
        self._poster.close()
