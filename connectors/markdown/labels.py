"""What a heading or a bold label means: an action section, or anything else.

Headings are classified from their raw text (markdown-it leaves heading content unparsed until
inline parsing, which extraction skips for speed), so light markup is stripped here.
"""

from __future__ import annotations

import re
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
    """
_ACTION_PHRASES = frozenset(" ".join(p.split()) for p in _ACTION_PHRASES_WRITTEN.split("|"))
# Phrases weak enough that they only count at the end of a label that does not open with a
# narrative word: "Review actions" is a section of actions, "Timeline of actions" is not.
_WEAK_PHRASES = frozenset({"actions", "action", "tasks", "follow up", "mitigations", "to do"})
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
_NARRATIVE_WORDS = frozenset({"taken", "performed"})  # "Actions taken" is what was done


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


@lru_cache(maxsize=4096)
def classify_label(raw: str, *, exact: bool = False) -> tuple[str, bool]:
    """(section name, whether it names an action section) of a heading or label as written.

    Cached: documents written from the same template repeat the same headings.
    """
    display = display_label(raw)
    return display, is_action_label(display, exact=exact)


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
