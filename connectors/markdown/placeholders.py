"""Template text and fillers that look like items but are not: "TBD", "etc.", "<describe>"."""

from __future__ import annotations

import re

_FILLERS = frozenset(
    (
        "-",
        "--",
        "---",
        "\u2013",
        "\u2014",
        "...",
        "…",
        ".",
        "..",
        "?",
        "??",
        "x",
        "n/a",
        "na",
        "n.a.",
        "none",
        "none yet",
        "none identified",
        "none at this time",
        "nothing",
        "tbd",
        "tba",
        "tbc",
        "todo",
        "to do",
        "etc",
        "etc.",
        "etc…",
        "and so on",
        "more to come",
        "placeholder",
        "action item",
        "action items",
        "item",
        "items",
        "task",
        "tasks",
        "description",
        "action",
        "follow-up",
        "follow-ups",
        "no action items",
        "no action items yet",
        "no actions",
        "no follow-ups",
        "describe",
        "fill in",
        "fill me in",
        "insert here",
        "to be filled",
        "to be defined",
        "to be decided",
    )
)
# Matched whole against the stripped markdown. Space runs are possessive ("\s*+"): two
# greedy runs side by side ("\s*[.:]?\s*$") split a long run of spaces every way before
# failing, which is quadratic in its length.
_TEMPLATE_RAW = re.compile(
    r"(?:<[^<>]*>|\{\{.*\}\}|\{[^{}]*\}|\[[^\[\]]*\](?!\s*+[(\[:]))\s*+[.:]?", re.DOTALL
)
_EXAMPLE = re.compile(r"^\s*(?:e\.\s?g\.|eg\.|e\.g\b|(?:for\s+)?example\s*[:,])", re.IGNORECASE)
_INSTRUCTION_VERB = re.compile(
    r"^\s*(?:add|list|insert|enter|describe|write|fill(?:\s+in)?|put|include|replace"
    r"|summari[sz]e)\b",
    re.IGNORECASE,
)
_TEMPLATE_OBJECT = re.compile(
    r"\b(?:action\s+items?|follow[\s-]?ups?|actions?|tasks?|items?|remediations?|next\s+steps"
    r"|owners?|due\s+dates?)\b",
    re.IGNORECASE,
)
_HERE = re.compile(
    r"\b(?:here|below|above|in this section|in this table)\s*[.:]?\s*$", re.IGNORECASE
)
# Template text in any syntax, anywhere in the item: "{{ summary }}", "${action}", lorem ipsum,
# "TODO: describe", "[link to issue]" with nothing else of substance.
_TEMPLATE_ANYWHERE = re.compile(
    r"\{\{[^{}]{0,200}\}\}|\$\{[^{}]{0,200}\}|\blorem\s+ipsum\b|\bdolor\s+sit\s+amet\b",
    re.IGNORECASE,
)
_TODO_INSTRUCTION = re.compile(
    r"^\W*+(?:todo|tbd|fixme|xxx)\W*+(?:describe|fill|add|write|explain|insert|complete"
    r"|update|define|list|enter|replace)\b[^.]{0,60}$",
    re.IGNORECASE,
)
# "Actions will be added after the review": a note that the items are still to come.
_ITEMS_TO_COME = re.compile(
    r"^(?:the\s+|our\s+)?(?:action(?:\s+item)?s|follow[\s-]?ups|tasks|items|owners)\s+"
    r"(?:will|are\s+to|to|still\s+need\s+to|have\s+yet\s+to)\s+be\b",
    re.IGNORECASE,
)
_NO_ITEMS = re.compile(
    r"^(?:there\s+(?:are|were)\s+)?no\s+(?:further\s+|new\s+|open\s+)?(?:action\s+items?"
    r"|actions?|follow[\s-]?ups?|tasks?|remediation\s+items?)\b",
    re.IGNORECASE,
)
# The blanks of a template whose values were cut out: "(owner: , due: )", "Describe the action".
_EMPTY_FIELDS = re.compile(
    r"^[\s(\[]*(?:(?:owner|due|date|name|priority|status|type|link)\s*:?\s*[,;]?\s*)+[)\]\s.]*$",
    re.IGNORECASE,
)
_DESCRIBE_THE_ITEM = re.compile(
    r"^(?:describe|add|enter|insert|write|list|explain|summari[sz]e)\s+(?:the|an|a|your|each)?\s*"
    r"(?:action(?:\s+items?)?|tasks?|items?|follow[\s-]?ups?|remediations?|fix|change)\b[^.]{0,40}\.?$",
    re.IGNORECASE,
)
_WHOLE_ITALIC = re.compile(r"(?:\*(?!\*)[^*]+\*|_(?!_)[^_]+_)\s*+[.:]?")


def is_placeholder(title: str, raw: str) -> bool:
    """Whether an item is template filler. ``title`` is the cleaned title, ``raw`` the markdown."""
    plain = " ".join(title.split()).lower().rstrip(":")
    if not plain or plain.strip(".-\u2013\u2014…?!*_ ") == "":
        return True
    if plain in _FILLERS:
        return True
    bare = raw.strip()
    if _TEMPLATE_RAW.fullmatch(bare) or _EXAMPLE.match(title):
        return True
    if _EMPTY_FIELDS.match(plain) or _DESCRIBE_THE_ITEM.match(plain):
        return True
    if _TEMPLATE_ANYWHERE.search(bare) or _TODO_INSTRUCTION.match(bare) or _NO_ITEMS.match(plain):
        return True
    if _ITEMS_TO_COME.match(plain):
        return True
    # "Add action items here", "_List follow-ups_": an instruction to the author about items.
    return bool(
        _INSTRUCTION_VERB.match(title)
        and _TEMPLATE_OBJECT.search(title)
        and (_HERE.search(title) or _WHOLE_ITALIC.fullmatch(bare))
    )
