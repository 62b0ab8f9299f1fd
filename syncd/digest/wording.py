"""The digest's own words, shared by every rendering so each channel says the same thing."""

from __future__ import annotations

from syncd.digest.model import Digest, Ratio

SEPARATOR = " \u2014 "  # an em dash between the parts of an item's line


def days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def heading(digest: Digest) -> str:
    return f"Action items digest: {digest.team} ({digest.today.isoformat()})"


def done_title(digest: Digest) -> str:
    if digest.since_last_digest:
        return "Done since the last digest"
    return f"Done in the last {days((digest.generated_at - digest.since).days)}"


def due_soon_title(digest: Digest) -> str:
    return f"Due within {days(digest.due_soon_days)}"


def stale_title(digest: Digest) -> str:
    return f"Stale: no activity for {days(digest.stale_after_days)} or more"


# Beside an issue's holder, when a person reassigned it in the tracker: the document's owners.
IN_THE_POSTMORTEM = "in the postmortem"

OVERDUE_TITLE = "Overdue"
ATTENTION_TITLE = "Needs attention"
REVIEWS_TITLE = "Follow-up reviews due"
RECURRING_TITLE = "Recurring services"


def count_of(count: int, noun: str) -> str:
    """ "1 open item", "3 open items"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def counts_parts(digest: Digest) -> list[tuple[str, int]]:
    """The headline counts as (label, number), in the contract's order."""
    c = digest.counts
    done_label = "done since the last digest" if digest.since_last_digest else "done this week"
    return [
        ("open", c.open),
        ("overdue", c.overdue),
        (f"due within {days(digest.due_soon_days)}", c.due_soon),
        ("stale", c.stale),
        (done_label, c.done_since),
    ]


def counts_line(digest: Digest) -> str:
    return " \u00b7 ".join(f"{number} {label}" for label, number in counts_parts(digest))


def ratio(value: Ratio) -> str:
    percent = value.percent
    if percent is None:
        return "\u2013 (none yet)"
    return f"{percent}% ({value.numerator} of {value.denominator})"


def rates_parts(digest: Digest) -> list[tuple[str, str]]:
    rates = digest.rates
    age = rates.median_open_age_days
    return [
        ("Completion", ratio(rates.completion)),
        ("On time", ratio(rates.on_time)),
        ("Median age of open items", "\u2013" if age is None else days(round(age))),
    ]


def rates_line(digest: Digest) -> str:
    return " \u00b7 ".join(f"{label} {value}" for label, value in rates_parts(digest))


def quiet_line(digest: Digest) -> str:
    """The whole digest of a week with nothing to say."""
    open_count = digest.counts.open
    if open_count == 0:
        return f"{heading(digest)}: all quiet, no open action items."
    items = "action item" if open_count == 1 else "action items"
    return (
        f"{heading(digest)}: all quiet \u2014 {open_count} open {items}, none overdue, due "
        f"within {days(digest.due_soon_days)} or stale, nothing needs attention."
    )


def summary_line(digest: Digest) -> str:
    """A notification's one-line preview: what a person sees before opening the message."""
    return f"{heading(digest)}: {counts_line(digest)}"


def more_text(hidden: int) -> str:
    return f"\u2026 and {hidden} more"
