"""Is an action item specific and measurable? A heuristic, tuned to how postmortems read.

"Improve monitoring", "Look into the pool exhaustion" and "Should we add a circuit breaker?"
are the items that linger for months: nobody can tell when they are done. The digest lists them
under "needs attention" with the reason returned here, so the reason must make sense to the
author. False positives cost more than misses (they teach people to ignore the flag), so any
concrete detail (a number, a named component, a concrete deliverable) clears a title.
"""

from __future__ import annotations

import re

from syncd.resolve.concrete_detail import has_concrete_detail
from syncd.resolve.text import strip_markup
from syncd.resolve.vague_words import (
    DELIVERABLE_VERBS,
    FILLER,
    GENERIC_LEAD_PHRASES,
    GENERIC_LEADS,
    GENERIC_NOUNS,
    GENERIC_VERBS,
    HEDGES,
    NO_OUTCOME_PHRASES,
    QUANTIFIERS,
    QUESTION_OPENERS,
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


def vagueness(title: str) -> str | None:
    """None when the title is specific and measurable; else a short reason a person can act on."""
    text = strip_markup(title).strip()
    if not text:
        return "is empty"
    lower = text.lower()
    if lower.rstrip(" .!").endswith("?") or _starts_with_any(lower, QUESTION_OPENERS):
        return "is a question"
    if (hedge := _starts_with_any(lower, HEDGES)) is not None:
        return f"starts with '{hedge}'"
    if has_concrete_detail(title):
        return None

    words = [word.strip("'-") for word in _WORD.findall(lower)]
    words = [word for word in words if word]
    if not words:
        return None
    outcome_missing = f"no measurable outcome: '{_shorten(lower)}'"
    if len(words) <= 3 and all(
        w in GENERIC_VERBS or w in GENERIC_NOUNS or w in QUANTIFIERS or w in FILLER for w in words
    ):
        return outcome_missing  # "Monitoring improvements", "Update documentation"
    rest = words[1:]
    if words[0] in DELIVERABLE_VERBS:
        # "Add more monitoring" promises a quantity of an area, not a thing.
        only_generic = all(w in GENERIC_NOUNS or w in QUANTIFIERS or w in FILLER for w in rest)
        if only_generic and any(w in QUANTIFIERS for w in rest):
            return outcome_missing
        return None
    if NO_OUTCOME_PHRASES.search(lower):
        return outcome_missing
    if words[0] in GENERIC_LEADS or _starts_with_any(lower, GENERIC_LEAD_PHRASES):
        return outcome_missing
    return None


def item_vagueness(title: str, detail: str | None) -> str | None:
    """``vagueness`` of an item judged on its whole text, title and detail together.

    A bold title with its body ("**Alerting**: page the on-call when lag exceeds 30 s") or a
    short heading with sub-points that say what will be done is specific: the title alone is
    only a label. The detail can clear a vague title, never make a specific one vague.
    """
    reason = vagueness(title)
    if reason is None or detail is None or not detail.strip():
        return reason
    whole = f"{title.strip().rstrip(':')}: {' '.join(detail.split())}"
    return vagueness(whole)


def _starts_with_any(text: str, openings: tuple[str, ...]) -> str | None:
    for opening in openings:
        if text.startswith(opening) and (
            len(text) == len(opening) or not text[len(opening)].isalnum()
        ):
            return opening
    return None


def _shorten(text: str, limit: int = 60) -> str:
    text = text.rstrip(" .!")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
