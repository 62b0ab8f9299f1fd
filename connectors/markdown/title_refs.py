"""A title without the leftovers of the tracker reference cut out of it.

The reference itself goes to ``tracker_refs``; what introduced it stays behind unless taken
too: "Add the alert, see (PAY-12)", "Add the runbook - [jira](…/browse/PAY-13)", "Fix the race:
#123", "Fix the flake #5554823", "… merged in #123" (which also says it is done).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from connectors.markdown.refs import REF_TOKEN, is_tracker_url

_REFS = rf"{REF_TOKEN}(?:\s*+(?:[,/&]|\band\b)\s*+{REF_TOKEN})*+"
_DONE_VIA = r"(?i:merged|fixed|closed|resolved|done|shipped|landed|completed)"
_LEAD_IN = r"(?i:see(?:\s+also)?|tracked\s+(?:in|as|by|at|on)|tracking|ref|cf\.?|in|via)"
_TRACKER_WORD = r"(?i:jira|ticket|issue|bug|pr|github|gh)"
# A reference at the end of a title after a separator ("Fix the race: #123", "- PAY-9"), a bare
# "#123" tail, a bracket of references ("(see PAY-1)"), or a "merged in #123" that says the work
# is done. A reference the author's sentence introduces outside brackets (", see PAY-12",
# "tracked in PAY-9") is part of the title as written.
_TRAILING_REF = re.compile(
    rf"(?:\s*[,;:\-\u2013\u2014]\s*(?:(?P<done>{_DONE_VIA})\s+(?i:in|by|via|with|as)\s+)?"
    rf"|\s+(?P<done2>{_DONE_VIA})\s+(?i:in|by|via|with|as)\s+)[(\[]?\s*{_REFS}\s*[)\]]?\s*\.?$"
    r"|\s+(?:(?i:bug|issue|ticket|pr)\s+)?#\d+\s*\.?$"
    # A bracket of references and the words around them: "(see PAY-1)", "(done, see (PAY-2))".
    rf"|\s*[(\[]\s*(?:(?P<done3>{_DONE_VIA})\s*[,;]?\s*)?(?:{_LEAD_IN}\s*:?\s*)?[(\[]?\s*"
    rf"{_REFS}\s*[)\]]?\s*[)\]]\s*\.?$"
    # A tracker's name before the reference after a separator: " - jira MOB-902", "- jira: X-1".
    rf"|\s*[\-\u2013\u2014:;]\s*{_TRACKER_WORD}\s*:?\s*{_REFS}\s*\.?$"
)
# What a reference cut out earlier left dangling: "Add the alert, see", "…, tracked in (".
_DANGLING_LEAD_IN = re.compile(
    r"\s*[,;:(\[\-\u2013\u2014]\s*(?i:see(?:\s+also)?|tracked\s+(?:in|as|by)|cf\.?)?\s*[(\[:]?\s*$"
)
# Link text that only points at the issue, after a separator: " - [jira](…)", "([ticket](…))".
_LINK_WORD = re.compile(
    r"(?:^|[-\u2013\u2014:,;(\[]\s*)"
    r"(?i:(?P<word>jira|ticket|issue|tracking\s+issue|github\s+issue|bug|pr|link))$"
)
# A link to the issue that ends the action after a dash and a lead-in: "— tracked in [the
# board](…)". Searched in a window before the link's end: linear in the title.
_DASH_LINK = re.compile(
    r"\s+[\-\u2013\u2014]\s+(?:(?i:tracked\s+(?:in|as|by|at|on)|in|on|via)\s+)"
    r"[^\-\u2013\u2014]{1,80}$"
)


def without_trailing_refs(title: str) -> tuple[str, str | None]:
    """(title, status) with a trailing reference and its lead-in gone; the status is the done
    word of "merged in #123", else None. A title that is only a reference stays as it is."""
    status: str | None = None
    m = _TRAILING_REF.search(title)
    if m and title[: m.start()].strip():
        status = m.group("done") or m.group("done2") or m.group("done3")
        title = title[: m.start()]
    d = _DANGLING_LEAD_IN.search(title)
    if d and d.group(0).strip() and title[: d.start()].strip():
        title = title[: d.start()]
    return title.rstrip(), status


def without_link_words(text: str, links: Iterable[tuple[int, str]]) -> str:
    """``text`` without the link texts that only name a tracker issue ("[jira](…)"), and
    without a link to an issue that ends the action after a dash ("— tracked in [the
    board](…)"); after a comma ("…, see [the ticket](…)") the words are the author's sentence."""
    cuts: list[tuple[int, int]] = []
    for end, href in links:
        if not is_tracker_url(href.strip()):
            continue
        m = _LINK_WORD.search(text, max(0, end - 40), end)
        if m and m.end() == end:
            cuts.append((m.start("word"), end))
            continue
        after = text[end:].lstrip()
        tail = _DASH_LINK.search(text, max(0, end - 120), end)
        if tail and tail.start() and (not after or after[0] in "@("):
            cuts.append((tail.start(), end))
    for start, end in sorted(cuts, reverse=True):
        text = text[:start] + text[end:]
    return text
