"""A digest's sections as lines of one channel's markup, shortened to a number of items each.

Every rendering lays out the same sections; what differs is the markup (how text is escaped,
what a link and a mention look like) and the container (blocks, a card, embeds). ``Markup`` is
that difference; ``compose`` turns the digest into lines with it. Shortening is by whole items:
a section shows at most ``cap`` items and says "and N more" with a link to the full list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from syncd.digest import wording
from syncd.digest.escape import OWNER_LIMIT, REASONS_LIMIT, TITLE_LIMIT, clean_text, safe_url
from syncd.digest.model import (
    Digest,
    DigestEntry,
    OwnerRef,
    PostmortemRef,
    RecurringService,
    ReviewDue,
)

SEP = wording.SEPARATOR
SOURCE_WARNING_LIMIT = 600  # a held source's sentence, with the command that confirms it


class Markup(Protocol):
    """One channel's way of writing text, emphasis, links and mentions."""

    def text(self, untrusted: str) -> str:
        """Untrusted text, escaped so it is inert."""

    def bold(self, markup: str) -> str: ...

    def link(self, url: str, label: str) -> str:
        """``url`` has passed ``safe_url``; ``label`` is already markup."""

    def mention(self, owner: OwnerRef) -> str | None:
        """The owner as a mention, when the people map holds a valid id for this channel."""


@dataclass(frozen=True, slots=True)
class Group:
    heading: str | None  # markup; a postmortem in the overdue section
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # "done", "overdue", "due_soon", "stale", "attention", "reviews", "recurring"
    title: str  # trusted plain text
    total: int  # items in the section, shown or not
    groups: tuple[Group, ...]
    more: str | None = None  # the "and N more" line (markup), when items are left out
    hidden: int = 0


@dataclass(slots=True)
class _Budget:
    cap: int | None
    used: int = 0
    hidden: int = field(default=0)

    def take(self, entries: Sequence[object]) -> int:
        if self.cap is None:
            return len(entries)
        shown = max(0, min(len(entries), self.cap - self.used))
        self.used += shown
        self.hidden += len(entries) - shown
        return shown


def compose(digest: Digest, markup: Markup, cap: int | None) -> list[Section]:
    """The non-empty sections in the contract's order, each showing at most ``cap`` items."""
    sections: list[Section] = []

    def add(
        key: str,
        title: str,
        groups: list[tuple[str | None, list[str]]],
        total: int,
        budget: _Budget,
    ) -> None:
        kept = tuple(Group(heading, tuple(lines)) for heading, lines in groups if lines)
        more = _more(markup, budget.hidden, digest.link_base) if budget.hidden else None
        sections.append(Section(key, title, total, kept, more, budget.hidden))

    def simple(
        key: str, title: str, entries: Sequence[DigestEntry], line: Callable[[DigestEntry], str]
    ) -> None:
        if not entries:
            return
        budget = _Budget(cap)
        shown = budget.take(entries)
        add(key, title, [(None, [line(e) for e in entries[:shown]])], len(entries), budget)

    simple("done", wording.done_title(digest), digest.done_since, lambda e: done_line(markup, e))
    if digest.overdue:
        budget = _Budget(cap)
        groups: list[tuple[str | None, list[str]]] = []
        for group in digest.overdue:
            shown = budget.take(group.entries)
            if shown:
                groups.append(
                    (
                        postmortem_heading(markup, group.postmortem),
                        [overdue_line(markup, e) for e in group.entries[:shown]],
                    )
                )
        add("overdue", wording.OVERDUE_TITLE, groups, digest.overdue_count, budget)
    simple(
        "due_soon",
        wording.due_soon_title(digest),
        digest.due_soon,
        lambda e: due_soon_line(markup, e),
    )
    simple("stale", wording.stale_title(digest), digest.stale, lambda e: stale_line(markup, e))
    if digest.attention or digest.source_warnings:
        # A held source is about many items at once: always shown, before the items.
        warnings = [source_warning_line(markup, w) for w in digest.source_warnings]
        budget = _Budget(cap)
        shown = budget.take(digest.attention)
        lines = warnings + [attention_line(markup, e) for e in digest.attention[:shown]]
        total = len(digest.source_warnings) + len(digest.attention)
        add("attention", wording.ATTENTION_TITLE, [(None, lines)], total, budget)
    if digest.reviews:
        budget = _Budget(cap)
        shown = budget.take(digest.reviews)
        lines = [review_line(markup, r) for r in digest.reviews[:shown]]
        add("reviews", wording.REVIEWS_TITLE, [(None, lines)], len(digest.reviews), budget)
    if digest.recurring:
        budget = _Budget(cap)
        shown = budget.take(digest.recurring)
        lines = [recurring_line(markup, r) for r in digest.recurring[:shown]]
        add("recurring", wording.RECURRING_TITLE, [(None, lines)], len(digest.recurring), budget)
    return sections


def _more(markup: Markup, hidden: int, link_base: str | None) -> str:
    text = markup.text(wording.more_text(hidden))
    url = safe_url(link_base)
    if url is None:
        return text
    return f"{text}{SEP}{markup.link(url, markup.text('see all'))}"


# ----------------------------------------------------------------------------- item lines


def issue_part(markup: Markup, entry: DigestEntry) -> str | None:
    if entry.issue_key is None:
        return None
    label = markup.text(entry.issue_key)
    url = safe_url(entry.link)
    return markup.link(url, label) if url is not None else label


