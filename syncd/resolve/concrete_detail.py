"""Whether a title names something concrete: a number, a threshold, code, a path, a component
or a system. Any concrete detail clears a title of vagueness."""

from __future__ import annotations

import re

from syncd.resolve.text import strip_markup
from syncd.resolve.vague_words import GENERIC_NOUNS

_NUMBER = re.compile(r"\d")
_COMPARISON = re.compile(r"[<>=%\u2264\u2265]")
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


def has_concrete_detail(title: str) -> bool:
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
    if lower in GENERIC_NOUNS:
        return False
    compound = lower.startswith(_NOT_COMPONENT_PREFIXES) or lower.endswith(_NOT_COMPONENT_SUFFIXES)
    return not compound
