"""The words of a nudge: blameless, specific, and short.

It says what is due and since when, and which postmortem asked for it, and offers the two
useful answers (a new date, or closing it with a note); it never ranks or blames anyone. Titles
come from documents: the tracker keeps them from being read as mentions or markup.
"""

from __future__ import annotations

import re

from syncd.judge.items import ItemJudgement

SIGNATURE = "(syncd: a reminder from the postmortem's follow-up; it changes nothing on this issue)"
# What a tracker's escaping leaves of the signature, compared without it: words only.
_SIGNATURE_WORDS = re.findall(r"[a-z]+", SIGNATURE.lower())


def nudge_text(reason: str, judgement: ItemJudgement) -> str:
    item = judgement.state.item
    postmortem = item.postmortem
    dated = f" of {postmortem.date.isoformat()}" if postmortem.date else ""
    # One line: a title's own line would start a heading, quote or list in the tracker's markup.
    title = " ".join(postmortem.title.split())
    origin = f'the postmortem "{title}"{dated}'
    due = item.due.date
    if reason == "overdue" and due is not None:
        days = judgement.overdue_days or 0
        what = f"was due on {due.isoformat()} ({_days(days)} ago)"
        ask = (
            "If it is still planned, a new due date keeps everyone in step; if it will not be "
            "done, closing it with a short note is just as useful."
        )
    elif reason == "due_soon" and due is not None:
        days = judgement.days_to_due or 0
        when = "today" if days == 0 else f"in {_days(days)}"
        what = f"is due on {due.isoformat()} ({when})"
        ask = "If the date no longer fits, moving it now helps whoever plans around it."
    else:
        days = judgement.idle_days or 0
        what = f"has had no activity here for {_days(days)}"
        ask = "A short update, or a new owner or date, helps the postmortem's follow-up review."
    lines = [f"This action item from {origin} {what}. {ask}"]
    if postmortem.url:
        lines.append(f"Postmortem: {postmortem.url}")
    lines.append(SIGNATURE)
    return "\n\n".join(lines)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def is_nudge_text(comment: str) -> bool:
    """Whether a comment read back from a tracker is a nudge syncd posted: it ends with the
    signature, whatever escaping (backslashes, zero-width spaces, markup) the tracker applied."""
    words = re.findall(r"[a-z]+", comment.lower())
    return words[-len(_SIGNATURE_WORDS) :] == _SIGNATURE_WORDS
