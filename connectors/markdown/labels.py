"""What a heading or a bold label means: an action section, or anything else.

Headings are classified from their raw text (markdown-it leaves heading content unparsed until
inline parsing, which extraction skips for speed), so light markup is stripped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# No bracket inside a bracket: each "[" scans to the next one at most, so a heading of
# unclosed brackets is read in linear time (a "[^\]]*" scan from each "[" was quadratic).
_LINK = re.compile(r"!?\[([^\[\]]*)\](?:\([^()]*\)|\[[^\[\]]*\])?")
_HTML_TAG = re.compile(r"<[^>\n]{1,200}>")
_ATTRIBUTES = re.compile(r"\{#[^{}]*\}\s*+$")
_EMPHASIS = re.compile(r"(\*\*|__|~~|`)|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_LEADING_SYMBOLS = re.compile(r"^[^\w(\[\"'“]+")
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)+\.?|\d+[.)]|[IVXivx]{1,5}[.)]|[A-Za-z][.)])\s+")
_KEEP_AT_END = frozenset("_)]?!.\"'”")

# Separators inside a label, marked so "Action Items (as of May)" and "Follow-up review" differ.
_SEPARATOR = re.compile(r"\s*(?:[(\[:,/|]|\s[-\u2013\u2014]\s|[\u2013\u2014])\s*")
_NON_WORD = re.compile(r"[^a-z0-9| ]+")

_ACTION_PHRASES_WRITTEN = """
    action items|action item|action points|action point|actions|action|action plan|actionables
    |follow ups|follow up|follow up actions|follow up action items|follow up items|follow up tasks
    |next steps|remediation|remediations|remediation items|remediation actions|remediation tasks
    |remediation plan|corrective actions|corrective action|corrective measures
    |corrective and preventive actions|corrective and preventative actions
    |corrective and preventive measures|corrective and preventative measures|capa|capas
    |preventive actions|preventive measures|preventative actions|preventative measures
    |prevention actions|prevention measures|prevention items|to do|to dos|to do list|tasks
    |mitigations|mitigation actions|mitigation items|mitigation tasks|improvement actions
    |open action items|open items|work items|followups
    |action plan items|next actions|improvement actions|improvement items|fixes|short term fixes
    |long term fixes|preventive measure|preventative measure|preventive action
    |preventative action|prevention measure|prevention item|corrective measure
    |remediation item|remediation action|remediation task|remediation step|remediation steps
    |mitigation item|mitigation action|mitigation task|follow up item|follow up task
    |work item|task list|what we are changing|what were changing|what we will change
    |what we are doing about it|what were doing about it|what we will do|what were going to do
    |what we are going to do|changes we are making|changes were making|whats next
    |what is next|how we will prevent this|how were preventing this|preventing recurrence
    |preventing it from happening again|to prevent recurrence|prevention|follow up work
    |remediation work|follow up work items|planned work
    """
_ACTION_PHRASES = frozenset(" ".join(p.split()) for p in _ACTION_PHRASES_WRITTEN.split("|"))
# Phrases weak enough that they only count at the end of a label that does not open with a
# narrative word: "Review actions" is a section of actions, "Timeline of actions" is not.
_WEAK_PHRASES = frozenset(
    {"actions", "action", "tasks", "follow up", "mitigations", "to do", "fixes", "prevention"}
)
# Labels that name the actions already taken: a list under ``**What we did:**`` is actions,
# all done. Only as labels (a bold line, a list's label), never as headings: a heading
# "Actions taken" is how the incident was handled, narrative.
_DONE_LABELS = frozenset(
    (
        "what we did",
        "what weve already done",
        "what we have already done",
        "already done",
        "done so far",
        "what is done",
        "whats done",
        "what we have done",
        "what weve done",
        "what we did about it",
        "what has been done",
        "actions taken",
        "actions we took",
        "what we fixed",
        "completed actions",
        "completed action items",
        "completed follow ups",
        "done actions",
    )
)
# A status written in a heading or label applies to the items below it: "Done",
# "Short-term fixes (all done)", "In progress". As written -> the status the items get.
_STATUS_LABELS = {
    "done": "done",
    "all done": "done",
    "completed": "completed",
    "all completed": "completed",
    "complete": "completed",
    "finished": "done",
    "already done": "done",
    "fixed": "fixed",
    "resolved": "resolved",
    "shipped": "shipped",
    "in progress": "in progress",
    "ongoing": "in progress",
    "wip": "in progress",
    "open": "open",
    "not started": "not started",
    "remaining": "open",
    "pending": "open",
    "to do": "todo",
    "todo": "todo",
}
# Statuses that still count when the heading goes on: "Done during the incident".
_LEADING_STATUSES = frozenset({"done", "completed", "in progress"})
_STATUS_SUFFIX = re.compile(
    r"^(?P<label>.*?)\s*(?:\((?P<p>[^()]{1,30})\)|\s[-\u2013\u2014:]\s*(?P<d>[^-\u2013\u2014:]{1,30}))$"
)
_CONNECTORS = frozenset(
    ("and", "for", "from", "of", "to", "with", "by", "as", "in", "owner", "owners", "status")
)
_NARRATIVE_STARTS = (
    "summary",
    "executive summary",
    "impact",
    "customer impact",
    "timeline",
    "root cause",
    "root causes",
    "contributing factor",
    "contributing factors",
    "what went",
    "where we got lucky",
    "what we got lucky",
    "lucky",
    "lessons",
    "detection",
    "resolution",
    "recovery",
    "response",
    "background",
    "supporting information",
    "glossary",
    "trigger",
    "appendix",
    "mitigation",
    "incident",
    "actions taken",
)
_NARRATIVE_WORDS = frozenset({"taken", "performed"})
# Sections that tell the story and never hold actions, whatever labels they contain: a
# "**Actions taken:**" in a timeline is how the incident was handled.
_STORY_STARTS = (
    "summary",
    "executive summary",
    "incident summary",
    "impact",
    "customer impact",
    "business impact",
    "timeline",
    "root cause",
    "root causes",
    "trigger",
    "detection",
    "what went well",
    "what went right",
    "what went wrong",
    "where we got lucky",
    "what we got lucky",
    "background",
    "glossary",
)  # "Actions taken" is what was done


def strip_markup(raw: str) -> str:
    """Plain text of a short raw inline snippet (a heading, a header cell), without parsing."""
    text = raw
    if "[" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "{#" in text:
        text = _ATTRIBUTES.sub("", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    return " ".join(text.split())


def display_label(raw: str) -> str:
    """A heading or label as a section name: markup, emoji, numbering and trailing colon gone."""
    text = strip_markup(raw)
    text = _LEADING_SYMBOLS.sub("", text)
    text = _NUMBERING.sub("", text)
    return _without_trailing_symbols(text).strip()


def _without_trailing_symbols(text: str) -> str:
    # A loop, not "[^\w...]+$": a search for that pattern rescans a long run of symbols from
    # each of its characters when something else follows the run (quadratic time).
    end = len(text)
    while end and not (text[end - 1].isalnum() or text[end - 1] in _KEEP_AT_END):
        end -= 1
    return text[:end]


@dataclass(frozen=True, slots=True)
class Label:
    name: str  # the section name as shown: markup, numbering and trailing colon gone
    is_action: bool  # it names an action section
    status: str | None  # the status it gives the items below it ("done", "in progress")
    taken: bool  # it names actions already taken ("What we did"): actions, done, as a label
    story: bool  # it names a section telling the story, where labels open no actions


@lru_cache(maxsize=4096)
def read_label(raw: str, *, exact: bool = False) -> Label:
    """What a heading or label as written means. Cached: documents written from the same
    template repeat the same headings."""
    display = display_label(raw)
    label, status = split_status(display)
    is_action = is_action_label(label or display, exact=exact)
    taken = not exact and is_done_label(label or display)
    return Label(display, is_action, status, taken, is_story_section(display))


def classify_label(raw: str, *, exact: bool = False) -> tuple[str, bool]:
    """(section name, whether it names an action section) of a heading or label as written."""
    label = read_label(raw, exact=exact)
    return label.name, label.is_action


def split_status(display: str) -> tuple[str, str | None]:
    """(label, status) of a heading that says its items' status: "Short-term fixes (all done)"
    -> ("Short-term fixes", "done"); "Done" -> ("", "done"); anything else -> (display, None)."""
    bare = _STATUS_LABELS.get(normalise_label(display).replace(" | ", " "))
    if bare is not None:
        return "", bare
    words = normalise_label(display).split()
    for n in (2, 1):  # "Done during the incident", "In progress since May"
        lead = _STATUS_LABELS.get(" ".join(words[:n]))
        if lead in _LEADING_STATUSES and len(words) > n:
            return display, lead
    m = _STATUS_SUFFIX.match(display)
    if m:
        written = m.group("p") or m.group("d") or ""
        status = _STATUS_LABELS.get(normalise_label(written).replace(" | ", " "))
        if status is not None and m.group("label").strip():
            return m.group("label").strip(), status
    return display, None


def is_story_section(display: str) -> bool:
    """Whether a heading names a section that tells the story (Summary, Timeline, Root cause,
    Impact, What went well): labels inside it never open actions."""
    bare = normalise_label(display).replace(" | ", " ")
    return bare.startswith(_STORY_STARTS) and not is_action_label(display)


def is_done_label(display: str) -> bool:
    """Whether a label names actions already taken ("What we did:", "Actions taken")."""
    return normalise_label(display).replace(" | ", " ").strip() in _DONE_LABELS


def normalise_label(display: str) -> str:
    text = _SEPARATOR.sub(" | ", display.lower())
    text = text.replace("&", " and ").replace("\u2019", "").replace("'", "")
    text = re.sub(r"\bfollow[\s_-]*ups\b", "follow ups", text)
    text = re.sub(r"\bfollow[\s_-]*up\b", "follow up", text)
    text = re.sub(r"\bto[\s_-]*dos\b", "to dos", text)
    text = re.sub(r"\bto[\s_-]*do\b", "to do", text)
    text = _NON_WORD.sub(" ", text.replace("-", " "))
    return " ".join(text.split())


def is_action_label(display: str, *, exact: bool = False) -> bool:
    """Whether a heading or label names an action section.

    ``exact`` is for a document's title heading, which often mentions follow-ups without
    being the action section ("DB outage follow-up"): only the bare phrase counts there.
    """
    norm = normalise_label(display)
    if not norm:
        return False
    bare = norm.replace(" | ", " ").strip(" |")
    if bare in _ACTION_PHRASES:
        return True
    if exact:
        return False
    words = norm.split(" ")
    if any(w in _NARRATIVE_WORDS for w in words):
        return False
    narrative_start = bare.startswith(_NARRATIVE_STARTS)
    for n in range(min(5, len(words)), 0, -1):
        head = " ".join(words[:n])
        if head in _ACTION_PHRASES and not (narrative_start and head in _WEAK_PHRASES):
            rest = words[n:]
            if not rest or rest[0] == "|" or rest[0] in _CONNECTORS:
                return True
        tail = " ".join(words[-n:])
        if (
            len(words) > n
            and tail in _ACTION_PHRASES
            and not (narrative_start and tail in _WEAK_PHRASES)
        ):
            return True
    return False
