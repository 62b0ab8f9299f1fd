"""The notifier role: a connector that posts a team's digest to a chat channel.

Most notifiers are webhooks: :class:`WebhookPoster` posts through the HTTP policy and turns
every outcome into a :class:`PostResult`, leaving the connector to say what its vendor's
refusals mean (an ``Explain`` giving a :class:`Refusal`).
"""

from __future__ import annotations

from syncd.notifier import (
    Accept,
    Explain,
    Notifier,
    NotifierContext,
    NotifierFactory,
    PostResult,
    Refusal,
    WebhookPoster,
    json_body,
    register_secret_url,
)

__all__ = [
    "Accept",
    "Explain",
    "Notifier",
    "NotifierContext",
    "NotifierFactory",
    "PostResult",
    "Refusal",
    "WebhookPoster",
    "json_body",
    "register_secret_url",
]
