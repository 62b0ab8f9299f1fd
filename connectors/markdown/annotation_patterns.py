"""The regular expressions that find the inline annotations of an item: owners, due dates,
priority, type and status, and the leftovers tidied away once they are taken out."""

from __future__ import annotations

import re

_I = re.IGNORECASE
_IX = re.IGNORECASE | re.VERBOSE

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:[0-3]?\d(?:st|nd|rd|th)?)"
_PERIOD = r"(?:week|month|quarter|year|sprint|half)"
# A date as people write it for a deadline. Deliberately not a bare number or year ("by 50%",
# "by 2x", "by 2026 standards"), so that "by" only means a deadline when a date follows.
_DATE = rf"""(?:
    \d{{4}}-\d{{1,2}}-\d{{1,2}}
  | \d{{4}}/\d{{1,2}}/\d{{1,2}}
  | \d{{1,2}}[/.]\d{{1,2}}[/.](?:\d{{4}}|\d{{2}})
  | {_DAY}\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+\d{{4}})?
  | {_MONTH}\.?\s+{_DAY}(?:,?\s+\d{{4}})?
  | {_MONTH}\.?,?\s+\d{{4}}
  | (?:the\s+)?(?:end|mid|middle|start|beginning|early|late)(?:\s+of)?[\s-]+(?:the\s+)?
    (?:Q[1-4](?:\s+\d{{4}})?|H[12](?:\s+\d{{4}})?|{_MONTH}(?:\s+\d{{4}})?|\d{{4}}
       |next\s+{_PERIOD}|{_PERIOD})
  | Q[1-4](?:\s*(?:\d{{4}}|'\d{{2}}|FY\s?\d{{2,4}}))?
  | (?:\d{{4}}|FY\s?\d{{2,4}})[\s-]?Q[1-4]
  | H[12]\s+\d{{4}}
  | in\s+(?:\d+|a|an|one|two|three|four|six)\s+(?:business\s+|working\s+)?
    (?:days?|weeks?|months?|sprints?|quarters?)
  | next\s+(?:{_PERIOD}|release)
  | EO[DWMQY]|EOFY
)(?![\w-])"""
_DATE_OR_UNKNOWN = rf"(?:{_DATE}|(?:TBD|TBC|TBA|ASAP)(?![\w-]))"

# The end of a free-form value: punctuation that separates annotations, a dash separator,
# the next @handle or the next "key:" annotation.
_VALUE_END = (
    r"(?=\s*(?:[,;|()\[\]]|$)|\s+[-\u2013\u2014]\s|\s+@"
    r"|\s+(?:owners?|assignee|dri|due|deadline|eta|priority|prio|type|status)\s*:)"
)

