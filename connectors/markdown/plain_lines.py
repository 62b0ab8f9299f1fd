"""Action sections written as plain lines: one action per line or paragraph, no bullets.

Only lines that read as actions are taken: those opening with an action verb ("Add an alert"),
an owner before the action ("SRE: add the alert"), or a commitment ("We will ..."), or that
name an owner or a due date. Introductions ("The
following actions were agreed:") and narrative sentences in the section are passed over.
"""

from __future__ import annotations

import re
from itertools import pairwise

from connectors.markdown.action_words import may_be_imperative, may_be_past_action, opens_with_verb
from connectors.markdown.annotations import is_done_status
from connectors.markdown.context import ExtractionContext
from connectors.markdown.inline_text import MAX_ITEM_CHARS
from connectors.markdown.item_text import ItemText, read_item_text
from connectors.markdown.placeholders import is_placeholder
from connectors.markdown.refs import ordered_refs
from syncd.connector.model import RawItem

RULE = "plain line in an action section"
# Longer than this, a line is prose (a paragraph of narrative), not one action.
_MAX_LINE_CHARS = 300
# "We will ...", "The scheduler must ...": a commitment names the actor, then a modal.
_COMMITMENT = re.compile(
    r"^(?:[\w'-]+\s+){1,4}?(?:will|shall|must|need\s+to|needs\s+to|should|has\s+to|have\s+to"
    r"|are\s+going\s+to|is\s+going\s+to|plan\s+to)\s+\w",
    re.IGNORECASE,
)
_INTRODUCTION = re.compile(
    r"^(?:the\s+following|below|here\s+are|these\s+are)\b|\b(?:as\s+follows|listed\s+below"
    r"|in\s+this\s+section|(?:actions|items|follow[\s-]?ups)\s+below)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z]")


def plain_line_items(
    content: str, first_line: int, section: str, status: str | None, ctx: ExtractionContext
) -> None:
    """The lines of one paragraph under an action section, each an item when it reads as one;
    a paragraph of wrapped prose is judged whole (as one line)."""
    for offset, line in _units(content):
        body_line = first_line + offset
        ctx.reading_line = body_line
        text = read_item_text(line, ctx.env)
        why_not = _not_an_action(line, text, taken=status is not None and is_done_status(status))
        if why_not is not None:
            ctx.skipped(body_line, "line", section, why_not)
            continue
        ctx.report_long_item(body_line, text.raw, MAX_ITEM_CHARS)
        found = text.annotations
        status_text, done = text.status, text.done
        if status_text is None and status is not None:
            status_text, done = status, is_done_status(status)
        item = RawItem(
            title=text.title,
            section=section,
            line=ctx.line(body_line),
            detail=text.detail,
            owner_text=found.owner,
            due_text=found.due,
            priority_text=found.priority,
            type_text=found.type,
            status_text=status_text,
            done=done,
            tracker_refs=ordered_refs([text.refs]),
        )
        ctx.add_item(item, RULE)


def _units(content: str) -> list[tuple[int, str]]:
    """(line offset, text) of each unit: every line, unless a line runs on into the next
    (no closing punctuation, the next opening in lower case), when the paragraph is one."""
    lines = content.split("\n")
    for this, following in pairwise(lines):
        nxt = following.lstrip()
        if nxt[:1].islower() and not this.rstrip().endswith((".", "!", "?", ";", ":")):
            return [(0, " ".join(line.strip() for line in lines))]
    return [(offset, line) for offset, line in enumerate(lines) if line.strip()]


def _not_an_action(line: str, text: ItemText, *, taken: bool) -> str | None:
    """``taken``: the section says its items were done, so a line may report one ("Disabled
    the job"); elsewhere such a line is narrative."""
    if not text.title or is_placeholder(text.title, text.raw):
        return "a template placeholder or filler"
    if text.ends_with_colon or _INTRODUCTION.search(text.title):
        return "an introduction to the actions, not one"
    if len(line) > _MAX_LINE_CHARS or _SENTENCE_END.search(text.title):
        return "prose (several sentences), not one action"
    if text.bold_only:
        return "a bold line that is not an action label"
    title = text.title
    acts = opens_with_verb(title) or may_be_imperative(title) or bool(_COMMITMENT.match(title))
    acts = acts or (taken and may_be_past_action(title))
    found = text.annotations
    if acts or found.owner or found.due or text.checkbox is not None:
        return None
    return "does not read as an action (it opens with no action verb, and names no owner or date)"
