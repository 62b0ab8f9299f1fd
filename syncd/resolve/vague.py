"""Is an action item specific and measurable? A heuristic, tuned to how postmortems read.

"Improve monitoring", "Look into the pool exhaustion" and "Should we add a circuit breaker?"
are the items that linger for months: nobody can tell when they are done. The digest lists them
under "needs attention" with the reason returned here, so the reason must make sense to the
author. False positives cost more than misses (they teach people to ignore the flag), so any
concrete detail (a number, a named component, a concrete deliverable) clears a title.
"""

from __future__ import annotations

import re

from syncd.resolve.text import strip_markup

# Opening words of a question written without its "?": "Should we page on 5xx".
_QUESTION_OPENERS = (
    "should we",
    "should i",
    "shall we",
    "can we",
    "could we",
    "do we",
    "does",
    "is there",
    "are there",
    "are we",
    "is it",
    "would it",
    "would we",
    "how do we",
    "how can we",
    "how should we",
    "how might we",
    "why",
    "what",
)

# Openings that defer the decision instead of stating an outcome.
_HEDGES = (
    "look into",
    "looking into",
    "look at",
    "investigate whether",
    "investigate if",
    "consider",
    "explore",
    "think about",
    "think through",
    "evaluate whether",
    "evaluate if",
    "revisit",
    "discuss",
    "brainstorm",
    "we should",
    "we could",
    "we might",
    "we need to think",
    "try to",
    "attempt to",
    "maybe",
    "perhaps",
    "possibly",
    "ideally",
    "figure out",
    "see if",
    "see whether",
    "it would be nice",
    "would be nice",
)

# Verbs that name no deliverable of their own: "Improve X" is done when someone says so.
_GENERIC_LEADS = frozenset(
    {
        "improve",
        "improved",
        "improving",
        "improvement",
        "improvements",
        "better",
        "more",
        "increase",
        "enhance",
        "strengthen",
        "boost",
        "be",
        "ensure",
        "optimize",
        "optimise",
        "prioritize",
        "prioritise",
    }
)
_GENERIC_LEAD_PHRASES = ("make sure", "work on", "focus on", "invest in", "keep an eye on")

# Verbs whose result anyone can check: the issue is done when the thing exists or is gone.
_DELIVERABLE_VERBS = frozenset(
    {
        "add",
        "remove",
        "delete",
        "drop",
        "enable",
        "disable",
        "migrate",
        "upgrade",
        "downgrade",
        "document",
        "write",
        "automate",
        "set",
        "configure",
        "rotate",
        "alert",
        "page",
        "create",
        "deploy",
        "rollback",
        "roll",
        "revert",
        "block",
        "limit",
        "cap",
        "backfill",
        "fix",
        "patch",
        "pin",
        "bump",
        "replace",
        "rename",
        "move",
        "split",
        "merge",
        "implement",
        "introduce",
        "install",
        "publish",
        "schedule",
        "require",
        "enforce",
        "restrict",
        "define",
        "build",
        "ship",
        "release",
        "expose",
        "emit",
        "record",
        "archive",
        "encrypt",
        "reject",
        "retry",
        "shard",
        "scale",
        "provision",
        "decommission",
        "deprecate",
    }
)

