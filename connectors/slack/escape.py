"""Untrusted text made inert for Slack's mrkdwn, plain_text objects and ``<url|text>`` links."""

from __future__ import annotations

import re

from syncd.connector.digest import ZWSP, clean_text

# Slack mrkdwn has no escape character besides the three entities; the formatting characters
# are replaced by look-alikes so a title can neither open nor close bold, italic, strike or code.
_SLACK_FORMAT = str.maketrans({"*": "\u2217", "~": "\u223c", "`": "\u02cb"})
_SLACK_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def slack_text(text: str, limit: int | None = None) -> str:
    """Untrusted text for Slack mrkdwn: ``&``, ``<``, ``>`` escaped, formatting neutralised.

    With ``<`` escaped, ``<!channel>``, ``<!here>``, ``<!everyone>``, ``<@U…>``,
    ``<!subteam^…>``, ``<#C…>`` and ``<https://evil|bank>`` are plain text. A bare ``@here``,
    ``@channel`` or ``@everyone`` gets a zero-width space after the ``@``: Slack parses them
    as mentions in a text object without ``verbatim: true`` (the renderer sets it too). An
    underscore inside a word (``max_conns``) stays, Slack does not italicise there.
    """
    text = clean_text(text, limit)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _break_slack_mentions(text.translate(_SLACK_FORMAT))
    return _SLACK_UNDERSCORE.sub("\u02cd", text)


def slack_plain_text(text: str, limit: int | None = None) -> str:
    """Untrusted text for a Slack ``plain_text`` object: no markup, but no bare mention either."""
    return _break_slack_mentions(clean_text(text, limit))


# The words Slack turns into a broadcast when it finds them after "@" (also "@group", legacy).
_SLACK_BROADCAST = re.compile(r"@(?=(?:here|channel|everyone|group)\b)", re.IGNORECASE)


def _break_slack_mentions(text: str) -> str:
    # Only the broadcasts: with ``verbatim`` set, "@alice" is not parsed, and stays searchable.
    return _SLACK_BROADCAST.sub("@" + ZWSP, text)


def slack_url(url: str) -> str:
    """A ``safe_url`` result inside Slack's ``<url|text>``: only ``&`` needs its entity."""
    return url.replace("&", "&amp;")
