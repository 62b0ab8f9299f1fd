"""Which table column holds what, from the words of the header row."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from connectors.markdown.labels import strip_markup


class Column(StrEnum):
    ACTION = "action"
    OWNER = "owner"
    DUE = "due"
    PRIORITY = "priority"
    TYPE = "type"
    STATUS = "status"
    TRACKER = "tracker"
    DETAIL = "detail"


def _words(text: str) -> frozenset[str]:
    return frozenset(" ".join(w.split()) for w in text.split("|") if w.strip())


_EXACT: dict[Column, frozenset[str]] = {
    Column.ACTION: _words(
        "action item|action items|action|actions|item|items|task|tasks|description|what"
        "|action point|action points|remediation|remediation item|remediations|follow up"
        "|follow ups|follow up action|follow up item|corrective action|preventive action"
        "|todo|to do|action description|next step|next steps|mitigation|fix|work item"
        "|action item description|actionable|step|steps"
    ),
    Column.OWNER: _words(
        "owner|owners|who|assignee|assignees|assigned to|responsible|dri|accountable"
        "|point of contact|poc|action owner|owned by|responsible person"
    ),
    Column.DUE: _words(
        "due|due date|deadline|by|by when|target|target date|eta|when|due by|date"
        "|target completion|target completion date|due on|timeline|timeframe|time frame"
    ),
    Column.PRIORITY: _words(
        "priority|prio|p|pri|severity|sev|severity of action|urgency|importance"
    ),
    Column.TYPE: _words("type|kind|category|action type|item type|class|classification"),
    Column.STATUS: _words(
        "status|state|done|progress|completed|complete|resolution|current status"
    ),
    Column.TRACKER: _words(
        "bug|bugs|ticket|tickets|issue|issues|link|links|tracking|tracking issue|tracker"
        "|jira|jira ticket|jira issue|jira key|github issue|gh issue|reference|references"
        "|ref|refs|bug id|ticket id|issue id|pr|bug ticket|tracking ticket|tracking link"
    ),
    Column.DETAIL: _words("notes|note|details|detail|comments|comment|context|remarks"),
}
# When no header cell is an exact synonym: a word inside it, checked in this order so that
# "Action owner" is an owner column and "Action item type" a type column.
_CONTAINS: tuple[tuple[Column, re.Pattern[str]], ...] = (
    (Column.TRACKER, re.compile(r"\b(?:bug|ticket|issue|jira|link|tracking)")),
    (Column.DUE, re.compile(r"\b(?:due|deadline|eta|target)\b")),
    (Column.OWNER, re.compile(r"\b(?:owners?|assignees?|responsible|dri)\b")),
    (Column.STATUS, re.compile(r"\b(?:status|state)\b")),
    (Column.PRIORITY, re.compile(r"\b(?:priority|prio)\b")),
    (Column.TYPE, re.compile(r"\b(?:type|kind|category)\b")),
    (Column.ACTION, re.compile(r"\b(?:actions?|tasks?|remediations?|items?|description|follow)")),
)
# Innermost groups only: a scan stops at the next opening bracket (linear time on "((((").
_PARENTHETICAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")


def header_key(raw: str) -> str:
    """A header cell as compared: markup and allowed values ("Type (Mitigate/Prevent)") gone."""
    text = strip_markup(raw).lower()
    if "(" in text or "[" in text:
        text = _PARENTHETICAL.sub(" ", text)
    text = re.sub(r"\bfollow[\s-]*up", "follow up", text)
    text = re.sub(r"\bto[\s-]*do\b", "todo", text)
    text = _NON_WORD.sub(" ", text.replace("-", " "))
    return " ".join(text.split())


def classify_header(cells: list[str]) -> dict[Column, int]:
    """Column -> index of the header cell that holds it; each column and cell is used once."""
    return dict(_classify_header(tuple(cells)))


@lru_cache(maxsize=1024)  # documents from one template share their table headers
def _classify_header(cells: tuple[str, ...]) -> tuple[tuple[Column, int], ...]:
    keys = [header_key(c) for c in cells]
    found: dict[Column, int] = {}
    taken: set[int] = set()
    for index, key in enumerate(keys):
        for column, words in _EXACT.items():
            if key in words and column not in found:
                found[column] = index
                taken.add(index)
                break
            if key in words and column is Column.ACTION and Column.DETAIL not in found:
                # A second action-like column ("Action" and "Description"): the detail.
                found[Column.DETAIL] = index
                taken.add(index)
                break
    for index, key in enumerate(keys):
        if index in taken or not key:
            continue
        for column, pattern in _CONTAINS:
            if column not in found and pattern.search(key):
                found[column] = index
                taken.add(index)
                break
    return tuple(found.items())


def field_key(label: str) -> Column | None:
    """The column a "Label: value" line names, for metadata written as sub-bullets."""
    key = header_key(label)
    for column, words in _EXACT.items():
        if key in words and column not in (Column.ACTION, Column.DETAIL):
            return column
    return None