def owner_part(markup: Markup, owner: OwnerRef | None, *, mention: bool) -> str:
    """Who holds the item, beside it: a mention when asked and known, else by name.

    A mention names one person; the document's other owners follow it by name ("with dave").
    An issue reassigned in the tracker shows the document's owners beside its holder.
    """
    if owner is None:
        return markup.text("no owner")
    if mention and (tagged := markup.mention(owner)) is not None:
        shown = tagged
        if owner.co_owners:
            others = ", ".join(owner.co_owners)
            shown += " " + markup.text("with " + clean_text(others, OWNER_LIMIT))
    else:
        shown = markup.text(clean_text(owner.written or owner.person or "", OWNER_LIMIT))
    if owner.reassigned:
        written = clean_text(owner.document_owner or "no owner", OWNER_LIMIT)
        shown += " " + markup.text(f"({wording.IN_THE_POSTMORTEM}: {written})")
    return shown


def _title(markup: Markup, untrusted: str) -> str:
    return markup.text(clean_text(untrusted, TITLE_LIMIT))


def _join(*parts: str | None) -> str:
    return SEP.join(part for part in parts if part)


def done_line(markup: Markup, entry: DigestEntry) -> str:
    return _join(
        "\u2713 " + _title(markup, entry.title),
        owner_part(markup, entry.owner, mention=False) if entry.owner is not None else None,
        issue_part(markup, entry),
    )


def overdue_line(markup: Markup, entry: DigestEntry) -> str:
    late = f"{wording.days(entry.overdue_days or 0)} overdue"
    if entry.due is not None:
        late += f" (due {entry.due.isoformat()})"
    if entry.idle_days is not None:
        late += f", no activity for {wording.days(entry.idle_days)}"
    return _join(
        "\u2022 " + _title(markup, entry.title),
        owner_part(markup, entry.owner, mention=True),
        markup.text(late),
        issue_part(markup, entry),
    )


def due_soon_line(markup: Markup, entry: DigestEntry) -> str:
    when = "today" if entry.days_to_due == 0 else f"in {wording.days(entry.days_to_due or 0)}"
    due = f"due {entry.due.isoformat()} ({when})" if entry.due is not None else "due soon"
    return _join(
        "\u2022 " + _title(markup, entry.title),
        owner_part(markup, entry.owner, mention=True),
        markup.text(due),
        issue_part(markup, entry),
    )


def stale_line(markup: Markup, entry: DigestEntry) -> str:
    return _join(
        "\u2022 " + _title(markup, entry.title),
        owner_part(markup, entry.owner, mention=True),
        markup.text(f"no activity for {wording.days(entry.idle_days or 0)}"),
        issue_part(markup, entry),
    )


def attention_line(markup: Markup, entry: DigestEntry) -> str:
    return _join(
        "\u2022 " + _title(markup, entry.title),
        owner_part(markup, entry.owner, mention=False) if entry.owner is not None else None,
        markup.text(clean_text("; ".join(entry.reasons), REASONS_LIMIT)),
        issue_part(markup, entry),
    )


def source_warning_line(markup: Markup, warning: str) -> str:
    return "\u26a0 " + markup.text(clean_text(warning, SOURCE_WARNING_LIMIT))


def postmortem_heading(markup: Markup, postmortem: PostmortemRef) -> str:
    title = _title(markup, postmortem.title)
    url = safe_url(postmortem.url)
    named = markup.link(url, title) if url is not None else title
    if postmortem.date is None:
        return markup.bold(named)
    return f"{markup.bold(named)} {markup.text(f'({postmortem.date.isoformat()})')}"


def review_line(markup: Markup, review: ReviewDue) -> str:
    progress = f"{review.done} of {review.total} done"
    if review.all_open:
        progress += ", nothing done yet"
    return _join(
        ("\u26a0 " if review.all_open else "\u2022 ")
        + postmortem_heading(markup, review.postmortem),
        markup.text(f"review due since {review.review_date.isoformat()}"),
        markup.text(progress),
    )


def recurring_line(markup: Markup, found: RecurringService) -> str:
    service = clean_text(found.service, OWNER_LIMIT)
    earlier = wording.count_of(len(found.earlier), "earlier postmortem")
    return _join(
        "\u21bb " + postmortem_heading(markup, found.postmortem),
        markup.text(
            f"{wording.count_of(found.open_items, 'open item')} from {earlier} on {service}"
        ),
    )


# ------------------------------------------------------------------------------- fitting

P = TypeVar("P")

# Items per section to try, most first: the first payload that fits the channel is sent.
CAPS: tuple[int | None, ...] = (None, 50, 30, 20, 15, 10, 7, 5, 3, 2, 1, 0)


class DigestTooLarge(ValueError):
    """Even with every section shortened to its count, the digest exceeds the channel's limits."""


def fit(
    build: Callable[[int | None], P], fits: Callable[[P], bool], max_items: int | None = None
) -> P:
    """The payload with the most items per section (at most ``max_items``) that fits."""
    caps = (
        CAPS
        if max_items is None
        else (max_items, *(c for c in CAPS if c is not None and c < max_items))
    )
    for cap in caps:
        payload = build(cap)
        if fits(payload):
            return payload
    raise DigestTooLarge("the digest does not fit the channel's limits even without items")
