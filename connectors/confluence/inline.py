"""The inline content of storage format as markdown text: emphasis, links, mentions, dates,
the Jira and status macros.

A mention (``<ac:link><ri:user ri:account-id="…"/></ac:link>``) becomes ``confluence:<id>``, the
form the source's person handle reads as a mention (``people.<name>.confluence``). A Jira macro
becomes its issue key, which the markdown rules read as a tracker reference; a status macro its
title (``DONE``), which they read as a status. Text is escaped where markdown would read it as
structure (a ``|`` would split a table cell).

Pure: elements in, text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from connectors.confluence.storage import all_text, attribute, children, macro_parameter, tag_of

MENTION_PREFIX = "confluence:"
# The ids Confluence writes for a user: a Cloud account id (557058:0f…-…, or 24 hex digits), a
# Data Center user key (32 hex digits) or, in old pages, a username.
USER_ID = r"[A-Za-z0-9][A-Za-z0-9:._@+-]{0,127}"
MENTION = re.compile(rf"^{MENTION_PREFIX}(?P<id>{USER_ID})$")

_SPACE = re.compile(r"[ \t\r\n\u00a0]+")
_ESCAPED = re.compile(r"([\\|<])")
_ADJACENT_MENTIONS = re.compile(rf"({MENTION_PREFIX}\S+) +(?={MENTION_PREFIX})")
_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*", "s": "~~", "del": "~~", "strike": "~~"}
_EMOTICONS = {"tick": "\u2705", "check": "\u2705", "warning": "\u26a0"}
_SKIPPED = frozenset({"ac:placeholder", "ac:image", "ac:parameter", "ri:attachment"})
_INLINE_MACROS_WITH_BODY = frozenset({"span", "anchor", "excerpt", "highlight", "color"})


@dataclass(slots=True)
class Taken:
    """What was taken out of a task's text: its assignee (first mention) and due date."""

    take: bool = False
    assignee: str | None = None
    due: str | None = None


def escape(text: str) -> str:
    return _ESCAPED.sub(r"\\\1", _SPACE.sub(" ", text))


def user_id(link: etree._Element) -> str | None:
    """The id of the ``ri:user`` an ``ac:link`` points at, if it points at a user."""
    for user in children(link, "ri:user"):
        for name in ("ri:account-id", "ri:userkey", "ri:username"):
            value = attribute(user, name)
            if value and re.fullmatch(USER_ID, value):
                return value
    return None


def inline_text(element: etree._Element, taken: Taken | None = None, *, cell: bool = False) -> str:
    """The element's content as one line of markdown (``cell``: within a table cell)."""
    out = _children_text(element, taken or Taken(), cell)
    text = _ADJACENT_MENTIONS.sub(r"\1, ", _SPACE.sub(" ", out)).strip()
    return text


def _children_text(element: etree._Element, taken: Taken, cell: bool) -> str:
    parts = [escape(element.text or "")]
    for child in element:
        parts.append(_element_text(child, taken, cell))
        parts.append(escape(child.tail or ""))
    return "".join(parts)


def _element_text(element: etree._Element, taken: Taken, cell: bool) -> str:
    tag = tag_of(element)
    if tag in _SKIPPED:
        return ""
    if tag in _EMPHASIS:
        return _wrap(_children_text(element, taken, cell), _EMPHASIS[tag])
    if tag in ("code", "tt"):
        raw = _SPACE.sub(" ", all_text(element)).strip()
        return f"`{raw}`" if raw and "`" not in raw else escape(raw)
    if tag == "a":
        return _link(element, taken, cell)
    if tag == "br":
        return " "
    if tag == "ac:link":
        return _confluence_link(element, taken, cell)
    if tag == "ac:emoticon":
        return _EMOTICONS.get(attribute(element, "ac:name") or "", "")
    if tag == "time":
        return _time(element, taken)
    if tag == "ac:structured-macro":
        return _macro(element, taken, cell)
    if tag == "ac:task-list":
        return " ; ".join(_task_in_text(task, cell) for task in children(element, "ac:task"))
    if tag in ("ul", "ol"):
        items = [inline_text(li, taken, cell=cell) for li in children(element, "li")]
        return " ; ".join(item for item in items if item)
    if tag in ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"):
        return f" {_children_text(element, taken, cell)} "
    return _children_text(element, taken, cell)


def _wrap(inner: str, marker: str) -> str:
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = " " if inner[:1].isspace() else ""
    trail = " " if inner[-1:].isspace() else ""
    return f"{lead}{marker}{stripped}{marker}{trail}"


def _link(element: etree._Element, taken: Taken, cell: bool) -> str:
    href = (element.get("href") or "").strip()
    text = _children_text(element, taken, cell).strip()
    if not href or re.search(r"[\s()<>]", href):
        return text
    if not text or text == href:
        return href
    return f"[{text.replace('[', '(').replace(']', ')')}]({href})"


def _confluence_link(element: etree._Element, taken: Taken, cell: bool) -> str:
    user = user_id(element)
    if user is not None:
        if taken.take and taken.assignee is None:
            taken.assignee = user
            return ""
        return f" {MENTION_PREFIX}{user} "
    for body in ("ac:link-body", "ac:plain-text-link-body"):
        for part in children(element, body):
            text = _children_text(part, taken, cell).strip()
            if text:
                return text
    for page in children(element, "ri:page"):
        return escape(attribute(page, "ri:content-title") or "")
    return ""


def _time(element: etree._Element, taken: Taken) -> str:
    when = (element.get("datetime") or "").strip()
    if taken.take and taken.due is None and when:
        taken.due = when
        return ""
    return escape(when or all_text(element))


def _macro(element: etree._Element, taken: Taken, cell: bool) -> str:
    name = attribute(element, "ac:name") or ""
    if name == "jira":
        key = macro_parameter(element, "key")
        return f" {escape(key)} " if key else ""
    if name == "status":
        title = macro_parameter(element, "title") or macro_parameter(element, "colour") or ""
        return f" {escape(title)} "
    bodies = children(element, "ac:rich-text-body")
    if bodies and (cell or name in _INLINE_MACROS_WITH_BODY):
        return " ".join(_children_text(body, taken, cell) for body in bodies)
    return ""


def _task_in_text(task: etree._Element, cell: bool) -> str:
    """A task inside a table cell: its text, ``**DONE**`` before it once completed (the
    status the markdown rules read in any cell)."""
    done = task_status(task) == "complete"
    body = children(task, "ac:task-body")
    text = " ".join(inline_text(b, cell=cell) for b in body).strip()
    return f"**DONE** {text}".strip() if done else text


def task_status(task: etree._Element) -> str:
    for status in children(task, "ac:task-status"):
        return all_text(status).strip().lower()
    return "incomplete"
