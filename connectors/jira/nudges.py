"""A nudge as a Jira comment: the assignee mentioned in Jira's own syntax, then plain text.

Cloud (API v3) takes the comment as ADF, where a mention is a node and text is never markup.
Data Center (API v2) takes wiki markup: the mention is ``[~username]`` and the text, which may
quote a document, is escaped so it can mention nobody and format nothing.
"""

from __future__ import annotations

from typing import Any

from connectors.jira.adf import text_to_adf
from connectors.jira.deployment import Deployment
from connectors.jira.quoting import quoted_wiki


def nudge_comment_body(deployment: Deployment, mention: str | None, text: str) -> Any:
    if deployment.is_cloud:
        return _adf_body(mention, text)
    escaped = quoted_wiki(text)
    return f"[~{mention}] {escaped}" if mention else escaped


def _adf_body(mention: str | None, text: str) -> dict[str, Any]:
    document = text_to_adf(text)
    if mention and document["content"]:
        first = document["content"][0]["content"]
        first[:0] = [
            {"type": "mention", "attrs": {"id": mention}},
            {"type": "text", "text": " "},
        ]
    return document
