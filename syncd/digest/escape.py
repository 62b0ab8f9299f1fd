"""Untrusted text made inert for each channel's markup.

Titles, owners as written and error messages come from documents and trackers: anybody who can
edit a postmortem can write ``<!channel>``, ``@everyone``, ``<at>CEO</at>`` or
``[your bank](https://evil.example)``. Everything such text passes through here before it is
placed in a payload, so it can mention nobody, open no formatting it does not close, and show no
link whose text hides its target. Links syncd itself adds (an issue's URL) go through
``safe_url`` and are written by the renderers in the channel's own link syntax.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

ZWSP = "\u200b"  # breaks a mention or markup token without changing what a person reads

# Longest texts a digest line shows; the issue holds the whole text. Shortening happens before
# escaping, so an escape is never cut in half.
TITLE_LIMIT = 200
OWNER_LIMIT = 60
REASONS_LIMIT = 300

# Characters that change how text reads or hide what it is: bidirectional overrides and
# isolates (a title that displays reversed), zero-width and invisible joiners (which would also
# let an attacker smuggle a token past the escaping below), and the byte order mark.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad\u034f\u180e]")


def clean_text(text: str, limit: int | None = None) -> str:
    """One line of printable text: no control, format or invisible characters, single spaces.

    Terminal escape sequences are dropped with their ESC, line breaks become spaces (a newline in
    a title must not start a quote, a heading or a list item), and a text longer than ``limit``
    is shortened at a word boundary with an ellipsis.
    """
    text = _INVISIBLE.sub("", text)
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs")
    )
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        if space > limit // 2:
            cut = cut[:space]
        text = cut.rstrip(" .,;:") + "\u2026"
    return text


# Kept as they are in a URL; everything else (spaces, quotes, <, >, |, brackets, parentheses,
# non-ASCII) is percent-encoded, so no channel's link syntax can end early.
_URL_SAFE = ":/?#@!$&'*+,;=%-._~"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit to be placed in any channel's link syntax, or None when it is not one."""
    if url is None:
        return None
    url = url.strip()
    if not url or any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None  # "https://bank.example@evil.example/" reads as one host and goes to another
    return quote(url, safe=_URL_SAFE)


# ------------------------------------------------------------------------------------ Slack

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


# ------------------------------------------------------------------------ markdown channels

# CommonMark backslash escapes for what could take effect inside a line: emphasis, code,
# strike-through, link and image brackets, table cells and spoilers (``|``), quotes. Without
# its brackets ``[text](url)`` is no link, so parentheses stay as they are.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]|>])")


def _markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _break_mentions(text: str) -> str:
    """A zero-width space after every ``@``: ``@channel``, ``@here``, ``@everyone``, ``@all`` and
    ``@user`` no longer match any mention syntax, and still read the same."""
    return text.replace("@", "@" + ZWSP)


def mattermost_text(text: str, limit: int | None = None) -> str:
    """Untrusted text for Mattermost markdown (also its Slack-compatible fields).

    Mattermost turns Slack's ``<!channel>``, ``<userid>`` and ``<url|text>`` into mentions and
    links before rendering, so ``<`` and ``>`` become entities; ``@`` mentions are broken with a
    zero-width space; markdown is backslash-escaped so ``[text](url)`` is no link.
    """
    text = clean_text(text, limit)
    text = _markdown_escape(text.replace("&", "&amp;"))
    text = text.replace("<", "&lt;").replace(">", "&gt;").replace("\\&gt;", "&gt;")
    return _break_mentions(text)


def discord_text(text: str, limit: int | None = None) -> str:
    """Untrusted text for Discord markdown (content and embeds).

    ``@everyone`` and ``@here`` get a zero-width space after the ``@``; ``<@…>``, ``<@&…>``,
    ``<#…>`` and ``</command:…>`` one after the ``<``; markdown is backslash-escaped, so a masked
    link ``[bank](https://evil)`` shows its brackets. (The payload's ``allowed_mentions`` also
    stops any ping syncd did not put there.)
    """
    text = clean_text(text, limit)
    text = _markdown_escape(text)
    return _break_mentions(text.replace("<", "<" + ZWSP))


def teams_text(text: str, limit: int | None = None) -> str:
    """Untrusted text for an Adaptive Card TextBlock (a CommonMark subset) in Teams.

    ``<`` gets a zero-width space after it, so no ``<at>`` (a mention) or HTML-like tag comes
    from the text; markdown is backslash-escaped, and a zero-width space also sits between ``]``
    and ``(``, so a renderer that ignores backslashes still sees no ``[text](url)`` link.
    """
    text = clean_text(text, limit)
    text = _markdown_escape(text.replace("<", "<" + ZWSP))
    return text.replace("\\](", "\\]" + ZWSP + "(")


def plain_text(text: str, limit: int | None = None) -> str:
    """Untrusted text for a terminal: one printable line, no escape sequences."""
    return clean_text(text, limit)
