"""An issue's origin (``IssueOrigin``) as JSON, the form trackers keep it in.

Jira keeps it as the issue property ``syncd.origin``; GitHub as a hidden line of the body.
Reading is lenient: an origin a person or an older syncd wrote differently is ignored (None),
never an error, since identity then falls back on the issue's own text.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from syncd.mirror.model import IssueOrigin

ORIGIN_VERSION = 1
# Long action texts are cut: the origin is for matching, and trackers limit property sizes.
_TITLE_LIMIT = 2000


def origin_json(origin: IssueOrigin) -> dict[str, Any]:
    return {
        "v": ORIGIN_VERSION,
        "item": origin.item_id,
        "source": origin.source,
        "document": origin.document,
        "title": origin.title[:_TITLE_LIMIT],
        "postmortem": origin.postmortem_title[:_TITLE_LIMIT],
        "date": None if origin.postmortem_date is None else origin.postmortem_date.isoformat(),
        "team": origin.team,
    }


def origin_of_json(value: object) -> IssueOrigin | None:
    if not isinstance(value, Mapping):
        return None
    texts = [value.get(k) for k in ("item", "source", "document", "title", "postmortem")]
    if not all(isinstance(t, str) for t in texts):
        return None
    item, source, document, title, postmortem = (str(t) for t in texts)
    day = value.get("date")
    try:
        when = date.fromisoformat(day) if isinstance(day, str) else None
    except ValueError:
        when = None
    team = value.get("team")
    if not item:
        return None
    return IssueOrigin(
        item, source, document, title, postmortem, when, team if isinstance(team, str) else ""
    )


# In an HTML comment: base64 of the JSON, so no text of the document can end the comment.
ORIGIN_LINE = re.compile(r"^\s*<!--\s*syncd:origin=(?P<data>[A-Za-z0-9+/=]+)\s*-->\s*$")


def origin_line(origin: IssueOrigin) -> str:
    data = json.dumps(origin_json(origin), separators=(",", ":"), ensure_ascii=False)
    return f"<!-- syncd:origin={base64.b64encode(data.encode('utf-8')).decode('ascii')} -->"


def origin_of_line(line: str) -> IssueOrigin | None:
    match = ORIGIN_LINE.match(line)
    if not match:
        return None
    try:
        return origin_of_json(json.loads(base64.b64decode(match["data"], validate=True)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


_FROM_POSTMORTEM = re.compile(
    r'^From the postmortem "(?P<title>.*)"(?: \((?P<date>\d{4}-\d{2}-\d{2})[^)]*\))?:\s*$'
)


def postmortem_of_description(description: str) -> tuple[str | None, date | None]:
    """The postmortem's title and date from a description syncd rendered (``render``); for an
    issue created before origins were recorded. (None, None) when the line is not there."""
    for line in description.splitlines():
        match = _FROM_POSTMORTEM.match(line.strip())
        if match:
            try:
                day = date.fromisoformat(match["date"]) if match["date"] else None
            except ValueError:
                day = None
            return match["title"], day
    return None, None
