"""What a notifier renders: the team's :class:`Digest`, and the parts every rendering shares.

A notifier's ``render(digest)`` builds its channel's payload from the digest's sections
(``compose``, cut to the channel's limits by ``fit``), its words (``wording``) and the escapes
that keep untrusted text from mentioning anyone or faking a link (``clean_text``,
``markdown_escape``, ``break_mentions``, ``plain_text``).
"""

from __future__ import annotations

from syncd.digest import Digest, digest_as_json, wording
from syncd.digest.compose import Section, compose, fit
from syncd.digest.escape import ZWSP, break_mentions, clean_text, markdown_escape, plain_text
from syncd.digest.model import OwnerRef

__all__ = [
    "ZWSP",
    "Digest",
    "OwnerRef",
    "Section",
    "break_mentions",
    "clean_text",
    "compose",
    "digest_as_json",
    "fit",
    "markdown_escape",
    "plain_text",
    "wording",
]
