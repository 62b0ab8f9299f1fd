"""Bullet and numbered lists under an action section: one list item, one action item.

A nested list is either a group (the parent is a label such as "Short term:" and the children
are the items) or detail of its parent (the children explain the parent item). Sub-bullets that
only state a field ("Owner: @alice", "Due: 2026-05-01") belong to their parent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it.token import Token

from connectors.markdown.action_words import is_part, reads_as_action
from connectors.markdown.annotations import Annotations, is_done_status, tidy
from connectors.markdown.columns import Column, field_key
from connectors.markdown.context import ExtractionContext
from connectors.markdown.inline_text import MAX_ITEM_CHARS, render_inline
from connectors.markdown.item_text import ItemText, read_item_text
from connectors.markdown.labels import read_label
from connectors.markdown.list_entry import ListEntry
from connectors.markdown.list_parts import attach_flat_parts, leads_into_parts, with_parts
from connectors.markdown.placeholders import is_placeholder
from connectors.markdown.refs import find_refs, ordered_refs
from syncd.connector.model import RawItem

_LIST_OPEN = ("bullet_list_open", "ordered_list_open")
_FIELD_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z #/()'-]{0,30}?)\s*:\s*(\S.*)$")


def skip_block(tokens: list[Token], i: int) -> int:
    """Index after the block that opens at ``i`` (its matching close is the next token at the
    same level with nesting -1: everything inside sits at a deeper level)."""
    tok = tokens[i]
    if tok.nesting != 1:
        return i + 1
    level = tok.level
    n = len(tokens)
    j = i + 1
    while j < n:
        t = tokens[j]
        if t.level == level and t.nesting == -1:
            return j + 1
        j += 1
    return n


def read_list(tokens: list[Token], start: int) -> tuple[list[ListEntry], int]:
    """The entries of the list opening at ``start``, and the index after its close."""
    level = tokens[start].level
    entries: list[ListEntry] = []
    n = len(tokens)
    i = start + 1
    while i < n:
        tok = tokens[i]
        if tok.nesting == -1 and tok.level == level:
            return entries, i + 1
        if tok.type == "list_item_open":
            entry = ListEntry(line=tok.map[0] if tok.map else 0)
            i = _read_list_item(tokens, i + 1, tok.level, entry)
            entries.append(entry)
            continue
        i += 1
    return entries, n


def _read_list_item(tokens: list[Token], i: int, item_level: int, entry: ListEntry) -> int:
    child_level = item_level + 1
    first_block = True
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.nesting == -1 and tok.level == item_level:
            return i + 1
        if tok.level != child_level:
            i += 1
            continue
        if tok.type == "paragraph_open" and i + 1 < n:
            content = tokens[i + 1].content
            if first_block:
                entry.head = content
            else:
                entry.paragraphs.append(content)
            i += 3
        elif tok.type in _LIST_OPEN:
            children, i = read_list(tokens, i)
            entry.children.extend(children)
        else:
            # Code, tables, quotes and HTML inside an item are not part of its text.
            i = skip_block(tokens, i)
        first_block = False
    return n


def action_list_items(
    entries: list[ListEntry],
    section: str,
    ctx: ExtractionContext,
    status: str | None = None,
    rule: str = "list item under an action heading",
) -> None:
    """Every entry of a list under an action section, as items (groups unfolded); ``status``
    is what the section's heading says of its items ("Done"), ``rule`` why they are read."""
    for entry in attach_flat_parts(entries, ctx.env):
        _entry_items(entry, section, ctx, None, (status, rule))


def may_hold_labels(tokens: list[Token], start: int, end: int) -> bool:
    """Whether a list outside action sections has an item that could label actions; most
    such lists (timelines, impact) have none, and are then not read at all."""
    for i in range(start, end):
        tok = tokens[i]
        if tok.type == "inline" and _could_be_label(tok.content):
            return True
    return False


def labelled_action_items(entries: list[ListEntry], ctx: ExtractionContext) -> bool:
    """A list outside any action section: only entries labelled as actions count, as in
    ``- **Review actions**:`` whose nested list holds the items. Whether any did."""
    found = False
    for entry in entries:
        head = entry.head
        if head and entry.children and _could_be_label(head):
            text = read_item_text(head, ctx.env)
            if (text.bold_only or text.ends_with_colon) and not text.annotations.any:
                label = read_label(text.label)
                if label.is_action or label.taken:
                    taken = label.taken and not label.is_action
                    status = "done" if taken else label.status
                    why = "of actions taken" if taken else "naming actions"
                    rule = f"list item under a list label {why}"
                    action_list_items(entry.children, label.name, ctx, status, rule)
                    found = True
                    continue
        if entry.children:
            found = labelled_action_items(entry.children, ctx) or found
    return found