# Words that, with nothing else, describe an area rather than an outcome.
_GENERIC_NOUNS = frozenset(
    {
        "monitoring",
        "alerting",
        "alert",
        "alerts",
        "alarms",
        "observability",
        "visibility",
        "testing",
        "tests",
        "test",
        "coverage",
        "documentation",
        "docs",
        "runbooks",
        "runbook",
        "communication",
        "communications",
        "comms",
        "process",
        "processes",
        "procedures",
        "awareness",
        "training",
        "knowledge",
        "reliability",
        "resilience",
        "resiliency",
        "stability",
        "robustness",
        "performance",
        "logging",
        "logs",
        "metrics",
        "dashboards",
        "dashboard",
        "tooling",
        "tools",
        "automation",
        "on-call",
        "oncall",
        "handoff",
        "handoffs",
        "handover",
        "review",
        "reviews",
        "care",
        "caution",
        "careful",
        "things",
        "stuff",
        "quality",
        "security",
        "capacity",
        "response",
        "incident",
        "incidents",
        "escalation",
        "escalations",
        "coordination",
        "collaboration",
        "validation",
        "checks",
        "safeguards",
        "guardrails",
        "practices",
        "culture",
        "ownership",
        "readiness",
        "planning",
        "preparedness",
        "hygiene",
        "deployment",
        "deployments",
        "deploys",
        "releases",
        "rollouts",
        "infrastructure",
        "system",
        "systems",
        "service",
        "services",
        "handling",
        "understanding",
        "detection",
        "efficiency",
        "experience",
        "toil",
        "issues",
        "problems",
        "errors",
        "failures",
        "outages",
        "mistakes",
        "improvement",
        "improvements",
        "enhancement",
        "enhancements",
        "changes",
        "updates",
        "fixes",
        "work",
        "follow-up",
        "follow-ups",
        "followups",
        "cleanup",
    }
)
# Verbs too general to carry a two- or three-word title alone: "Reduce toil", "Fix alerting".
# ("Reduce X to Y" in a longer title usually names a concrete change, so "reduce" leads freely.)
_GENERIC_VERBS = frozenset(
    {
        "improve",
        "fix",
        "update",
        "review",
        "address",
        "handle",
        "do",
        "check",
        "follow",
        "up",
        "reduce",
        "minimize",
        "minimise",
        "avoid",
        "tighten",
        "harden",
    }
)
_QUANTIFIERS = frozenset(
    {
        "more",
        "better",
        "additional",
        "extra",
        "some",
        "improved",
        "further",
        "increased",
        "enhanced",
        "proper",
        "good",
        "general",
        "overall",
        "new",
    }
)
_FILLER = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "to",
        "for",
        "with",
        "around",
        "on",
        "in",
        "about",
        "across",
        "all",
        "our",
        "its",
        "it",
        "this",
        "that",
        "these",
        "regarding",
        "team",
        "teams",
        "we",
        "us",
        "be",
        "is",
        "are",
        "get",
        "make",
        "have",
        "when",
        "during",
        "between",
        "overall",
    }
)
# "...doesn't happen again", "...in the future": the outcome is the absence of the incident.
_NO_OUTCOME_PHRASES = re.compile(
    r"\b(?:happens?|happening|occurs?|occurring) again\b|\brecurrence\b|\bin the future\b"
    r"|\bgoing forward\b|\bmore careful\b|\bawareness\b",
)

