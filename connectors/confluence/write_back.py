"""Write-back into a page's storage format: an item's tracker key as a link, and its done mark.

Where the key goes: a table row's tracker cell when the table has a tracker column (an empty
cell only: a cell a person wrote in is theirs), else the end of the item's own text (a task's
body, a list item's line or the row's action cell, before any nested list). A done item is
marked as the page marks done items: a task's ``<ac:task-status>complete</ac:task-status>``; in
a table, its status cell written as another done row's is (a status macro, a word), or "Done".

Only the characters of the change are written: every other byte of the page stays as it was
(``spans``), so macros, CDATA, entities and attribute quoting are untouched. The item is found
again in the page as it is now (its task id, else its line and title, else its title alone, as
a concurrent edit may have moved it); what is already there is not written twice, and the
result is read back before it is offered, so a write that would not read as the item naming
its key (and done) is refused instead.

Pure: text in, text out.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from lxml import etree

from connectors.confluence.extract import LocatedItem, LocatedPage, PageMeta, locate_items
from connectors.confluence.extract import table_columns as columns_of
from connectors.confluence.render import ItemPlace, is_nested_block
from connectors.confluence.spans import Span, SpansUnaligned, element_spans
from connectors.confluence.storage import all_text, children, tag_of
from syncd.connector.model import DocumentRejected

COMPLETE = "complete"
DONE_WORD = "Done"
_BLANK = " \t\r\n\u00a0"
_EMPTY_CELL_TAGS = frozenset({"p", "br", "span"})
_NO_DONE_MARK = "the page has no done mark for this item (a task or a table's status cell has)"


@dataclass(frozen=True, slots=True)
class KeyEdit:
    """Name ``key`` (linked to ``url``) at the item read on ``line`` as ``title`` (or with the
    source's ``native_id``), and mark it done when ``done``."""

    line: int
    title: str
    key: str
    url: str | None
    done: bool
    native_id: str | None = None


class Outcome(StrEnum):
    WRITTEN = "written"  # in the new body
    PRESENT = "present"  # the page already says so
    MISSING = "missing"  # the item is no longer in the page as it was read (edited since)
    REFUSED = "refused"  # cannot be written without changing what a person wrote


@dataclass(frozen=True, slots=True)
class EditOutcome:
    outcome: Outcome
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PageEdits:
    body: str  # the new body; the same text when nothing was written
    outcomes: tuple[EditOutcome, ...]  # one per edit, in order

    @property
    def changed(self) -> bool:
        return any(o.outcome is Outcome.WRITTEN for o in self.outcomes)


@dataclass(frozen=True, slots=True)
class _Change:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _Planned:
    outcome: EditOutcome
    changes: tuple[_Change, ...] = ()
    line: int | None = None  # of the item in the page's markdown (an edit adds no line)
    marks_done: bool = False


def edit_page(body: str, meta: PageMeta, edits: Sequence[KeyEdit], *, source: str) -> PageEdits:
    """``body`` with ``edits`` applied, and what became of each."""
    try:
        page = locate_items(body, meta, source=source)
        spans = element_spans(body, page.root)
    except (DocumentRejected, SpansUnaligned) as exc:
        refused = EditOutcome(Outcome.REFUSED, f"the page cannot be edited safely: {exc}")
        return PageEdits(body, tuple(refused for _ in edits))
    planned = [_plan(body, page, spans, edit) for edit in edits]
    new_body = _applied(body, [c for p in planned for c in p.changes])
    outcomes = [p.outcome for p in planned]
    wrong = _not_reading_back(new_body, meta, source, edits, planned)
    if wrong:
        for index in wrong:
            outcomes[index] = EditOutcome(
                Outcome.REFUSED, "the page would not read back as the item naming its issue"
            )
        kept = [c for i, p in enumerate(planned) if i not in wrong for c in p.changes]
        new_body = _applied(body, kept)
    return PageEdits(new_body, tuple(outcomes))


def _not_reading_back(
    new_body: str,
    meta: PageMeta,
    source: str,
    edits: Sequence[KeyEdit],
    planned: Sequence[_Planned],
) -> set[int]:
    """The edits written whose item, read from ``new_body`` on the same line, does not name
    the key (or is not done when marked so): all of them when the new body cannot be read."""
    written = {i for i, p in enumerate(planned) if p.outcome.outcome is Outcome.WRITTEN}
    if not written:
        return set()
    try:
        items = {i.item.line: i.item for i in locate_items(new_body, meta, source=source).items}
    except DocumentRejected:
        return written
    wrong = set()
    for index in written:
        line, marks_done = planned[index].line, planned[index].marks_done
        item = items.get(line) if line is not None else None
        if item is None or not _names(item.tracker_refs, edits[index]) or marks_done > item.done:
            wrong.add(index)
    return wrong


def _applied(body: str, changes: Sequence[_Change]) -> str:
    # From the end, so that earlier offsets stay valid; two changes never overlap (each is
    # inside its own item's element).
    for change in sorted(changes, key=lambda c: (c.start, c.end), reverse=True):
        body = body[: change.start] + change.text + body[change.end :]
    return body


def _plan(
    body: str, page: LocatedPage, spans: dict[etree._Element, Span], edit: KeyEdit
) -> _Planned:
    found = _find(page.items, edit)
    if found is None:
        why = "the item is no longer in the page as it was read (the page was edited)"
        return _Planned(EditOutcome(Outcome.MISSING, why))
    item, place = found.item, found.place
    wants_key = not _names(item.tracker_refs, edit)
    wants_done = edit.done and not item.done
    if not wants_key and not wants_done:
        return _Planned(EditOutcome(Outcome.PRESENT), line=item.line)
    if place is None:
        why = "the item is not a task, list item or table row, so it has no place for the key"
        return _Planned(EditOutcome(Outcome.REFUSED, why), line=item.line)
    editor = _Editor(body, spans, edit)
    try:
        if tag_of(place.element) == "ac:task":
            changes = editor.task(place.element, wants_key, wants_done)
        elif place.cells:
            others = [i for i in page.items if i.place is not None and i.place.cells]
            changes = editor.row(place, others, wants_key, wants_done)
        else:
            changes = editor.list_item(place.element, wants_key, wants_done)
    except _Refused as exc:
        return _Planned(EditOutcome(Outcome.REFUSED, str(exc)), line=item.line)
    note = None if editor.marked_done >= wants_done else "the key only: " + _NO_DONE_MARK
    return _Planned(
        EditOutcome(Outcome.WRITTEN, note), tuple(changes), item.line, editor.marked_done
    )


def _find(items: Sequence[LocatedItem], edit: KeyEdit) -> LocatedItem | None:
    if edit.native_id is not None:
        return next((i for i in items if i.item.native_id == edit.native_id), None)
    same = [i for i in items if i.item.native_id is None and i.item.title == edit.title]
    on_line = [i for i in same if i.item.line == edit.line]
    if on_line:
        return on_line[0]
    return same[0] if len(same) == 1 else None  # moved by an edit; two of them: unsure which


def _names(refs: Sequence[str], edit: KeyEdit) -> bool:
    written = {r.strip().casefold() for r in refs}
    return edit.key.casefold() in written or (
        edit.url is not None and edit.url.casefold() in written
    )


class _Refused(Exception):
    """This edit cannot be made without changing what a person wrote; the message says why."""


class _Editor:
    def __init__(self, body: str, spans: dict[etree._Element, Span], edit: KeyEdit) -> None:
        self._body = body
        self._spans = spans
        self._edit = edit
        self.marked_done = False

    def _span(self, element: etree._Element) -> Span:
        span = self._spans.get(element)
        if span is None:  # a stand-in for a cell spanning columns
            raise _Refused("its cell spans several columns")
        return span

    def _link(self, *, in_text: bool) -> str:
        """The key as a link; after an item's text in parentheses, which the extraction reads
        as a reference and keeps out of the item's title, so the item keeps its identity."""
        key = html.escape(self._edit.key, quote=False)
        link = key
        if self._edit.url is not None:
            link = f'<a href="{html.escape(self._edit.url, quote=True)}">{key}</a>'
        return f"({link})" if in_text else link

    # --- the item's kinds ---------------------------------------------------------------------

    def task(self, task: etree._Element, key: bool, done: bool) -> list[_Change]:
        changes = []
        if key:
            bodies = children(task, "ac:task-body")
            if not bodies:
                raise _Refused("the task has no body to hold the key")
            changes.append(self._at_end_of_text(bodies[0]))
        if done:
            changes.append(self._task_complete(task))
            self.marked_done = True
        return changes

    def list_item(self, item: etree._Element, key: bool, done: bool) -> list[_Change]:
        if not key:
            raise _Refused(_NO_DONE_MARK)
        return [self._at_end_of_text(item)]

    def row(
        self, place: ItemPlace, others: Sequence[LocatedItem], key: bool, done: bool
    ) -> list[_Change]:
        columns = columns_of(place.header)
        cells = place.cells
        changes = []
        if key:
            tracker = columns.get("tracker")
            if tracker is not None and tracker < len(cells):
                changes.append(self._into_empty_cell(cells[tracker]))
            else:
                changes.append(self._at_end_of_text(cells[columns.get("action", 0)]))
        if done:
            status = columns.get("status")
            if status is None or status >= len(cells):
                if not key:
                    raise _Refused(_NO_DONE_MARK)
            else:
                changes.append(self._cell_done(cells[status], status, place, others))
                self.marked_done = True
        return changes

    # --- the changes --------------------------------------------------------------------------

    def _at_end_of_text(self, container: etree._Element) -> _Change:
        """The link after the container's own text: before its first nested block, inside its
        last paragraph when that ends its text."""
        kids = [k for k in container if isinstance(k.tag, str)]
        nested = next((k for k in kids if is_nested_block(k)), None)
        own = kids[: kids.index(nested)] if nested is not None else kids
        text_after = own[-1].tail if own else container.text
        if own and tag_of(own[-1]) == "p" and not (text_after or "").strip(_BLANK):
            return self._append_inside(own[-1], in_text=True)
        if nested is not None:
            at = self._span(nested).start
            return _Change(at, at, self._separated(at, container) + self._link(in_text=True))
        return self._append_inside(container, in_text=True)

    def _append_inside(self, element: etree._Element, *, in_text: bool) -> _Change:
        span = self._span(element)
        if span.empty_form:
            return self._rewritten(span, self._link(in_text=in_text))
        at = span.inner_end
        return _Change(at, at, self._separated(at, element) + self._link(in_text=in_text))

    def _separated(self, at: int, container: etree._Element) -> str:
        """A space between the text and the link, unless there is one or nothing before."""
        nothing_before = at == self._span(container).inner_start
        return "" if nothing_before or self._body[at - 1].isspace() else " "

    def _rewritten(self, span: Span, content: str) -> _Change:
        """``<x a="1"/>`` written as ``<x a="1">content</x>``."""
        start_tag = self._body[span.start : span.end].rstrip()
        opened = start_tag[:-2].rstrip() + ">"  # without its "/>"
        return _Change(span.start, span.end, f"{opened}{content}</{span.tag}>")

    def _into_empty_cell(self, cell: etree._Element) -> _Change:
        descendants = [e for e in cell.iterdescendants() if isinstance(e.tag, str)]
        if all_text(cell).strip(_BLANK) or any(
            tag_of(e) not in _EMPTY_CELL_TAGS for e in descendants
        ):
            raise _Refused("its tracker cell holds something else; it is left as written")
        paragraphs = [k for k in cell if tag_of(k) == "p"]
        if len(paragraphs) == 1 and len(descendants) == 1:
            return self._append_inside(paragraphs[0], in_text=False)
        return self._append_inside(cell, in_text=False)

    def _task_complete(self, task: etree._Element) -> _Change:
        statuses = children(task, "ac:task-status")
        marked = f"<ac:task-status>{COMPLETE}</ac:task-status>"
        if statuses:
            span = self._span(statuses[0])
            if span.empty_form:
                return self._rewritten(span, COMPLETE)
            return _Change(span.inner_start, span.inner_end, COMPLETE)
        ids = children(task, "ac:task-id")
        at = self._span(ids[0]).end if ids else self._span(task).inner_start
        return _Change(at, at, marked)

    def _cell_done(
        self,
        cell: etree._Element,
        column: int,
        place: ItemPlace,
        others: Sequence[LocatedItem],
    ) -> _Change:
        """The status cell written as the first done row's of the same table is, else with
        the word "Done" (in a paragraph when the cell holds one)."""
        table = _table_of(place.element)
        written: str | None = None
        for other in others:
            assert other.place is not None  # filtered by the caller
            if other.item.done and _table_of(other.place.element) is table:
                done_cell = other.place.cells[column] if column < len(other.place.cells) else None
                span = self._spans.get(done_cell) if done_cell is not None else None
                if span is not None and not span.empty_form:
                    written = self._body[span.inner_start : span.inner_end]
                    break
        if written is None:
            has_paragraph = any(tag_of(k) == "p" for k in cell)
            written = f"<p>{DONE_WORD}</p>" if has_paragraph else DONE_WORD
        span = self._span(cell)
        if span.empty_form:
            return self._rewritten(span, written)
        return _Change(span.inner_start, span.inner_end, written)


def _table_of(cell: etree._Element) -> etree._Element | None:
    for ancestor in cell.iterancestors():
        if tag_of(ancestor) == "table":
            return ancestor
    return None