DUE_COLON_DATE = re.compile(
    rf"\b(?:due(?:\s+date)?|deadline|eta|target(?:\s+date)?|by\s+when)\s*[:=]\s*({_DATE_OR_UNKNOWN})",
    _IX,
)
DUE_COLON_FREE = re.compile(
    rf"\b(?:due(?:\s+date)?|deadline|eta|target\s+date|by\s+when)\s*[:=]\s*"
    rf"([^\s,;|()\[\]][^,;|()\[\]]{{0,40}}?){_VALUE_END}",
    _I,
)
DUE_WORD = re.compile(
    rf"\b(?:due(?:\s+(?:by|on|before))?|deadline|eta)\s+({_DATE_OR_UNKNOWN})", _IX
)
BY_DATE = re.compile(rf"\bby\s+({_DATE})", _IX)

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_HANDLE_BODY = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:/[A-Za-z0-9](?:[\w.-]*\w)?)?"
_OWNER_STOP = r"(?!(?i:due|by|deadline|eta|priority|prio|type|status|owners?|and|to|for)\b)"
# A person or team as written after "Owner:": one word, then only capitalised words (names)
# or team-ish words, so "Owner: Alice Smith will follow up" stops after "Smith".
_NAME = (
    rf"(?:{_EMAIL}|@{_HANDLE_BODY}|[\w][\w.'\u2019&-]*"
    rf"(?:\s+{_OWNER_STOP}(?:(?-i:[A-Z])[\w.'\u2019&-]*|(?i:team|squad|group|on-?call|rotation)\b)){{0,3}})"
)
# Several owners: "carol/dave", "carol & dave" and "carol + dave" join any two names; after a
# comma or "and" the next name must look like one (a handle, an address, a capitalised word)
# or end the value, so that "Owner: alice, high priority" keeps "high priority" in the text.
_END_OF_OWNERS = (
    r"(?=\s*(?:[,;|()\[\]]|$)|\s+[-\u2013\u2014]\s|\s+(?i:due|deadline|eta)\b"
    r"|\s+(?i:owners?|assignees?|priority|prio|type|status)\s*[:=]"
    rf"|\s+(?i:by\s+(?:\d|Q[1-4]\b|end\b|mid\b|early\b|late\b|next\b|{_MONTH}\b)))"
)
_NEXT_NAME = (
    rf"(?:{_EMAIL}|@{_HANDLE_BODY}|(?-i:[A-Z])[\w.'\u2019&-]*"
    rf"(?:\s+{_OWNER_STOP}(?-i:[A-Z])[\w.'\u2019&-]*){{0,3}}|[\w][\w.'\u2019&-]*{_END_OF_OWNERS})"
)
_OWNERS = (
    rf"{_NAME}(?:\s*[/&+]\s*{_OWNER_STOP}{_NAME}"
    rf"|(?:\s*,\s*|\s+and\s+){_OWNER_STOP}{_NEXT_NAME})*"
)
# What authors write after "Owner:" when nobody owns the item yet; taken whole, so that no
# "yet" is left behind in the title. The resolver reads it as no owner.
_NOBODY = (
    r"(?:(?:nobody|no\s+one|noone|none|unassigned|not\s+(?:yet\s+)?assigned|tbd|tba|tbc)"
    rf"(?:\s+yet)?|n/a|\?+|[-\u2013\u2014]){_END_OF_OWNERS}"
)
# "(owner: Identity on-call lead)": a bracket holding only an owner key ends the value, so the
# name may hold lower-case words the free-standing pattern stops at.
OWNER_ONLY_GROUP = re.compile(
    r"^\s*(?:owners?|assignees?|dri|responsible)\s*[:=]\s*([^\s,;:=()\[\]][^,;:=()\[\]]{0,59})$", _I
)
OWNER_KEY = re.compile(
    rf"\b(?:owners?|assignees?|dri|responsible|who)\s*[:=]\s*({_NOBODY}|{_OWNERS})", _I
)
ASSIGNED_TO = re.compile(rf"\bassigned\s+to\s*:?\s*({_OWNERS})", _I)
HANDLE = re.compile(rf"(?<![\w@./+-])@({_HANDLE_BODY})")
NOT_PEOPLE = frozenset({"here", "channel", "everyone", "all", "group"})

PRIORITY_TOKEN = re.compile(r"(?<![\w-])(P[0-4])(?![\w]|-\w)")
PRIORITY_KEY = re.compile(
    r"\b(?:priority|prio)\s*[:=]\s*((?:P[0-4]|high(?:est)?|medium|low(?:est)?|critical|urgent"
    r"|normal|[\w-]+))",
    _I,
)
_TYPE_WORDS = (
    r"mitigate|mitigation|prevent|prevention|preventive|preventative|detect|detection"
    r"|repair|process|investigate|investigation"
)
TYPE_KEY = re.compile(r"\b(?:type|kind|category)\s*[:=]\s*([A-Za-z][\w-]*)", _I)
TYPE_ONLY = re.compile(rf"^\s*({_TYPE_WORDS})\s*$", _I)

