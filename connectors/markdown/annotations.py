"""Inline annotations in one item's plain text: owner, due date, priority, type, status.

Each annotation is taken out of the text and kept as written; what remains, tidied, is the
title. Regular expressions are right here: this is the inside of one item, not document
structure. Interpretation (who "@alice" is, what "end of Q2" means) happens later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate
from operator import and_

from connectors.markdown.refs import REF_TOKEN, is_tracker_url, strip_url_punctuation

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

_DUE_COLON_DATE = re.compile(
    rf"\b(?:due(?:\s+date)?|deadline|eta|target(?:\s+date)?|by\s+when)\s*[:=]\s*({_DATE_OR_UNKNOWN})",
    _IX,
)
_DUE_COLON_FREE = re.compile(
    rf"\b(?:due(?:\s+date)?|deadline|eta|target\s+date|by\s+when)\s*[:=]\s*"
    rf"([^\s,;|()\[\]][^,;|()\[\]]{{0,40}}?){_VALUE_END}",
    _I,
)
_DUE_WORD = re.compile(
    rf"\b(?:due(?:\s+(?:by|on|before))?|deadline|eta)\s+({_DATE_OR_UNKNOWN})", _IX
)
_BY_DATE = re.compile(rf"\bby\s+({_DATE})", _IX)

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
_OWNER_KEY = re.compile(
    rf"\b(?:owners?|assignees?|dri|responsible|who)\s*[:=]\s*({_NOBODY}|{_OWNERS})", _I
)
_ASSIGNED_TO = re.compile(rf"\bassigned\s+to\s*:?\s*({_OWNERS})", _I)
_HANDLE = re.compile(rf"(?<![\w@./+-])@({_HANDLE_BODY})")
_NOT_PEOPLE = frozenset({"here", "channel", "everyone", "all", "group"})

_PRIORITY_TOKEN = re.compile(r"(?<![\w-])(P[0-4])(?![\w]|-\w)")
_PRIORITY_KEY = re.compile(
    r"\b(?:priority|prio)\s*[:=]\s*((?:P[0-4]|high(?:est)?|medium|low(?:est)?|critical|urgent"
    r"|normal|[\w-]+))",
    _I,
)
_TYPE_WORDS = (
    r"mitigate|mitigation|prevent|prevention|preventive|preventative|detect|detection"
    r"|repair|process|investigate|investigation"
)
_TYPE_KEY = re.compile(r"\b(?:type|kind|category)\s*[:=]\s*([A-Za-z][\w-]*)", _I)
_TYPE_ONLY = re.compile(rf"^\s*({_TYPE_WORDS})\s*$", _I)

_STATUS_WORDS = (
    r"done|completed?|closed|fixed|resolved|finished|shipped|merged|wip|work\s+in\s+progress"
    r"|in[\s-]progress|ongoing|blocked|todo|to[\s-]do|not[\s-]started|open|pending|started"
    r"|cancell?ed|won'?t\s+do|wontfix|deferred"
)
_DONE_WORDS = frozenset(
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
_STATUS_EMOJI = r"(?:✅|✔️|✔|☑️|☑|✓|⏳|🚧)"
_DONE_EMOJI = frozenset("✅✔☑✓")
_STATUS_KEY = re.compile(r"\b(?:status|state)\s*[:=]\s*((?:" + _STATUS_WORDS + r")\b|[\w-]+)", _I)
_STATUS_ONLY = re.compile(
    rf"^\s*((?:{_STATUS_WORDS})(?:\s+(?:on\s+)?{_DATE})?|{_STATUS_EMOJI})\s*$", _IX
)
_LEADING_STATUS = re.compile(
    rf"""^(?:
        \[\s*(?P<b>{_STATUS_WORDS})\s*\]
      | \(\s*(?P<p>{_STATUS_WORDS})\s*\)
      | (?P<c>{_STATUS_WORDS})\s*(?::|[-\u2013\u2014]\s)
      | (?-i:(?P<u>DONE|COMPLETED|FIXED|CLOSED|WIP|TODO|BLOCKED|Completed))(?=\s)
      | (?P<e>{_STATUS_EMOJI})
    )\s*""",
    _IX,
)
_TRAILING_STATUS = re.compile(
    rf"""(?:
        \[\s*(?P<b>{_STATUS_WORDS})\s*\]
      | \(\s*(?P<p>(?:{_STATUS_WORDS})(?:\s+(?:on\s+)?{_DATE})?)\s*\)
      | (?:^|(?<=\s))[-\u2013\u2014:,]\s*(?P<c>{_STATUS_WORDS})
      | (?:^|(?<=\s))[-\u2013\u2014:,]\s*(?P<d>(?:{_STATUS_WORDS})\s+(?:on\s+)?{_DATE})
      | (?<=\s)(?-i:(?P<u>DONE|COMPLETED|FIXED|CLOSED|WIP|TODO|BLOCKED))
      | (?P<e>{_STATUS_EMOJI})
    )\s*\.?\s*$""",
    _IX,
)

# Cheap tests before the status patterns: a trailing status ends in one of these words (or an
# emoji, or a bracket), and the trailing pattern would otherwise be tried at every position.
_STATUS_LAST_WORDS = frozenset(
    (
        "done", "complete", "completed", "closed", "fixed", "resolved", "finished", "shipped",
        "merged", "wip", "progress", "ongoing", "blocked", "todo", "do", "started", "open",
        "pending", "cancelled", "canceled", "wontfix", "deferred",
    )
)  # fmt: skip
_STATUS_EMOJI_CHARS = frozenset("\u2705\u2714\u2611\u2713\u23f3\U0001f6a7\ufe0f")
_TRAILING_NOISE = " .)]\ufe0f"

_GROUP = re.compile(r"\(([^()\[\]]{1,200})\)|\[([^()\[\]]{1,200})\]")
_UNKNOWN_DUE_GROUP = re.compile(r"[(\[]\s*(TBD|TBC|TBA)\s*[)\]]")
_REF_GROUP_AT_END = re.compile(
    rf"\s*[(\[]\s*{REF_TOKEN}(?:\s*(?:[,;/&]|\band\b)\s*{REF_TOKEN})*\s*[)\]](?=\s*[.!?]?\s*$)"
)
_REF_GROUP_AT_START = re.compile(
    rf"^\s*[(\[]\s*{REF_TOKEN}(?:\s*(?:[,;/&]|\band\b)\s*{REF_TOKEN})*\s*[)\]]\s*"
)
_TRAILING_URL = re.compile(r"\s*(?:[-\u2013\u2014:]\s*)?(https?://\S+)\s*$")

_EMPTY_GROUP = re.compile(r"[(\[][\s,;:/|&.-]*[)\]]")
_GROUP_LEADING_SEP = re.compile(r"([(\[])\s*[,;/|]\s*")
_GROUP_TRAILING_SEP = re.compile(r"\s*[,;/|]\s*([)\]])")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:.!?])(?=\s|$)")
_REPEATED_SEP = re.compile(r"([,;])(?:\s*[,;])+")
_REPEATED_DASH = re.compile(r"(\s[-\u2013\u2014|])(?:\s+[-\u2013\u2014|])+(?=\s)")
_NEEDS_SEPARATOR_FIX = re.compile(
    r"\s[,;:.!?](?:\s|$)|[,;]\s*[,;]|\s[-\u2013\u2014|]\s+[-\u2013\u2014|]\s"
)
_JUNK = " ,;:|/-\u2013\u2014•·"


@dataclass(slots=True)
class Annotations:
    title: str = ""
    owner: str | None = None
    due: str | None = None
    priority: str | None = None
    type: str | None = None
    status: str | None = None
    done: bool = False

    def merge(self, other: Annotations) -> None:
        """Fill what this one lacks from ``other`` (the first annotation written wins)."""
        self.owner = self.owner or other.owner
        self.due = self.due or other.due
        self.priority = self.priority or other.priority
        self.type = self.type or other.type
        if self.status is None and other.status is not None:
            self.status = other.status
            self.done = other.done

    @property
    def any(self) -> bool:
        return any((self.owner, self.due, self.priority, self.type, self.status))


def tidy(text: str, *, removed: bool = True) -> str:
    """Whitespace collapsed and dangling separators at the ends gone; when something was
    ``removed`` from the text, also the empty brackets and doubled separators it left."""
    text = " ".join(text.split())
    if not text:
        return text
    if removed and ("(" in text or "[" in text):
        text = _GROUP_LEADING_SEP.sub(r"\1", text)
        text = _GROUP_TRAILING_SEP.sub(r"\1", text)
        text = _EMPTY_GROUP.sub(" ", text)
        text = " ".join(text.split())
    if removed and _NEEDS_SEPARATOR_FIX.search(text):
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
        text = _REPEATED_SEP.sub(r"\1", text)
        text = _REPEATED_DASH.sub(r"\1", text)
    text = text.lstrip(_JUNK)
    # A loop, not a pattern: "(?:[junk]+|and)+$" takes exponential time on long junk runs.
    # It moves an index: slicing the text on every round was quadratic on "x and and and ...".
    end = len(text)
    while True:
        while end and text[end - 1] in _JUNK:
            end -= 1
        if removed and (text.endswith(" and", 0, end) or text.endswith(" &", 0, end)):
            end = text.rfind(" ", 0, end)
            continue
        return text[:end]


def is_done_status(status: str) -> bool:
    words = status.strip().lower()
    if words and words[0] in _DONE_EMOJI:
        return True
    first = re.split(r"[\s:(\[]+", words.strip("[]() "), maxsplit=1)[0]
    return first in _DONE_WORDS


def extract_annotations(text: str) -> Annotations:
    """Take every annotation out of ``text``; ``title`` is what remains, tidied."""
    found = Annotations()
    if not text:
        return found
    text = original = " ".join(text.split())

    if "(" in text or "[" in text:
        text = _GROUP.sub(lambda m: _take_group(m, found), text)

    text = _take_key_values(text, found)
    text = _take_dates(text, found)
    if "P" in text:
        text = _PRIORITY_TOKEN.sub(lambda m: _set_priority(found, m.group(1)), text)
    # Handles last: whether one is at the edge of the text depends on what was removed above.
    if "@" in text:
        text = _take_handles(text, found)
    if found.owner and not found.due and ("(" in text or "[" in text):
        text = _UNKNOWN_DUE_GROUP.sub(lambda m: _set_due(found, m.group(1)), text, count=1)

    text = tidy(text, removed=text is not original)
    text = _take_edge_status(text, found)
    text = _drop_standalone_refs(text)
    found.title = text
    return found


def _take_group(m: re.Match[str], found: Annotations) -> str:
    """A bracketed group that holds only annotations goes; any other group stays as written."""
    content = m.group(1) if m.group(1) is not None else m.group(2)
    inner = Annotations()
    if _TYPE_ONLY.match(content):
        inner.type = content.strip()
    elif status := _STATUS_ONLY.match(content):
        inner.status = status.group(1)
        inner.done = is_done_status(inner.status)
    else:
        rest = _take_key_values(content, inner)
        rest = _take_dates(rest, inner)
        rest = _PRIORITY_TOKEN.sub(lambda p: _set_priority(inner, p.group(1)), rest)
        if "@" in rest:
            rest = _take_handles(rest, inner)
        rest = tidy(rest)
        # "(owner: @a, due: 2026-05-01, prevent)": a lone type or status word among annotations.
        if rest and inner.any:
            if inner.type is None and _TYPE_ONLY.match(rest):
                inner.type, rest = rest, ""
            elif inner.status is None and (status := _STATUS_ONLY.match(rest)):
                _set_status(inner, status.group(1))
                rest = ""
        if rest or not inner.any:
            return m.group(0)
    found.merge(inner)
    return " "


def _take_key_values(text: str, found: Annotations) -> str:
    lowered = text.lower()
    if ":" in text or "=" in text:
        if any(k in lowered for k in ("owner", "assignee", "dri", "responsible", "who")):
            text = _OWNER_KEY.sub(lambda m: _set_owner(found, m.group(1)), text)
        if any(k in lowered for k in ("due", "deadline", "eta", "target", "when")):
            text = _DUE_COLON_DATE.sub(lambda m: _set_due(found, m.group(1)), text)
            text = _DUE_COLON_FREE.sub(lambda m: _set_due(found, m.group(1)), text)
        if "prio" in lowered:
            text = _PRIORITY_KEY.sub(lambda m: _set_priority(found, m.group(1)), text)
        if any(k in lowered for k in ("type", "kind", "category")):
            text = _TYPE_KEY.sub(lambda m: _set_type(found, m.group(1)), text)
        if "status" in lowered or "state" in lowered:
            text = _STATUS_KEY.sub(lambda m: _set_status(found, m.group(1)), text)
    if "assigned" in lowered:
        text = _ASSIGNED_TO.sub(lambda m: _set_owner(found, m.group(1)), text)
    return text


def _take_handles(text: str, found: Annotations) -> str:
    """The first @handle is the owner. Handles at either end of the text are annotations and
    go; one inside running text ("pair with @bob on it") stays, since the sentence needs it."""
    every = list(_HANDLE.finditer(text))  # "@here" too: it may sit among the owners
    handles = [k for k, m in enumerate(every) if m.group(1).lower() not in _NOT_PEOPLE]
    if not handles:
        return text
    # A handle is at an edge when all that stands before it, or all after it, is handles and
    # glue. Each gap between handles is judged once, so this is linear in the text; judging
    # the whole text before and after every handle was quadratic in the number of handles.
    glue_gaps: list[bool] = []
    last = 0
    for m in every:
        glue_gaps.append(_is_glue(text[last : m.start()]))
        last = m.end()
    glue_gaps.append(_is_glue(text[last:]))
    glue_up_to = list(accumulate(glue_gaps, and_))  # [k]: gaps 0..k are all glue
    glue_from = list(accumulate(reversed(glue_gaps), and_))[::-1]  # [k]: gaps k.. are glue
    edge = [every[k] for k in handles if glue_up_to[k] or glue_from[k + 1]]
    # Handles at the edges are the owners, the first of them the assignee ("@carol @dave").
    owners = edge if edge else [every[handles[0]]]
    _set_owner(found, " ".join("@" + m.group(1) for m in owners))
    if not edge:
        return text
    out: list[str] = []
    last = 0
    for m in edge:
        out.append(text[last : m.start()])
        out.append(" ")
        last = m.end()
    out.append(text[last:])
    return "".join(out)


_GLUE = re.compile(
    r"[(\[]\s*(?:TBD|TBC|TBA|(?i:done|wip|in progress))\s*[)\]]"
    rf"|{REF_TOKEN}|{_STATUS_EMOJI}|\b(?:DONE|WIP|TODO|COMPLETED|FIXED|CLOSED|BLOCKED)\b"
    r"|[\s,;:&/\-\u2013\u2014.!?]+|[()\[\]]|\band\b"
)


def _is_glue(part: str) -> bool:
    """Whether nothing is left beside a handle once separators, references and brackets are
    set aside."""
    return not _GLUE.sub("", part)


def _take_dates(text: str, found: Annotations) -> str:
    lowered = text.lower()
    if any(k in lowered for k in ("due", "deadline", "eta")):
        text = _DUE_WORD.sub(lambda m: _set_due(found, m.group(1)), text)
    if "by " in lowered:
        text = _BY_DATE.sub(lambda m: _set_due(found, m.group(1)), text)
    return text


def _take_edge_status(text: str, found: Annotations) -> str:
    for pattern in (_LEADING_STATUS, _TRAILING_STATUS):
        if pattern is _TRAILING_STATUS and not _may_end_with_status(text):
            continue
        m = pattern.search(text)
        if m is None:
            continue
        status = next(g for g in (m.group(n) for n in m.re.groupindex) if g is not None)
        rest = tidy(text[: m.start()] + " " + text[m.end() :])
        if not rest:
            continue  # the whole item is the word "Done": a title, not a status
        _set_status(found, status)
        text = rest
    return text


def _may_end_with_status(text: str) -> bool:
    if not text:
        return False
    if text[-1] in _STATUS_EMOJI_CHARS or text.endswith(")"):
        return True
    words = text.rstrip(_TRAILING_NOISE).rsplit(None, 1)
    if bool(words) and words[-1].lower() in _STATUS_LAST_WORDS:
        return True
    # "… — done 2026-10-03": a done word shortly before the end, followed by its date.
    return any(word.lower() in _DONE_WORDS for word in text.split()[-5:-1])


def _drop_standalone_refs(text: str) -> str:
    original = text
    if "(" in text or "[" in text:
        text = _REF_GROUP_AT_END.sub("", text)
        text = _REF_GROUP_AT_START.sub("", text)
    if "://" in text:
        m = _TRAILING_URL.search(text)
        if m and is_tracker_url(strip_url_punctuation(m.group(1))) and text[: m.start()].strip():
            text = text[: m.start()]
    return tidy(text) if text is not original else text


def _set_owner(found: Annotations, value: str) -> str:
    if found.owner is None:
        # "Owner: bob." - the full stop ends the sentence, not the name.
        found.owner = value.strip().rstrip(".,;:").rstrip()
    return " "


def _set_due(found: Annotations, value: str) -> str:
    if found.due is None:
        found.due = " ".join(value.split())
    return " "


def _set_priority(found: Annotations, value: str) -> str:
    if found.priority is None:
        found.priority = value.strip()
    return " "


def _set_type(found: Annotations, value: str) -> str:
    if found.type is None:
        found.type = value.strip()
    return " "


def _set_status(found: Annotations, value: str) -> str:
    if found.status is None:
        found.status = " ".join(value.split())
        found.done = is_done_status(found.status)
    return " "
