"""What an item looks like as an issue (CONTRACT §5): summary, description and the rest.

Deterministic on purpose: an unchanged item renders byte-identical text, so the planner sees
no change and writes nothing. Nothing here depends on the clock, the line the item sits on, or
anything else that moves without the item changing.

One block moves without the item: the recurrence line ("Recurring: 3 open items from 2 earlier
postmortems on checkout-api: PAY-1, PAY-7"), kept current as the earlier items are done. It is
written while the description is syncd's; once a person has edited the description, a change of
that line alone is no news for it (``syncd.mirror.field_plan``): neither a write nor a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping

from syncd.mirror.model import DesiredIssue, IssueFields, IssueOrigin, IssueReference
from syncd.model import ActionItem, DueOrigin, Status

# Jira's limit on a summary (GitHub allows more; the shorter limit keeps both the same).
SUMMARY_LIMIT = 255
ELLIPSIS = "…"
RECURRENCE_PREFIX = "Recurring: "
_POSTMORTEM_HEADING = 'From the postmortem "'
_TRAILING = " ,;:.-\u2013\u2014"

FOOTER = (
    "This issue is kept in step with the postmortem by syncd. A summary, assignee or due date "
    "changed here is kept; the postmortem is the place to change the action text."
)
# A follow-up review's footer (``syncd.mirror.review``): its issue is syncd's own too.
REVIEW_FOOTER = (
    "This follow-up review is kept in step with the postmortem's action items by syncd, and "
    "closed by it when every one is done. Text changed here is kept."
)
# In place of FOOTER where syncd fills the empty description of a person's issue it adopted:
# the text is theirs from then on, and syncd never writes it again.
ADOPTED_FOOTER = (
    "syncd filled in this description from the postmortem when it adopted the issue; it is "
    "yours to change, and syncd will not write it again."
)


def is_syncd_text(description: str) -> bool:
    """Whether an issue's description is one syncd wrote for an issue it created.

    What tells syncd's own issues from people's when the state store is lost: a person's
    issue never carries FOOTER (an adopted one gets ADOPTED_FOOTER at most).
    """
    text = " ".join(description.split())
    return FOOTER in text or REVIEW_FOOTER in text


def adopted_description(description: str) -> str:
    """The description syncd fills into a person's issue that has none."""
    return description.replace(FOOTER, ADOPTED_FOOTER)


def desired_issue(
    item: ActionItem,
    *,
    marker: str,
    assignee: str | None,
    priority_map: Mapping[str, str],
    labels: frozenset[str],
    mirror_done_items: bool,
    postmortem_link: str | None,
    tracker_system: str | None = None,
    reference: IssueReference | None = None,
    recurrence: str | None = None,
) -> DesiredIssue:
    """What the source wants for ``item`` on the team's tracker.

    ``assignee`` is the owner as a tracker user, or None when the item has no owner or the
    owner did not resolve: syncd then has no opinion and never clears or overwrites the
    issue's assignee. ``priority_map`` maps "P0".."P3" to tracker priority names; a priority
    it lacks is not set. ``tracker_system`` ("jira", "github"), when given, restricts the
    references adopted to that tracker's issues. ``reference``, when given, is where the
    tracker says the item's reference points: its own key is adopted; an issue elsewhere is
    never adopted, and the description links to it instead. ``recurrence``: the open items
    earlier postmortems left on the postmortem's service, a line of the description.
    """
    ref = item.tracker_ref
    referenced_key = ref.key if ref is not None and tracker_system in (None, ref.system) else None
    related = None
    if reference is not None:
        referenced_key = reference.key if reference.elsewhere is None else None
        if reference.elsewhere is not None:
            related = reference
    done = item.status is Status.DONE
    return DesiredIssue(
        item_id=item.id,
        marker=marker,
        fields=IssueFields(
            summary=summary_text(item.title) or f"Action item {item.id}",
            description=description_text(
                item, postmortem_link=postmortem_link, related=related, recurrence=recurrence
            ),
            assignee=assignee,
            due=item.due.date,
            priority=None if item.priority is None else priority_map.get(item.priority.value),
            labels=labels,
        ),
        assignee_known=assignee is not None,
        done_in_source=done,
        referenced_key=referenced_key,
        create_if_missing=mirror_done_items or not done,
        origin=origin_of(item),
    )


