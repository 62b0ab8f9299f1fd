"""Slack notifier: posts the digest through an incoming webhook."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, Field

from connectors.slack.render import MEMBER_ID, MENTION, render_slack
from syncd.connector.digest import Digest
from syncd.connector.http import HttpPolicy
from syncd.connector.notifier import NotifierContext, PostResult, Refusal, WebhookPoster
from syncd.connector.registry import ConnectorKind
from syncd.connector.settings import ConnectorSettings, PersonHandle, WebhookUrl

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


URL_HINT = "SLACK_WEBHOOK_… (the variable the team file's webhook_url names)"
# Slack allows about one message per second per incoming webhook.
MIN_WRITE_INTERVAL_S = 1.0

_A_SYNCD_BUG = "— a syncd bug, please report"
_NEW_WEBHOOK = f"create a new incoming webhook and update {URL_HINT}"

# Incoming webhooks answer errors as plain text: an error code, per status.
_ERRORS: dict[str, Refusal] = {
    "invalid_payload": Refusal(
        f"Slack rejected the message format (invalid_payload) {_A_SYNCD_BUG}"
    ),
    "invalid_blocks": Refusal(
        f"Slack rejected the message's blocks (invalid_blocks) {_A_SYNCD_BUG}"
    ),
    "invalid_blocks_format": Refusal(
        f"Slack rejected the message's blocks (invalid_blocks_format) {_A_SYNCD_BUG}"
    ),
    "too_many_attachments": Refusal(
        f"Slack refused a message with too many attachments (too_many_attachments) {_A_SYNCD_BUG}"
    ),
    "no_text": Refusal(f"Slack refused a message without text (no_text) {_A_SYNCD_BUG}"),
    "missing_text_or_fallback_or_attachments": Refusal(
        f"Slack refused a message without text (missing_text_or_fallback_or_attachments) "
        f"{_A_SYNCD_BUG}"
    ),
    "action_prohibited": Refusal(
        "the workspace admin restricted this webhook (action_prohibited): ask them to allow it, "
        f"or {_NEW_WEBHOOK}"
    ),
    "posting_to_general_channel_denied": Refusal(
        "only admins may post to this channel (posting_to_general_channel_denied): point the "
        "webhook at another channel, or ask an admin to allow it"
    ),
    "invalid_token": Refusal(
        f"the webhook's token is no longer valid (invalid_token): {_NEW_WEBHOOK}"
    ),
    "channel_not_found": Refusal(
        "the webhook was removed or its channel deleted (channel_not_found): create a new one "
        f"and update {URL_HINT}"
    ),
    "no_service": Refusal(
        "the webhook was removed or its channel deleted (no_service): create a new one and "
        f"update {URL_HINT}"
    ),
    "no_service_id": Refusal(f"the webhook URL is incomplete (no_service_id): {_NEW_WEBHOOK}"),
    "no_team": Refusal(f"the webhook's workspace no longer exists (no_team): {_NEW_WEBHOOK}"),
    "team_disabled": Refusal(
        f"the webhook's workspace is disabled (team_disabled): {_NEW_WEBHOOK}"
    ),
    "channel_is_archived": Refusal(
        "the channel is archived (channel_is_archived): unarchive it or point the webhook elsewhere"
    ),
}


def explain_slack(status: int, body: str) -> Refusal | None:
    """Slack's plain-text error code, in words a person can act on; None if unknown."""
    del status  # the code says it all; Slack's statuses for a code have varied over time
    return _ERRORS.get(body.strip())


class SlackNotifier:
    """Posts the team's digest to a Slack channel (incoming webhook, Block Kit message)."""

    kind: ClassVar[ConnectorKind] = "notifier"
    Settings: ClassVar[type[SlackSettings]] = SlackSettings
    type: ClassVar[str] = "slack"
    handle: ClassVar[PersonHandle] = PersonHandle.matching(
        MEMBER_ID,
        "a Slack member ID like U012ABCDEF (profile > Copy member ID)",
        "Slack member ID (U012ABCDEF), used for mentions.",
        names_owner=True,  # documents write owners as <@U012ABCDEF>
        mention=MENTION,
    )

    def __init__(self, settings: SlackSettings, context: NotifierContext) -> None:
        self._settings = settings
        self._poster = WebhookPoster(
            service="slack",
            vendor="Slack",
            url=settings.webhook_url.get_secret_value(),
            url_hint=URL_HINT,
            context=context,
            policy=HttpPolicy(
                read_timeout=settings.timeout_seconds,
                min_write_interval=MIN_WRITE_INTERVAL_S,
            ),
            explain=explain_slack,
        )

    @classmethod
    def render(cls, digest: Digest) -> dict[str, Any]:
        """The digest as this channel's webhook body."""
        return render_slack(digest)

    def post(self, payload: Mapping[str, Any]) -> PostResult:
        """Post a rendered Slack message (``text`` fallback and ``blocks``)."""
        message = dict(payload)
        # Honoured by legacy webhooks only; a payload that sets them itself wins.
        if self._settings.username is not None:
            message.setdefault("username", self._settings.username)
        if self._settings.icon_emoji is not None:
            message.setdefault("icon_emoji", self._settings.icon_emoji)
        return self._poster.post(message)

    def close(self) -> None:
        self._poster.close()
