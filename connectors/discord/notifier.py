"""Discord notifier: posts the digest through a channel webhook."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from pydantic import Field, field_validator

from connectors.discord.render import USER_ID, render_discord
from syncd.connector.digest import Digest
from syncd.connector.http import HttpPolicy
from syncd.connector.notifier import NotifierContext, PostResult, Refusal, WebhookPoster, json_body
from syncd.connector.registry import ConnectorKind
from syncd.connector.settings import ConnectorSettings, ImageUrl, PersonHandle, WebhookUrl


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


URL_HINT = "DISCORD_WEBHOOK_… (the variable the team file's webhook_url names)"
_MESSAGE_LIMIT = 200
# Keys of Discord's own message format; a payload without them is Slack-compatible.
_NATIVE_KEYS = frozenset({"content", "embeds", "components", "poll", "flags"})
_SLACK_KEYS = frozenset({"text", "attachments", "blocks"})


def _discord_error(body: str) -> tuple[int | None, str]:
    """Discord's ``{"code": 10015, "message": "Unknown Webhook"}``, as (code, message)."""
    decoded = json_body(body)
    if not isinstance(decoded, Mapping):
        return None, ""
    code = decoded.get("code")
    said = " ".join(str(decoded.get("message") or "").split())[:_MESSAGE_LIMIT]
    return code if isinstance(code, int) else None, said


def explain_discord(status: int, body: str) -> Refusal | None:
    """A Discord webhook's refusal, in words a person can act on; None if unknown."""
    code, said = _discord_error(body)
    detail = f" ({code} {said})" if code is not None else (f" ({said})" if said else "")
    if status == 404:
        return Refusal(
            f"the webhook was deleted (HTTP 404){detail}: create a new one in the channel's "
            f"Integrations settings and update {URL_HINT}"
        )
    if status == 401:
        return Refusal(
            f"the webhook's token is invalid (HTTP 401){detail}: copy the webhook's URL again "
            f"into {URL_HINT}"
        )
    if status == 403:
        return Refusal(
            f"the webhook may not post in its channel (HTTP 403){detail}: check its channel's "
            "permissions"
        )
    if status == 400:
        return Refusal(f"Discord rejected the message format{detail} — a syncd bug, please report")
    return None


class _RetryAfterFromBody(httpx.BaseTransport):
    """Discord says how long to pause in a 429's JSON body (``retry_after``, seconds, with
    fractions) as well as in headers; when the ``Retry-After`` header is missing, give the
    policy the body's value in it, so the one policy honours it (no retry logic here)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if response.status_code != 429 or "retry-after" in response.headers:
            return response
        response.read()
        decoded = json_body(response.text)
        wait = decoded.get("retry_after") if isinstance(decoded, Mapping) else None
        if isinstance(wait, int | float) and not isinstance(wait, bool) and wait >= 0:
            response.headers["Retry-After"] = f"{float(wait):.3f}"
        return response

    def close(self) -> None:
        self._inner.close()


class DiscordNotifier:
    """Posts the team's digest to a Discord channel (webhook, embeds)."""

    kind: ClassVar[ConnectorKind] = "notifier"
    Settings: ClassVar[type[DiscordSettings]] = DiscordSettings
    type: ClassVar[str] = "discord"
    handle: ClassVar[PersonHandle] = PersonHandle.matching(
        USER_ID,
        "a Discord user ID (digits, Copy User ID)",
        "Discord user ID (digits), used for mentions.",
    )

    def __init__(self, settings: DiscordSettings, context: NotifierContext) -> None:
        self._settings = settings
        self._poster = WebhookPoster(
            service="discord",
            vendor="Discord",
            url=settings.webhook_url.get_secret_value(),
            url_hint=URL_HINT,
            context=context,
            policy=HttpPolicy(read_timeout=settings.timeout_seconds),
            explain=explain_discord,
            inner=_RetryAfterFromBody,
        )

    @classmethod
    def render(cls, digest: Digest) -> dict[str, Any]:
        """The digest as this channel's webhook body."""
        return render_discord(digest)

    def post(self, payload: Mapping[str, Any]) -> PostResult:
        """Post a rendered message: Discord's own (``content``, ``embeds``) or Slack-compatible
        (``text``, ``attachments``: sent to the webhook's ``/slack`` endpoint).

        ``?wait=true`` makes Discord answer 200 once the message exists, instead of 204 before.
        """
        message = dict(payload)
        slack_compatible = not (_NATIVE_KEYS & message.keys()) and bool(
            _SLACK_KEYS & message.keys()
        )
        if self._settings.username is not None:
            message.setdefault("username", self._settings.username)
        if self._settings.avatar_url is not None:
            message.setdefault(
                "icon_url" if slack_compatible else "avatar_url", self._settings.avatar_url
            )
        if not slack_compatible:
            # Whatever the text says, nobody is pinged unless the rendering names them.
            message.setdefault("allowed_mentions", {"parse": []})
        return self._poster.post(
            message, params={"wait": "true"}, path_suffix="/slack" if slack_compatible else ""
        )

    def close(self) -> None:
        self._poster.close()
