"""The team digest: one model built from judged items, rendered for each kind of channel.

``build_digest`` is pure (items, policy and an injected clock in, a ``Digest`` out). Here are
the renderings that name no vendor (text for a terminal, JSON for any receiver) and the parts
every chat rendering shares (``compose``, ``escape``, ``wording``); each notifier connector
renders for its own channel (``Notifier.render``) and posts what it rendered.
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
from syncd.digest.render_json import digest_as_json
from syncd.digest.render_text import render_text

__all__ = [
    "FIRST_DIGEST_LOOKBACK",
    "ChatIds",
    "Counts",
    "Digest",
    "DigestEntry",
    "DigestTooLarge",
    "OverdueGroup",
    "OwnerRef",
    "PostmortemRef",
    "Rates",
    "Ratio",
    "ReviewDue",
    "build_digest",
    "digest_as_json",
    "render_text",
]
