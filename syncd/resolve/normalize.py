"""Priority and type as authors write them, mapped onto syncd's small fixed scales.

Both refuse rather than guess: a bare "2" could be P2 or severity 2, "sev1" is how bad the
incident was, not how urgent one of its follow-ups is. A refused priority is ``None`` (the
policy's default due days apply); the written text is kept beside it on the item.
"""

from __future__ import annotations

import re

from syncd.model import ItemType, Priority
from syncd.resolve.text import strip_markup

# "P1", "p-1", "P 1", and schemes that run past P3 (OpsGenie's P4/P5) fold into the lowest.
_P_CODE = re.compile(r"(?<![a-z0-9])p\s*-?\s*(?P<level>[0-5])(?![0-9])")
_P_LEVELS = {
    0: Priority.P0,
    1: Priority.P1,
    2: Priority.P2,
    3: Priority.P3,
    4: Priority.P3,
    5: Priority.P3,
}

_PRIORITY_WORDS: dict[str, Priority] = {
    "critical": Priority.P0,
    "blocker": Priority.P0,
    "highest": Priority.P0,
    "urgent": Priority.P0,
    "emergency": Priority.P0,
    "high": Priority.P1,
    "medium": Priority.P2,
    "normal": Priority.P2,
    "moderate": Priority.P2,
    "med": Priority.P2,
    "low": Priority.P3,
    "lowest": Priority.P3,
    "minor": Priority.P3,
    "trivial": Priority.P3,
    "nice to have": Priority.P3,
    "nice-to-have": Priority.P3,
}
# Incident severity is not item priority: "Sev1", "SEV-2", "S1" are refused.
_SEVERITY = re.compile(r"\b(?:sev(?:erity)?|s)\s*-?\s*\d\b")

_TYPE_WORDS: dict[str, ItemType] = {
    **dict.fromkeys(
        ("mitigate", "mitigation", "mitigations", "mitigating", "workaround"),
        ItemType.MITIGATE,
    ),
    **dict.fromkeys(
        ("prevent", "prevention", "preventive", "preventative", "prevents"),
        ItemType.PREVENT,
    ),
    **dict.fromkeys(
        (
            "detect",
            "detection",
            "monitoring",
            "monitor",
            "alerting",
            "alert",
            "alerts",
            "observability",
        ),
        ItemType.DETECT,
    ),
    **dict.fromkeys(
        (
            "repair",
            "fix",
            "fixes",
            "bugfix",
            "bug fix",
            "bug-fix",
            "remediate",
            "remediation",
            "corrective",  # CAPA: corrective fixes the cause, preventive stops a recurrence
        ),
        ItemType.REPAIR,
    ),
    **dict.fromkeys(
        (
            "process",
            "procedure",
            "procedures",
            "documentation",
            "docs",
            "doc",
            "runbook",
            "runbooks",
            "playbook",
            "training",
        ),
        ItemType.PROCESS,
    ),
    **dict.fromkeys(
        ("investigate", "investigation", "spike", "research", "analysis"),
        ItemType.INVESTIGATE,
    ),
    "other": ItemType.OTHER,
}


_TYPE_PLACEHOLDERS = frozenset({"", "tbd", "tba", "n a", "na", "none", "unknown"})


def normalize_priority(text: str | None) -> Priority | None:
    """``P0``..``P3`` from a written priority; ``None`` when it is missing or not a priority."""
    if text is None:
        return None
    cleaned = strip_markup(text).casefold().strip(" .:;!()[]")
    if not cleaned:
        return None
    # A P-code wins over the words around it: "P1 - High", "High (P1)".
    if match := _P_CODE.search(cleaned):
        return _P_LEVELS[int(match["level"])]
    if _SEVERITY.search(cleaned):
        return None
    words = re.sub(r"[^a-z\- ]+", " ", cleaned).split()
    phrase = " ".join(words)
    if phrase in _PRIORITY_WORDS:
        return _PRIORITY_WORDS[phrase]
    for word in words:  # "High priority", "🔴 critical"
        if word in _PRIORITY_WORDS:
            return _PRIORITY_WORDS[word]
    return None


def normalize_type(text: str | None) -> ItemType | None:
    """The SRE book's item type from a written one; anything unknown but present is OTHER."""
    if text is None:
        return None
    cleaned = strip_markup(text).casefold().strip(" .:;!()[]")
    if not cleaned:
        return None
    phrase = " ".join(re.sub(r"[^a-z\- ]+", " ", cleaned).split())
    if phrase.strip("- ") in _TYPE_PLACEHOLDERS:
        return None  # "TBD", "?", "-", "n/a": a template's blank, not a type
    if phrase in _TYPE_WORDS:
        return _TYPE_WORDS[phrase]
    # "Mitigate / Prevent", "Detection (monitoring)", "bug-fix": the first known word decides.
    for word in re.split(r"[\s\-]+", phrase):
        if word in _TYPE_WORDS:
            return _TYPE_WORDS[word]
    return ItemType.OTHER
