"""An action whose sub-bullets only complete it: "Add dashboards for:" then "queue lag",
"error rate" is one item, "Add dashboards for queue lag and error rate", never two items
named by bare fragments. Also when the parts are written without indentation, as siblings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from markdown_it.utils import EnvType

from connectors.markdown.action_words import is_part, reads_as_action
from connectors.markdown.item_text import ItemText, read_item_text
from connectors.markdown.list_entry import ListEntry

# A parent ending with one of these reads on into its parts without a colon.
_LEADS_INTO = "for on in to of including covering with about around like across into from at"
_LEADS_INTO_PARTS = frozenset(_LEADS_INTO.split())


def leads_into_parts(head: ItemText) -> bool:
    """Whether an item announces parts: "Add dashboards for:", "Add alerts on"."""
    last = head.title.rsplit(None, 1)[-1].lower() if head.title else ""
    return head.ends_with_colon or last in _LEADS_INTO_PARTS


def with_parts(head: ItemText, parts: Iterable[ItemText]) -> ItemText:
    """The parent item, its title carrying its parts."""
    names = [part.title for part in parts if part.title]
    if not names:
        return head
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    base = head.title.rstrip(":").rstrip()
    last = base.rsplit(None, 1)[-1].lower() if base else ""
    title = f"{base} {joined}" if last in _LEADS_INTO_PARTS else f"{base}: {joined}"
    return dataclasses.replace(head, title=title)


def attach_flat_parts(entries: list[ListEntry], env: EnvType) -> list[ListEntry]:
    """Siblings written without indentation that belong to the item before them become its
    sub-bullets: the parts after an action ending with a colon, and fragments that open in
    lower case ("- threshold 30 s") after any item. Other entries are returned as they are."""
    out: list[ListEntry] = []
    parent: ListEntry | None = None  # the item flat parts may still join
    colon_parent = False
    for entry in entries:
        raw = (entry.head or "").strip()
        if parent is not None and raw and not entry.children and _flat_part(raw, env, colon_parent):
            parent.children.append(entry)
            continue
        parent, colon_parent = None, False
        if raw and not entry.children:
            parent = dataclasses.replace(entry, children=list(entry.children))
            colon_parent = raw.endswith(":") and reads_as_action(read_item_text(raw, env).title)
            out.append(parent)
            continue
        out.append(entry)
    return out


def _flat_part(raw: str, env: EnvType, after_colon: bool) -> bool:
    if not after_colon and not raw[0].islower():
        return False
    text = read_item_text(raw, env)
    if text.checkbox is not None or text.annotations.any or text.refs:
        return False
    return is_part(text.title)
