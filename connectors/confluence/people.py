"""How a person's Confluence id is written in a team file (``people.<name>.confluence``), and
how a page mentions them (``confluence:<id>``, the form the storage format's ``ri:user`` takes
in the text syncd reads)."""

from __future__ import annotations

from connectors.confluence.inline import MENTION, USER_ID
from syncd.connector.settings import PersonHandle

HANDLE = PersonHandle.matching(
    USER_ID,
    "a Confluence Cloud account id (557058:0f1e…) or a Data Center user key",
    "Confluence Cloud account id, or Data Center user key: pages that mention or assign "
    "this person name them as the owner.",
    names_owner=True,  # a mention is the id itself
    mention=MENTION,
)
