"""The team digest: one model built from judged items, rendered for each kind of channel.

``build_digest`` is pure (items, policy and an injected clock in, a ``Digest`` out); each
``render_*`` is a pure function of the digest and the channel's limits, returning the JSON body
a webhook receives (or text for a terminal). Posting is not here: notifier connectors send what
these return.
"""

from __future__ import annotations

from syncd.digest.build import FIRST_DIGEST_LOOKBACK, ChatIds, build_digest
from syncd.digest.compose import DigestTooLarge
from syncd.digest.model import (
    Counts,
    Digest,
    DigestEntry,
    OverdueGroup,
    OwnerRef,
    PostmortemRef,
    Rates,
    Ratio,
    ReviewDue,
)
from syncd.digest.render_discord import DiscordLimits, render_discord
from syncd.digest.render_json import digest_as_json
from syncd.digest.render_mattermost import MattermostLimits, render_mattermost
from syncd.digest.render_slack import SlackLimits, render_slack
from syncd.digest.render_teams import TeamsLimits, render_teams
from syncd.digest.render_text import render_text

__all__ = [
    "FIRST_DIGEST_LOOKBACK",
    "ChatIds",
    "Counts",
    "Digest",
    "DigestEntry",
    "DigestTooLarge",
    "DiscordLimits",
    "MattermostLimits",
    "OverdueGroup",
    "OwnerRef",
    "PostmortemRef",
    "Rates",
    "Ratio",
    "ReviewDue",
    "SlackLimits",
    "TeamsLimits",
    "build_digest",
    "digest_as_json",
    "render_discord",
    "render_mattermost",
    "render_slack",
    "render_teams",
    "render_text",
]
