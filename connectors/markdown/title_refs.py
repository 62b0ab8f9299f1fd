"""A title without the tracker references that only point at an issue, and their leftovers.

The references go to ``tracker_refs``; the title keeps the action alone. A reference only points
when it is set apart from the action: at the end after a separator or a lead-in ("Add the
alert, see PAY-12", "Fix the race: #123", "- jira MOB-902", "tracked in [the board](…)"), at
the start before a separator ("PAY-12: rotate the keys", "[PAY-12] Rotate the keys"), in a
bracket or clause of its own anywhere ("(see #45)", ", see PAY-12, before the audit"), or as a
bare "#5554823" or tracker URL at the end. What a bracket or clause says beyond pointing keeps
it whole ("(see #52 for the panel spec)"), and a reference that is the object of the action
stays ("Backport PAY-12 to 5.x", "Close #45", "Link PAY-1 in the runbook").

While annotations and references are taken out, each reference found in the text (a key, a
URL, the text of a link to an issue) stands as one mark character (``mark_refs``), so link
text such as "the issue" or "here" is judged as the reference it is; marks still in the title
afterwards are put back as written (``unmark``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from connectors.markdown.refs import REF_MARK

_FIRST_MARK = 0xF0000
_LAST_MARK = 0xFFFFD

_REFS = rf"{REF_MARK}(?:\s*+(?:[,/&]|\band\b)\s*+{REF_MARK})*+"
_DONE = r"(?i:merged|fixed|closed|resolved|done|shipped|landed|completed)"
# The words that introduce a reference: "see", "tracked in", "jira", "ticket", "cf.", "via".
_LEAD_WORD = (
    r"(?i:see(?:\s+also)?|tracked\s+(?:in|as|by|at|on|under)|tracking(?:\s+(?:issue|ticket))?"
    r"|ticket|jira|issue|bug|pr|github|gh|via|refs?|cf|per|link|details)"
)
# Atomic, and repeated possessively below: a lead-in never gives back what it took, which
# keeps a run of "see see see …" linear (two ways to split each space made it exponential).
_LEAD = rf"(?>\b{_LEAD_WORD}\b\.?(?:\s*:)?\s*)"
_POINTER = rf"{_LEAD}*+(?:{_REFS}|[(\[]\s*{_LEAD}*+{_REFS}\s*[)\]])"
# A bracket that only points: "(see PAY-1)", "[PAY-1]", "(done, see (PAY-2))".
_BRACKET = (
    rf"[(\[]\s*(?:(?P<done>{_DONE})\s*[,;:]?\s*)?(?:(?P<done_via>{_DONE})\s+(?i:in|by|via|with|as)"
    rf"\s+)?{_POINTER}\s*[)\]]"
)
_SEPARATOR = r"(?:\s*[,;:]|\s+[-\u2013\u2014]|\s*[\u2013\u2014])\s*"

# A title ends in a few pointers at most ("see (PAY-14) - jira PAY-14"), each short: the tail
# patterns look at the end of the title only, a bounded number of times, so a hostile title of
# "see #1, " repeated costs time linear in its length.
_MOST_TAIL_CUTS = 8
_TAIL_WINDOW = 400

_TAIL_BRACKET = re.compile(rf"\s*{_BRACKET}\s*\.?$")
_TAIL_AFTER_SEPARATOR = re.compile(
    rf"{_SEPARATOR}(?:(?P<done_sep>{_DONE})\s+(?i:in|by|via|with|as)\s+)?"
    rf"(?:{_BRACKET}|{_POINTER})\s*\.?$"
)
_TAIL_AFTER_LEAD = re.compile(
    rf"\s+(?:(?P<done_lead>{_DONE})\s+(?i:in|by|via|with|as)\s+{_LEAD}*+|{_LEAD}++)"
    rf"(?:{_REFS}|[(\[]\s*{_LEAD}*+{_REFS}\s*[)\]])\s*\.?$"
)
_TAIL_BARE = re.compile(rf"\s+(?:(?i:bug|issue|ticket|pr)\s+)?({REF_MARK})\s*\.?$")
_HEAD = re.compile(
    rf"^\s*(?:[(\[]\s*{_REFS}\s*[)\]]\s*(?:[:\-\u2013\u2014]\s*)?|{_REFS}\s*(?::|\s[-\u2013\u2014]))"
    r"\s*(?=\S)"
)
_MIDDLE_BRACKET = re.compile(rf"(?<=\S)\s*{_BRACKET}(?=\s+\S)")
_MIDDLE_CLAUSE = re.compile(
    rf"\s*,\s*{_LEAD}++{_REFS}\s*,\s*|\s+[-\u2013\u2014]\s+{_LEAD}*+{_REFS}\s+[-\u2013\u2014]\s+"
)
# What a reference cut out earlier left dangling: "Add the alert, see", "…, tracked in (".
_DANGLING_LEAD_IN = re.compile(
    r"\s*[,;:(\[\-\u2013\u2014]\s*(?i:see(?:\s+also)?|tracked\s+(?:in|as|by)|cf\.?)?\s*[(\[:]?\s*$"
)
# A reference cut from the end must not leave the sentence hanging on a function word
# ("Attach the logs to ticket PAY-12" keeps its ticket).
_HANGING = re.compile(
    r"(?:^|\s)(?i:the|a|an|this|that|to|in|on|of|for|with|from|into|and|or|by|at|as)$"
)
_ENDS_WITH_REF = re.compile(rf"{REF_MARK}\s*[,;&/]?$")
# Link text or a written form that is nothing but a pointer: "#123", a URL, "here", "the issue".
_POINTER_TEXT = re.compile(
    r"#\d+|https?://\S+|(?i:(?:the\s+|this\s+)?(?:here|link|jira|ticket|issue|bug|pr"
    r"|(?:tracking|github|jira)\s+(?:issue|ticket)))"
)


def mark_refs(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[str], list[int]]:
    """``text`` with each span (a reference as written, a link's text) replaced by one mark.

    Returns the marked text, what each mark stands for, and for each position of ``text`` up
    to its end (inclusive) the matching position in the marked text."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    merged = merged[: _LAST_MARK - _FIRST_MARK]
    out: list[str] = []
    originals: list[str] = []
    last = 0
    for start, end in merged:
        out.append(text[last:start])
        originals.append(text[start:end])
        out.append(chr(_FIRST_MARK + len(originals) - 1))
        last = end
    out.append(text[last:])
    return "".join(out), originals, _position_map(len(text), merged)


def _position_map(size: int, merged: list[list[int]]) -> list[int]:
    positions: list[int] = []
    shift = 0
    spans = iter(merged)
    current = next(spans, None)
    for pos in range(size + 1):
        while current is not None and pos >= current[1]:
            shift += current[1] - current[0] - 1
            current = next(spans, None)
        if current is not None and current[0] < pos < current[1]:
            positions.append(current[0] - shift + 1)  # inside a mark: after it
        else:
            positions.append(pos - shift)
    return positions


def unmark(text: str | None, originals: Sequence[str]) -> str | None:
    """The references a title kept, as written."""
    if not text or not originals:
        return text
    return re.sub(REF_MARK, lambda m: _original(m.group(0), originals), text)


def _original(mark: str, originals: Sequence[str]) -> str:
    index = ord(mark) - _FIRST_MARK
    return originals[index] if index < len(originals) else ""


def without_pointer_refs(title: str, originals: Sequence[str] = ()) -> tuple[str, str | None]:
    """(title, status) without the references that only point at an issue and the words and
    punctuation that introduced them; the status is the done word of "merged in #123" or
    "(done, see PAY-2)", else None. A title that is only references stays as it is."""
    status: str | None = None
    if not re.search(REF_MARK, title):
        return _without_dangling_lead_in(title), None
    # The author's full stop ends the sentence, whatever is cut before it: "Fix it (PAY-1)."
    stop = "." if title.endswith(".") and not title.endswith("..") else ""
    title = title[: len(title) - len(stop)]
    for _ in range(_MOST_TAIL_CUTS):
        cut = _cut_tail(title, originals)
        if cut is None:
            break
        title, done = cut
        status = status or done
    head = _HEAD.match(title)
    if head and title[head.end() :].strip():
        title = title[head.end() :]
    for pattern in (_MIDDLE_BRACKET, _MIDDLE_CLAUSE):
        title = pattern.sub(" ", title)  # every reference of a pointing bracket points
    return _without_dangling_lead_in(title) + stop, status


def _cut_tail(title: str, originals: Sequence[str]) -> tuple[str, str | None] | None:
    """The title without its last pointing reference; the longest cut that leaves an action."""
    found = (
        m
        for pattern in (_TAIL_AFTER_LEAD, _TAIL_AFTER_SEPARATOR, _TAIL_BRACKET, _TAIL_BARE)
        if (m := pattern.search(title, max(0, len(title) - _TAIL_WINDOW))) is not None
    )
    for m in sorted(found, key=lambda m: m.start()):
        rest = title[: m.start()].rstrip()
        if not _may_cut(rest):
            continue
        if m.re is _TAIL_BARE and not _only_points(m.group(1), originals, rest):
            continue
        groups = m.groupdict()
        done = next((g for k, g in groups.items() if k.startswith("done") and g), None)
        return rest, done
    return None


def _may_cut(rest: str) -> bool:
    """Whether what stays before a cut reference is still a whole action."""
    words = rest.split()
    if not words:
        return False
    if _ENDS_WITH_REF.search(rest):
        return False  # a list of references is the object: "Close PAY-1, PAY-2"
    return not _HANGING.search(rest)


def _only_points(mark: str, originals: Sequence[str], rest: str) -> bool:
    """A reference written after the action with no lead-in ("Fix the flake #5554823") only
    points when it is a bare number, a URL or link text like "the issue"; after a lone verb
    ("Close #45", "Backport PAY-12") it is the object."""
    if len(rest.split()) < 2:
        return False
    return bool(_POINTER_TEXT.fullmatch(_original(mark, originals).strip()))


def _without_dangling_lead_in(title: str) -> str:
    d = _DANGLING_LEAD_IN.search(title)
    if d and d.group(0).strip() and title[: d.start()].strip():
        title = title[: d.start()]
    return " ".join(title.split())