def _could_be_label(raw: str) -> bool:
    raw = raw.strip()
    return raw.startswith(("**", "__")) or raw.endswith(":")


def _entry_items(
    entry: ListEntry,
    section: str,
    ctx: ExtractionContext,
    head: ItemText | None,
    scope: tuple[str | None, str],
) -> None:
    """``scope``: the status the section gives its items, and the rule reading them."""
    status, rule = scope
    ctx.reading_line = entry.line
    if head is None:
        head = read_item_text(entry.head or "", ctx.env)
    children = [(child, read_item_text(child.head or "", ctx.env)) for child in entry.children]
    metadata: list[tuple[ListEntry, ItemText]] = []
    details: list[tuple[ListEntry, ItemText]] = []
    for child, text in children:
        (metadata if _is_metadata(text) else details).append((child, text))

    parts = _parts(entry, head, details)
    if parts:
        rule = f"{rule}, with its parts as sub-bullets in its title"
        head = with_parts(head, parts)
        details = []
    elif children and _is_group(entry, head, [t for _, t in details]):
        label = read_label(head.label) if entry.head and head.label else None
        child_section = f"{section} / {label.name}" if label and label.name else section
        child_status = (label.status if label else None) or status
        for child, text in children:
            _entry_items(child, child_section, ctx, text, (child_status, rule))
        return

    if not head.title or is_placeholder(head.title, head.raw):
        ctx.skipped(entry.line, "list item", section, "a template placeholder or filler")
        return
    ctx.report_long_item(entry.line, head.raw, MAX_ITEM_CHARS)
    annotations = Annotations()
    annotations.merge(head.annotations)
    refs: list[Iterable[tuple[int, str]]] = [head.refs, *(part.refs for part in parts)]
    status_text, done = head.status, head.done
    for _, text in metadata:
        annotations.merge(text.annotations)
        refs.append(text.refs)
        if status_text is None and text.annotations.status is not None:
            status_text, done = text.annotations.status, text.annotations.done
    if status_text is None and status is not None:  # the heading's "Done" when it has none
        status_text, done = status, is_done_status(status)

    detail_lines: list[str] = [head.detail] if head.detail else []
    for paragraph in entry.paragraphs:
        rendered = render_inline(paragraph, ctx.env)
        refs.append(find_refs(rendered.text, rendered.links))
        if line := tidy(rendered.text):
            detail_lines.append(line)
    for child, text in details:
        _detail_lines(child, text, detail_lines, refs, ctx)

    ctx.add_item(
        RawItem(
            title=head.title,
            section=section,
            line=ctx.line(entry.line),
            detail="\n".join(detail_lines) or None,
            owner_text=annotations.owner,
            due_text=annotations.due,
            priority_text=annotations.priority,
            type_text=annotations.type,
            status_text=status_text,
            done=done,
            tracker_refs=ordered_refs(refs),
        ),
        rule,
    )


def _parts(
    entry: ListEntry, head: ItemText, details: list[tuple[ListEntry, ItemText]]
) -> list[ItemText]:
    """The sub-bullets that only complete their parent ("Add dashboards for:" / "queue lag"),
    when the parent is an action (a task too: "[ ] Alert on:") and every sub-bullet such a
    part."""
    if not details or not entry.head or head.bold_only:
        return []
    if not reads_as_action(head.title) or not leads_into_parts(head):
        return []
    texts = [text for _, text in details]
    if any(child.children for child, _ in details):
        return []
    if any(t.checkbox is not None or t.annotations.any or not is_part(t.title) for t in texts):
        return []
    return texts


def _is_group(entry: ListEntry, head: ItemText, details: list[ItemText]) -> bool:
    if not entry.head or not head.text:
        return True
    if head.ends_with_colon or head.bold_only:
        return True
    if head.checkbox is not None:
        return False  # a task with sub-points is still one task
    if head.annotations.owner or head.annotations.due:
        return False
    return any(t.checkbox is not None or t.annotations.owner or t.annotations.due for t in details)


def _is_metadata(text: ItemText) -> bool:
    """A sub-bullet that only states a field of its parent: "Owner: @alice", "Jira: PAY-1"."""
    if not text.text:
        return False
    if not text.title and text.annotations.any:
        return True
    m = _FIELD_LINE.match(text.text)
    return m is not None and field_key(m.group(1)) is Column.TRACKER and bool(text.refs)


def _detail_lines(
    entry: ListEntry,
    text: ItemText,
    lines: list[str],
    refs: list[Iterable[tuple[int, str]]],
    ctx: ExtractionContext,
) -> None:
    if text.text:
        lines.append(text.text)
        refs.append(text.refs)
    for child in entry.children:
        _detail_lines(child, read_item_text(child.head or "", ctx.env), lines, refs, ctx)
