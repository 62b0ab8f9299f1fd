"""An owner written before the action: "Storage team: rotate the keys", "SRE — add the alert".

The extraction does not know the people map; it only takes the prefix out when it looks like
someone (a handle, a team, a person's name) and leaves the action. The resolver then matches
the prefix through the people map's aliases and teams, as any owner written elsewhere.
"""

from __future__ import annotations

import re

from connectors.markdown.action_words import opens_with_verb

# The prefix, a separator (a colon, or a dash between spaces) and the action. The prefix is
# at most four words of name characters: anything longer is a sentence, not a name.
_PREFIX = re.compile(
    r"^(?P<owner>@?[A-Za-z][\w.'\u2019&/+-]*(?:\s+[\w.'\u2019&/+-]+){0,3}?)"
    r"(?::\s+|\s+[-\u2013\u2014]\s+|\s*[\u2013\u2014]\s*)(?P<action>\S.*)$",
    re.DOTALL,
)
_HANDLE = re.compile(r"^@[\w.-]+$")
_TEAM_WORD = re.compile(
    r"\b(?:team|squad|crew|guild|group|on-?call|rotation|sre|sres|ops|devops|secops|dba|dbas"
    r"|noc|soc|qa|eng|engineering|infra|platform)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"^(?:[A-Z][a-z'\u2019-]+|[A-Z]\.)$")
# Capitalised words that name a topic, not a person: "Alerting: page sooner".
_TOPIC_SUFFIX = re.compile(r"(?:ing|tion|sion|ment|ity|ness|ance|ence|ics|ogy|ure)$")
_TOPIC_WORDS = (
    "docs documentation runbook runbooks alerts dashboards metrics logs tests tooling process "
    "database databases network config code backend frontend api ci cd short long later next "
    "now today tomorrow note notes update status owner due priority type action fix example "
    "examples sample todo tbd idea ideas question questions goal goals problem issue"
)
_TOPICS = frozenset(_TOPIC_WORDS.split())


def split_owner_prefix(title: str) -> tuple[str, str] | None:
    """(owner as written, action) when ``title`` opens with an owner, else None."""
    m = _PREFIX.match(title)
    if m is None:
        return None
    owner, action = m.group("owner").strip(), m.group("action").strip()
    if not looks_like_owner(owner) or not _reads_as_action(action):
        return None
    return owner, action


def owner_before_action(title: str, detail: str | None) -> tuple[str, str, str | None] | None:
    """(owner, title, detail) when the item opens with its owner: "Storage team: rotate the
    keys", or a bold owner with the action as its body ("**SRE**: add the alert")."""
    if detail and looks_like_owner(title) and _reads_as_action(detail):
        return title, _capitalised(detail), None
    split = split_owner_prefix(title)
    if split is None:
        return None
    return split[0], _capitalised(split[1]), detail


def _capitalised(action: str) -> str:
    # The action is the title now, and titles open with a capital as the document's others do.
    return action[:1].upper() + action[1:]


def looks_like_owner(text: str) -> bool:
    """A handle, a team ("Storage team", "SRE"), or a person's name ("Alice", "Alice Smith")."""
    if _HANDLE.match(text):
        return True
    words = text.split()
    if _TEAM_WORD.search(text):
        return all(w[:1].isupper() or _TEAM_WORD.fullmatch(w) for w in words)
    if not all(_CAPITALISED.match(w) for w in words):
        return False
    last = words[-1].lower()
    return not _TOPIC_SUFFIX.search(last) and not any(w.lower() in _TOPICS for w in words)


def _reads_as_action(action: str) -> bool:
    # "Alice Smith: rotate the keys" but not "Note: the keys were rotated".
    return len(action.split()) >= 2 and opens_with_verb(action)
