"""Microsoft Teams notifier: posts the digest through a Workflows webhook."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from connectors.msteams.render import render_teams
from syncd.connector.digest import Digest
from syncd.connector.http import HttpPolicy
from syncd.connector.notifier import NotifierContext, PostResult, Refusal, WebhookPoster, json_body
from syncd.connector.registry import ConnectorKind
from syncd.connector.settings import ConnectorSettings, PersonHandle, WebhookUrl


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


URL_HINT = "TEAMS_WEBHOOK_… (the variable the team file's webhook_url names)"
_MESSAGE_LIMIT = 200


def _flow_message(body: str) -> str:
    """The flow's own error text: ``{"error": {"code": ..., "message": ...}}``."""
    decoded = json_body(body)
    error = decoded.get("error") if isinstance(decoded, Mapping) else None
    if not isinstance(error, Mapping):
        return ""
    parts = [str(error.get(name) or "") for name in ("code", "message")]
    text = ": ".join(part for part in parts if part)
    return " ".join(text.split())[:_MESSAGE_LIMIT]


def explain_teams(status: int, body: str) -> Refusal | None:
    """A Workflows webhook's refusal, in words a person can act on; None if unknown."""
    said = _flow_message(body)
    detail = f" ({said})" if said else ""
    if status in (401, 403):
        return Refusal(
            f"the flow refused the request (HTTP {status}){detail}: its trigger URL's signature "
            "is invalid or the flow is turned off. Turn the flow on in Power Automate, or copy "
            f"its current URL into {URL_HINT}"
        )
    if status == 404:
        return Refusal(
            f"the flow does not exist (HTTP 404){detail}: it was deleted, or the URL is wrong; "
            f"create the workflow again and update {URL_HINT}"
        )
    if status == 400:
        return Refusal(
            f"the flow rejected the Adaptive Card message (HTTP 400){detail} — a syncd bug, "
            "please report (or the flow expects another message shape: use the 'Post to a "
            "channel when a webhook request is received' template)"
        )
    return None


class TeamsNotifier:
    """Posts the team's digest to a Microsoft Teams channel (Workflows webhook, Adaptive Card)."""

    kind: ClassVar[ConnectorKind] = "notifier"
    Settings: ClassVar[type[TeamsSettings]] = TeamsSettings
    type: ClassVar[str] = "teams"
    handle: ClassVar[PersonHandle] = PersonHandle(
        "Microsoft Teams user principal name (e-mail form), used for mentions."
    )

    def __init__(self, settings: TeamsSettings, context: NotifierContext) -> None:
        self._poster = WebhookPoster(
            service="teams",
            vendor="Microsoft Teams",
            url=settings.webhook_url.get_secret_value(),
            url_hint=URL_HINT,
            context=context,
            policy=HttpPolicy(read_timeout=settings.timeout_seconds),
            explain=explain_teams,
        )

    @classmethod
    def render(cls, digest: Digest) -> dict[str, Any]:
        """The digest as this channel's webhook body."""
        return render_teams(digest)

    def post(self, payload: Mapping[str, Any]) -> PostResult:
        """Post a rendered message (``{"type": "message", "attachments": [Adaptive Card]}``).

        The flow answers 202 Accepted (it runs afterwards); 200 is accepted too.
        """
        return self._poster.post(payload)

    def close(self) -> None:
        self._poster.close()