def origin_of(item: ActionItem) -> IssueOrigin:
    """What the tracker keeps of the item an issue is created for (``IssueOrigin``)."""
    return IssueOrigin(
        item_id=item.id,
        source=item.postmortem.source,
        document=item.postmortem.document,
        title=item.title,
        postmortem_title=item.postmortem.title,
        postmortem_date=item.postmortem.date,
        team=item.team,
    )


def summary_text(action: str, limit: int = SUMMARY_LIMIT) -> str:
    """The action on one line, shortened at a word boundary with "…" to ``limit`` characters."""
    text = " ".join(action.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if text[len(cut)] != " ":
        # Mid-word: go back to the last space, unless that would drop most of the text
        # (one very long word, a URL).
        space = cut.rfind(" ")
        if space > limit // 2:
            cut = cut[:space]
    return cut.rstrip(_TRAILING) + ELLIPSIS


def description_text(
    item: ActionItem,
    *,
    postmortem_link: str | None,
    related: IssueReference | None = None,
    recurrence: str | None = None,
) -> str:
    """The issue's description as plain text; connectors convert it to the tracker's markup."""
    blocks = [item.title.strip()]
    if item.detail and item.detail.strip():
        blocks.append(item.detail.strip())
    if related is not None:
        # An issue elsewhere (another project, repository or site) is shown, never adopted.
        blocks.append(f"The postmortem names {related.written}: {related.url or related.written}")
    blocks.append("\n".join(_postmortem_lines(item, postmortem_link)))
    if recurrence:
        blocks.append(recurrence_block(recurrence))
    blocks.append(
        "\n".join(
            (
                f"Owner as written: {item.owner.written or 'not named'}",
                f"Due date as written: {_due_as_written(item)}",
            )
        )
    )
    blocks.append(FOOTER)
    return "\n\n".join(block for block in blocks if block)


def recurrence_block(recurrence: str) -> str:
    """The recurrence line as the description holds it, on one line."""
    return RECURRENCE_PREFIX + " ".join(recurrence.split())


def without_recurrence(description: str) -> str:
    """The description with its recurrence line taken out: what is left is what the item
    itself says, for telling a change of the item from a change of the recurrence alone."""
    blocks = description.split("\n\n")
    kept = [
        block
        for before, block in zip(["", *blocks], blocks, strict=False)
        if not _is_recurrence_block(before, block)
    ]
    return "\n\n".join(kept)


def _is_recurrence_block(before: str, block: str) -> bool:
    # Where description_text puts it: right after the postmortem's lines, so that an action's
    # own detail that happens to start the same way is never taken for it.
    return (
        before.startswith(_POSTMORTEM_HEADING)
        and block.startswith(RECURRENCE_PREFIX)
        and "\n" not in block
    )


def _postmortem_lines(item: ActionItem, link: str | None) -> list[str]:
    postmortem = item.postmortem
    about = [postmortem.date.isoformat()] if postmortem.date is not None else []
    if postmortem.severity:
        about.append(f"severity {postmortem.severity}")
    heading = f'{_POSTMORTEM_HEADING}{postmortem.title}"'
    if about:
        heading += f" ({', '.join(about)})"
    where = link or postmortem.url or f"{postmortem.source}: {postmortem.document}"
    return [heading + ":", where]


def _due_as_written(item: ActionItem) -> str:
    due = item.due
    written = (due.written or "").strip()
    if due.date is None:
        return written or "not given"
    if due.origin is DueOrigin.POLICY:
        shown = written or "not given"
        return f"{shown} (the team's policy sets {due.date.isoformat()})"
    if not written or written == due.date.isoformat():
        return due.date.isoformat()
    return f"{written} ({due.date.isoformat()})"