_NUMBER = re.compile(r"\d")
_COMPARISON = re.compile(r"[<>=%\u2264\u2265]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_RAW_TOKEN = re.compile(r"\S+")
_CAMEL_CASE = re.compile(r"[a-z][A-Z]|^[A-Z][a-z]+[A-Z]")
_ACRONYM = re.compile(r"^[A-Z]{2,}s?$")
_GENERIC_ACRONYMS = frozenset(
    {
        "DB",
        "DBS",
        "API",
        "APIS",
        "UI",
        "UX",
        "CI",
        "CD",
        "QA",
        "SLO",
        "SLOS",
        "SLA",
        "SLAS",
        "SLI",
        "SLIS",
        "PR",
        "PRS",
        "SRE",
        "SRES",
        "TBD",
        "ASAP",
        "FYI",
        "OK",
        "RCA",
        "PM",
        "ETA",
        "KPI",
        "KPIS",
        "OPS",
        "IT",
        "ALL",
    }
)
_NOT_PATHS = frozenset({"and/or", "ci/cd", "i/o", "n/a", "read/write", "on/off", "w/", "w/o"})
_NOT_COMPONENT_PREFIXES = (
    "re-",
    "pre-",
    "co-",
    "non-",
    "self-",
    "cross-",
    "multi-",
    "well-",
    "semi-",
    "sub-",
    "over-",
    "under-",
    "follow-",
    "on-",
    "post-",
    "e-",
)
_NOT_COMPONENT_SUFFIXES = (
    "-based",
    "-related",
    "-wide",
    "-level",
    "-term",
    "-time",
    "-facing",
    "-driven",
    "-only",
    "-like",
    "-free",
    "-friendly",
    "-aware",
    "-up",
    "-in",
    "-out",
    "-to-end",
    "-to-date",
    "-to-day",
    "-depth",
)


def vagueness(title: str) -> str | None:
    """None when the title is specific and measurable; else a short reason a person can act on."""
    text = strip_markup(title).strip()
    if not text:
        return "is empty"
    lower = text.lower()
    if lower.rstrip(" .!").endswith("?") or _starts_with_any(lower, _QUESTION_OPENERS):
        return "is a question"
    if (hedge := _starts_with_any(lower, _HEDGES)) is not None:
        return f"starts with '{hedge}'"
    if _has_concrete_detail(title):
        return None

    words = [word.strip("'-") for word in _WORD.findall(lower)]
    words = [word for word in words if word]
    if not words:
        return None
    outcome_missing = f"no measurable outcome: '{_shorten(lower)}'"
    if len(words) <= 3 and all(
        w in _GENERIC_VERBS or w in _GENERIC_NOUNS or w in _QUANTIFIERS or w in _FILLER
        for w in words
    ):
        return outcome_missing  # "Monitoring improvements", "Update documentation"
    rest = words[1:]
    if words[0] in _DELIVERABLE_VERBS:
        # "Add more monitoring" promises a quantity of an area, not a thing.
        only_generic = all(w in _GENERIC_NOUNS or w in _QUANTIFIERS or w in _FILLER for w in rest)
        if only_generic and any(w in _QUANTIFIERS for w in rest):
            return outcome_missing
        return None
    if _NO_OUTCOME_PHRASES.search(lower):
        return outcome_missing
    if words[0] in _GENERIC_LEADS or _starts_with_any(lower, _GENERIC_LEAD_PHRASES):
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


def _has_concrete_detail(title: str) -> bool:
    """A number, a threshold, or a name of something specific (code, path, component, system)."""
    if "`" in title or _NUMBER.search(title) or _COMPARISON.search(title):
        return True
    shouting = title.isupper()  # an all-caps title makes every word look like an acronym
    for raw in _RAW_TOKEN.findall(strip_markup(title)):
        token = raw.strip(".,;:!?()[]{}\"'")
        if not token:
            continue
        if _is_code_like(token):
            return True
        if _CAMEL_CASE.search(token):
            return True
        if not shouting and _ACRONYM.match(token) and token.upper() not in _GENERIC_ACRONYMS:
            return True
        if _is_component_name(token):
            return True
    return False


def _is_code_like(token: str) -> bool:
    """Paths, file and dotted names, snake_case metric names, calls: "/checkout", "x.yaml"."""
    lower = token.lower()
    if "_" in token or "::" in token or "()" in token:
        return True
    if "/" in token and lower not in _NOT_PATHS:
        return True
    return re.search(r"[A-Za-z]{2,}\.[A-Za-z]{2,}", token) is not None


def _is_component_name(token: str) -> bool:
    """A hyphenated name like "payments-api" or "ingress-nginx", not a compound like "on-call"."""
    if "-" not in token.strip("-"):
        return False
    lower = token.lower()
    if lower in _GENERIC_NOUNS:
        return False
    compound = lower.startswith(_NOT_COMPONENT_PREFIXES) or lower.endswith(_NOT_COMPONENT_SUFFIXES)
    return not compound


def _shorten(text: str, limit: int = 60) -> str:
    text = text.rstrip(" .!")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