_STATUS_WORDS = (
    r"done|completed?|closed|fixed|resolved|finished|shipped|merged|wip|work\s+in\s+progress"
    r"|in[\s-]progress|ongoing|blocked|todo|to[\s-]do|not[\s-]started|open|pending|started"
    r"|cancell?ed|won'?t\s+do|wontfix|deferred"
)
DONE_WORDS = frozenset(
    (
        "done",
        "complete",
        "completed",
        "closed",
        "fixed",
        "resolved",
        "finished",
        "shipped",
        "merged",
    )
)
STATUS_EMOJI = r"(?:✅|✔️|✔|☑️|☑|✓|⏳|🚧)"
DONE_EMOJI = frozenset("✅✔☑✓")
STATUS_KEY = re.compile(r"\b(?:status|state)\s*[:=]\s*((?:" + _STATUS_WORDS + r")\b|[\w-]+)", _I)
STATUS_ONLY = re.compile(
    rf"^\s*((?:{_STATUS_WORDS})(?:\s+(?:on\s+)?{_DATE})?|{STATUS_EMOJI})\s*$", _IX
)
LEADING_STATUS = re.compile(
    rf"""^(?:
        \[\s*(?P<b>{_STATUS_WORDS})\s*\]
      | \(\s*(?P<p>{_STATUS_WORDS})\s*\)
      | (?P<c>{_STATUS_WORDS})\s*(?::|[-\u2013\u2014]\s)
      | (?-i:(?P<u>DONE|COMPLETED|FIXED|CLOSED|WIP|TODO|BLOCKED|Completed))(?=\s)
      | (?P<e>{STATUS_EMOJI})
    )\s*""",
    _IX,
)
TRAILING_STATUS = re.compile(
    rf"""(?:
        \[\s*(?P<b>{_STATUS_WORDS})\s*\]
      | \(\s*(?P<p>(?:{_STATUS_WORDS})(?:\s+(?:on\s+)?{_DATE})?)\s*\)
      | (?:^|(?<=\s))[-\u2013\u2014:,]\s*(?P<c>{_STATUS_WORDS})
      | (?:^|(?<=\s))[-\u2013\u2014:,]\s*(?P<d>(?:{_STATUS_WORDS})\s+(?:on\s+)?{_DATE})
      | (?<=\s)(?-i:(?P<u>DONE|COMPLETED|FIXED|CLOSED|WIP|TODO|BLOCKED))
      | (?P<e>{STATUS_EMOJI})
    )\s*\.?\s*$""",
    _IX,
)

# Cheap tests before the status patterns: a trailing status ends in one of these words (or an
# emoji, or a bracket), and the trailing pattern would otherwise be tried at every position.
STATUS_LAST_WORDS = frozenset(
    (
        "done", "complete", "completed", "closed", "fixed", "resolved", "finished", "shipped",
        "merged", "wip", "progress", "ongoing", "blocked", "todo", "do", "started", "open",
        "pending", "cancelled", "canceled", "wontfix", "deferred",
    )
)  # fmt: skip
STATUS_EMOJI_CHARS = frozenset("\u2705\u2714\u2611\u2713\u23f3\U0001f6a7\ufe0f")
TRAILING_NOISE = " .)]\ufe0f"

# A template's blank left in a bracket: "[link to issue]", "(insert owner)", "[TBD link]".
TEMPLATE_GROUP = re.compile(
    r"^\s*(?:link|url|insert|add|enter|jira|ticket|issue|owner|name|date|describe"
    r"|placeholder|your)\b[^()\[\]:=@#/]{0,60}$",
    _I,
)
GROUP = re.compile(r"\(([^()\[\]]{1,200})\)|\[([^()\[\]]{1,200})\]")
UNKNOWN_DUE_GROUP = re.compile(r"[(\[]\s*(TBD|TBC|TBA)\s*[)\]]")
EMPTY_GROUP = re.compile(r"[(\[][\s,;:/|&.-]*[)\]]")
GROUP_LEADING_SEP = re.compile(r"([(\[])\s*[,;/|]\s*")
GROUP_TRAILING_SEP = re.compile(r"\s*[,;/|]\s*([)\]])")
SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:.!?])(?=\s|$)")
REPEATED_SEP = re.compile(r"([,;])(?:\s*[,;])+")
REPEATED_DASH = re.compile(r"(\s[-\u2013\u2014|])(?:\s+[-\u2013\u2014|])+(?=\s)")
NEEDS_SEPARATOR_FIX = re.compile(
    r"\s[,;:.!?](?:\s|$)|[,;]\s*[,;]|\s[-\u2013\u2014|]\s+[-\u2013\u2014|]\s"
)
JUNK = " ,;:|/-\u2013\u2014•·"
