"""One Confluence page -> ``ExtractedDocument``: the storage format turned into markdown and read
by the markdown source's own extraction, then what markdown cannot say put back by line.

What is put back: a task's id as the item's ``native_id`` (Confluence keeps it across edits, so
a reworded task keeps its identity), its assignee (the first mention) as the owner, its
``<time>`` as the due date, where the item's text named none; the page's title, link and, when
the body gives no date, its creation date. Problems are reported without a line: the lines are
those of the markdown made here, which nobody can see.

Pure: text in, data out. Raises ``DocumentRejected`` for a page refused whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lxml import etree

from connectors.confluence.inline import MENTION_PREFIX
from connectors.confluence.render import ConvertedPage, ItemPlace, TaskLine, convert
from connectors.confluence.storage import StorageUnreadable, parse_storage
from connectors.markdown.extract import classify_header, extract_document
from syncd.connector.model import (
    DocumentProblem,
    DocumentRejected,
    ExtractedDocument,
    RawItem,
)

PAGE_CREATED = "page_created"  # Postmortem.date_origin when the date is the page's creation
# The name the markdown extraction is given: no date in it (it would read one from a file name).
_NEUTRAL_DOCUMENT = "confluence-page"


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the listing says about a page, beside its body."""

    page_id: str
    title: str
    version: int
    created: date | None
    document: str  # the stable document id (survives renames and moves)
    url: str | None  # where a person reads it


@dataclass(frozen=True, slots=True)
class LocatedItem:
    """An item as read, with the element it was read from (None: not a task, list item or
    table row, e.g. a "**Action:**" paragraph)."""

    item: RawItem
    place: ItemPlace | None


@dataclass(frozen=True, slots=True)
class LocatedPage:
    """A page read for write-back: its parsed body and its items where they are in it."""

    root: etree._Element
    items: tuple[LocatedItem, ...]


def extract_page(body: str, meta: PageMeta, *, source: str) -> ExtractedDocument:
    return _read(body, meta, source)[0]


def locate_items(body: str, meta: PageMeta, *, source: str) -> LocatedPage:
    """The page's items exactly as ``extract_page`` reads them (same lines, titles and native
    ids), each with its place in the parsed body. Raises ``DocumentRejected``."""
    extracted, converted, root = _read(body, meta, source)
    located = (LocatedItem(item, converted.places.get(item.line)) for item in extracted.items)
    return LocatedPage(root, tuple(located))


def table_columns(header: Sequence[str]) -> dict[str, int]:
    """Which cell of a table row is its "action", "status" and "tracker" column, as the
    markdown extraction reads the header row's texts."""
    return {str(column): index for column, index in classify_header(list(header)).items()}


def _read(
    body: str, meta: PageMeta, source: str
) -> tuple[ExtractedDocument, ConvertedPage, etree._Element]:
    try:
        root = parse_storage(body)
        converted = convert(root, title=meta.title)
    except StorageUnreadable as exc:
        raise DocumentRejected(str(exc)) from None
    except RecursionError:  # lxml nests as deep as it is told; our walk does not
        raise DocumentRejected("its body is nested too deeply to be read") from None
    extracted = extract_document(converted.text, source=source, document=_NEUTRAL_DOCUMENT)
    return _finished(extracted, converted, meta), converted, root


def _finished(
    extracted: ExtractedDocument, converted: ConvertedPage, meta: PageMeta
) -> ExtractedDocument:
    postmortem = dataclasses.replace(
        extracted.postmortem,
        document=meta.document,
        url=meta.url,
        title=meta.title.strip() or extracted.postmortem.title,
    )
    if postmortem.date is None and meta.created is not None:
        postmortem = dataclasses.replace(postmortem, date=meta.created, date_origin=PAGE_CREATED)
    seen: set[str] = set()
    items = []
    for item in extracted.items:
        task = converted.tasks.get(item.line)
        items.append(_with_task(item, task, seen, meta.document) if task is not None else item)
    problems = tuple(DocumentProblem(None, p.message) for p in extracted.problems)
    # Lines of the page's converted text mean nothing to its author: the decisions go without.
    steps = tuple(dataclasses.replace(step, line=None) for step in extracted.explanations)
    return ExtractedDocument(postmortem, tuple(items), problems, steps)


def _with_task(item: RawItem, task: TaskLine, seen: set[str], page: str) -> RawItem:
    native_id = None
    if task.task_id is not None and task.task_id not in seen:  # a pasted copy repeats its id
        seen.add(task.task_id)
        native_id = f"{page}#task-{task.task_id}"  # a task id is unique in its page only
    owner = item.owner_text
    if owner is None and task.assignee is not None:
        owner = MENTION_PREFIX + task.assignee
    return dataclasses.replace(
        item,
        native_id=native_id,
        owner_text=owner,
        due_text=item.due_text if item.due_text is not None else task.due,
    )
