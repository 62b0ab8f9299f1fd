"""An owner written before the action: "Storage team: rotate the keys", "SRE — add the alert".

The extraction does not know the people map; it only takes the prefix out when it looks like
someone (a handle, a team, a person's name) and leaves the action. The resolver then matches
the prefix through the people map's aliases and teams, as any owner written elsewhere.
"""

from __future__ import annotations

import re

from connectors.markdown.action_words import may_be_imperative, opens_with_verb

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
    "database databases config code backend frontend api ci cd short long later next "
    "now today tomorrow note notes update status owner due priority type action fix example "
    "examples sample todo tbd idea ideas question questions goal goals problem issue impact "
    "cause context why result results risk reason summary detail details scope outcome "
    "workaround caveat lesson lessons takeaway timeline detection resolution trigger root "
    "symptom symptoms customers users follow-up follow-ups action actions"
)
_TOPICS = frozenset(_TOPIC_WORDS.split())


def split_owner_prefix(title: str) -> tuple[str, str] | None:
    """(owner as written, action) when ``title`` opens with an owner, else None."""
    m = _PREFIX.match(title)
    if m is None:
        return None
    owner, action = m.group("owner").strip(), m.group("action").strip()
    if not _owner_phrase(owner, action) or not _reads_as_action(action):
        return None
    return owner, action


def owner_before_action(title: str, detail: str | None) -> tuple[str, str, str | None] | None:
    """(owner, title, detail) when the item opens with its owner: "Storage team: rotate the
    keys", or a bold owner with the action as its body ("**SRE**: add the alert")."""
    if detail and _strict_owner(title) and _reads_as_action(detail):
        return title, detail, None
    split = split_owner_prefix(title)
    if split is None:
        return None
    return split[0], split[1], detail


def looks_like_owner(text: str) -> bool:
    """A handle, a team ("Storage team", "SRE"), or a person's name ("Alice", "Alice Smith")."""
    if _HANDLE.match(text):
        return True
    words = text.split()
    if opens_with_verb(text):
        return False
    if _TEAM_WORD.search(text):  # "Database team": a topic word before "team" names a team
        return all(w[:1].isupper() or _TEAM_WORD.fullmatch(w) for w in words)
    if any(w.lower() in _TOPICS for w in words):
        return False
    # "Carrier integration", "Retail systems": a team named as people say it, capitalised
    # first; told from a topic label by the action after it opening in lower case.
    return len(words) <= 3 and words[0][:1].isupper() and words[0].isalpha()


def _owner_phrase(owner: str, action: str) -> bool:
    """A prefix is an owner when it looks like one; a capitalised phrase that is not clearly a
    name or team counts only before an action that opens in lower case."""
    return looks_like_owner(owner) and (_strict_owner(owner) or action[:1].islower())


def _strict_owner(owner: str) -> bool:
    """A handle, a team, or a person's capitalised name: an owner whatever follows it."""
    if not looks_like_owner(owner):
        return False
    if _HANDLE.match(owner) or _TEAM_WORD.search(owner):
        return True
    words = owner.split()
    return all(_CAPITALISED.match(w) for w in words) and not _TOPIC_SUFFIX.search(words[-1].lower())


def _reads_as_action(action: str) -> bool:
    """ "Alice Smith: rotate the keys", "Fulfilment: alert when ...", but not "Note: the keys
    were rotated" or "Impact: doubled latency"."""
    if len(action.split()) < 2:
        return False
    return opens_with_verb(action) or (action[:1].islower() and may_be_imperative(action))
