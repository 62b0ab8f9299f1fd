"""A nudge as a GitHub comment: ``@login`` first, then the text, which mentions and formats
nothing (it quotes a document, a postmortem's title: ``connectors.github.quoting``)."""

from __future__ import annotations

from connectors.github.quoting import quoted_markdown


def nudge_comment_body(mention: str | None, text: str) -> str:
    quiet = quoted_markdown(text)
    return f"@{mention} {quiet}" if mention else quiet
