"""Inline annotations in one item's plain text: owner, due date, priority, type, status.

Each annotation is taken out of the text and kept as written; what remains, tidied, is the
title. Regular expressions (in ``annotation_patterns``) are right for this: it is the inside of
one item, not document structure. Interpretation (who "@alice" is, what "end of Q2" means)
happens later.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import and_

from connectors.markdown import annotation_patterns as patterns
from connectors.markdown.refs import REF_TOKEN, find_refs
from connectors.markdown.title_refs import mark_refs, unmark, without_pointer_refs


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

    def unmark(self, ref_texts: Sequence[str]) -> None:
        """The references kept in each field as written (``title_refs.unmark``)."""
        self.title = unmark(self.title, ref_texts) or ""
        self.owner = unmark(self.owner, ref_texts)
        self.due = unmark(self.due, ref_texts)
        self.priority = unmark(self.priority, ref_texts)
        self.type = unmark(self.type, ref_texts)
        self.status = unmark(self.status, ref_texts)

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
        text = patterns.GROUP_LEADING_SEP.sub(r"\1", text)
        text = patterns.GROUP_TRAILING_SEP.sub(r"\1", text)
        text = patterns.EMPTY_GROUP.sub(" ", text)
        text = " ".join(text.split())
    if removed and text.endswith(" ."):
        # "Do X (owner: a)." - the full stop closed the annotation's sentence, not the title's.
        text = text[:-2].rstrip()
    if removed and patterns.NEEDS_SEPARATOR_FIX.search(text):
        text = patterns.SPACE_BEFORE_PUNCT.sub(r"\1", text)
        text = patterns.REPEATED_SEP.sub(r"\1", text)
        text = patterns.REPEATED_DASH.sub(r"\1", text)
    text = text.lstrip(patterns.JUNK)
    # A loop, not a pattern: "(?:[junk]+|and)+$" takes exponential time on long junk runs.
    # It moves an index: slicing the text on every round was quadratic on "x and and and ...".
    end = len(text)
    while True:
        while end and text[end - 1] in patterns.JUNK:
            end -= 1
        if removed and (text.endswith(" and", 0, end) or text.endswith(" &", 0, end)):
            end = text.rfind(" ", 0, end)
            continue
        return text[:end]


def is_done_status(status: str) -> bool:
    words = status.strip().lower()
    if words and words[0] in patterns.DONE_EMOJI:
        return True
    first = re.split(r"[\s:(\[]+", words.strip("[]() "), maxsplit=1)[0]
    return first in patterns.DONE_WORDS


def extract_annotations(text: str, ref_texts: Sequence[str] | None = None) -> Annotations:
    """Take every annotation out of ``text``; ``title`` is what remains, tidied.

    ``ref_texts`` are what the reference marks in ``text`` stand for (``title_refs.mark_refs``),
    and the marks stay in the result for the caller to put back; without them, the references
    of ``text`` are found and marked here, and put back before returning."""
    if ref_texts is not None:
        return _extract_annotations(text, ref_texts)
    spans = [(pos, pos + len(ref)) for pos, ref in find_refs(text)]
    if not spans:
        return _extract_annotations(text, ())
    marked, originals, _ = mark_refs(text, spans)
    found = _extract_annotations(marked, originals)
    found.unmark(originals)
    return found


def _extract_annotations(text: str, ref_texts: Sequence[str]) -> Annotations:
    found = Annotations()
    if not text:
        return found
    text = original = " ".join(text.split())

    if "(" in text or "[" in text:
        text = patterns.GROUP.sub(lambda m: _take_group(m, found), text)

    text = _take_key_values(text, found)
    text = _take_dates(text, found)
    if "P" in text:
        text = patterns.PRIORITY_TOKEN.sub(lambda m: _set_priority(found, m.group(1)), text)
    # Handles last: whether one is at the edge of the text depends on what was removed above.
    if "@" in text:
        text = _take_handles(text, found)
    if found.owner and not found.due and ("(" in text or "[" in text):
        text = patterns.UNKNOWN_DUE_GROUP.sub(lambda m: _set_due(found, m.group(1)), text, count=1)

    text = tidy(text, removed=text is not original)
    text = _take_edge_status(text, found)
    if text:  # references that only point, and what introduced them, go
        cut, done_via = without_pointer_refs(text, ref_texts)
        if done_via is not None and found.status is None:
            _set_status(found, done_via)
        if cut != text:  # a status may have stood before the reference: "X (done), see #5"
            text = _take_edge_status(tidy(cut), found)
        text = tidy(text)
    found.title = text
    return found


def _take_group(m: re.Match[str], found: Annotations) -> str:
    """A bracketed group that holds only annotations goes; any other group stays as written."""
    content = m.group(1) if m.group(1) is not None else m.group(2)
    inner = Annotations()
    if patterns.TEMPLATE_GROUP.match(content):
        return " "  # an unfilled blank of a template, not part of the action
    if (owner := patterns.OWNER_ONLY_GROUP.match(content)) and _owner_in_group(owner[1], inner):
        pass
    elif patterns.TYPE_ONLY.match(content):
        inner.type = content.strip()
    elif status := patterns.STATUS_ONLY.match(content):
        inner.status = status.group(1)
        inner.done = is_done_status(inner.status)
    else:
        rest = _take_key_values(content, inner)
        rest = _take_dates(rest, inner)
        rest = patterns.PRIORITY_TOKEN.sub(lambda p: _set_priority(inner, p.group(1)), rest)
        if "@" in rest:
            rest = _take_handles(rest, inner)
        rest = tidy(rest)
        # "(owner: @a, due: 2026-05-01, prevent)": a lone type or status word among annotations.
        if rest and inner.any:
            if inner.type is None and patterns.TYPE_ONLY.match(rest):
                inner.type, rest = rest, ""
            elif inner.status is None and (status := patterns.STATUS_ONLY.match(rest)):
                _set_status(inner, status.group(1))
                rest = ""
        if rest or not inner.any:
            return m.group(0)
    found.merge(inner)
    return " "


def _owner_in_group(value: str, found: Annotations) -> bool:
    """The value of an owner key alone in a bracket ("(owner: Identity on-call lead)") runs to
    the bracket, less a date or priority written after it ("ops lead by 2026-05-01"); taken
    into ``found`` when what is left is short enough to be a name."""
    probe = Annotations()
    rest = _take_dates(value, probe)
    rest = tidy(patterns.PRIORITY_TOKEN.sub(lambda p: _set_priority(probe, p.group(1)), rest))
    if not rest or len(rest.split()) > 5:
        return False
    _set_owner(found, rest)
    found.merge(probe)
    return True


def _take_key_values(text: str, found: Annotations) -> str:
    lowered = text.lower()
    if ":" in text or "=" in text:
        if any(k in lowered for k in ("owner", "assignee", "dri", "responsible", "who")):
            text = patterns.OWNER_KEY.sub(lambda m: _set_owner(found, m.group(1)), text)
        if any(k in lowered for k in ("due", "deadline", "eta", "target", "when")):
            text = patterns.DUE_COLON_DATE.sub(lambda m: _set_due(found, m.group(1)), text)
            text = patterns.DUE_COLON_FREE.sub(lambda m: _set_due(found, m.group(1)), text)
        if "prio" in lowered:
            text = patterns.PRIORITY_KEY.sub(lambda m: _set_priority(found, m.group(1)), text)
        if any(k in lowered for k in ("type", "kind", "category")):
            text = patterns.TYPE_KEY.sub(lambda m: _set_type(found, m.group(1)), text)
        if "status" in lowered or "state" in lowered:
            text = patterns.STATUS_KEY.sub(lambda m: _set_status(found, m.group(1)), text)
    if "assigned" in lowered:
        text = patterns.ASSIGNED_TO.sub(lambda m: _set_owner(found, m.group(1)), text)
    return text


def _take_handles(text: str, found: Annotations) -> str:
    """The first @handle is the owner. Handles at either end of the text are annotations and
    go; one inside running text ("pair with @bob on it") stays, since the sentence needs it."""
    every = list(patterns.HANDLE.finditer(text))  # "@here" too: it may sit among the owners
    handles = [k for k, m in enumerate(every) if m.group(1).lower() not in patterns.NOT_PEOPLE]
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
    rf"|{REF_TOKEN}|{patterns.STATUS_EMOJI}|\b(?:DONE|WIP|TODO|COMPLETED|FIXED|CLOSED|BLOCKED)\b"
    r"|[\s,;:&/\-\u2013\u2014.!?]+|[()\[\]]|\band\b"
)


def _is_glue(part: str) -> bool:
    """Whether nothing is left beside a handle once separators, references and brackets are
    set aside."""
    return not _GLUE.sub("", part)


def _take_dates(text: str, found: Annotations) -> str:
    lowered = text.lower()
    if any(k in lowered for k in ("due", "deadline", "eta")):
        text = patterns.DUE_WORD.sub(lambda m: _set_due(found, m.group(1)), text)
    if "by " in lowered:
        text = patterns.BY_DATE.sub(lambda m: _set_due(found, m.group(1)), text)
    return text


def _take_edge_status(text: str, found: Annotations) -> str:
    for pattern in (patterns.LEADING_STATUS, patterns.TRAILING_STATUS):
        if pattern is patterns.TRAILING_STATUS and not _may_end_with_status(text):
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
    if text[-1] in patterns.STATUS_EMOJI_CHARS or text.endswith(")"):
        return True
    words = text.rstrip(patterns.TRAILING_NOISE).rsplit(None, 1)
    if bool(words) and words[-1].lower() in patterns.STATUS_LAST_WORDS:
        return True
    # "… — done 2026-10-03": a done word shortly before the end, followed by its date.
    return any(word.lower() in patterns.DONE_WORDS for word in text.split()[-5:-1])


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
