"""Plain text ⇄ Atlassian Document Format, for the descriptions syncd writes on Jira Cloud.

syncd renders a description as plain text (paragraphs, lines, URLs). Cloud's v3 API wants ADF;
Data Center's v2 takes the text as it is. Reading back, any ADF a person wrote is flattened to
text, so a person's edit compares as a change and is kept (CONTRACT §6), while the ADF syncd
wrote itself reads back byte-identical to the text it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_URL = re.compile(r"https?://[^\s<>\"]+")


def text_to_adf(text: str) -> dict[str, Any]:
    paragraphs = [p for p in re.split(r"\n{2,}", text.strip("\n")) if p.strip()]
    return {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": list(_paragraph_nodes(p))} for p in paragraphs
        ],
    }


def _paragraph_nodes(paragraph: str) -> Iterator[dict[str, Any]]:
    for index, line in enumerate(paragraph.split("\n")):
        if index:
            yield {"type": "hardBreak"}
        yield from _line_nodes(line)


def _line_nodes(line: str) -> Iterator[dict[str, Any]]:
    position = 0
    for match in _URL.finditer(line):
        if match.start() > position:
            yield {"type": "text", "text": line[position : match.start()]}
        url = match.group(0)
        yield {"type": "text", "text": url, "marks": [{"type": "link", "attrs": {"href": url}}]}
        position = match.end()
    if position < len(line):
        yield {"type": "text", "text": line[position:]}


def adf_to_text(document: Any) -> str:
    """The text of an ADF document (or a plain string, as Data Center returns)."""
    if document is None:
        return ""
    if isinstance(document, str):
        return document
    blocks = [_block_text(node) for node in document.get("content", []) or []]
    return "\n\n".join(block for block in blocks if block)


def _block_text(node: dict[str, Any], depth: int = 0) -> str:
    kind = node.get("type")
    children = node.get("content", []) or []
    if kind in ("bulletList", "orderedList"):
        lines = []
        for number, item in enumerate(children, start=1):
            marker = f"{number}." if kind == "orderedList" else "-"
            body = "\n".join(_block_text(child, depth + 1) for child in item.get("content", []))
            lines.append("  " * depth + f"{marker} {body}")
        return "\n".join(lines)
    if kind in ("paragraph", "heading", "blockquote", "panel", "listItem", "tableCell"):
        if any(
            child.get("type")
            not in ("text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status")
            for child in children
        ):
            return "\n".join(_block_text(child, depth) for child in children)
        return "".join(_inline_text(child) for child in children)
    if kind == "codeBlock":
        return "".join(_inline_text(child) for child in children)
    if kind == "rule":
        return "---"
    return "\n".join(_block_text(child, depth) for child in children)


def _inline_text(node: dict[str, Any]) -> str:
    kind = node.get("type")
    attrs = node.get("attrs", {}) or {}
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind == "mention":
        return str(attrs.get("text", ""))
    if kind == "emoji":
        return str(attrs.get("text") or attrs.get("shortName", ""))
    if kind == "inlineCard":
        return str(attrs.get("url", ""))
    if kind in ("date", "status"):
        return str(attrs.get("timestamp") or attrs.get("text", ""))
    return ""
