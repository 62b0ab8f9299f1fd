"""Write-back edits applied to one markdown document's text: a pure function, text to text.

Each edit finds its item again in the text as it is now (at the line it was read on, else by
its title on one other line: the document may have changed since), tries the ways of
``connectors.markdown.write_back_line`` in turn, and keeps the first candidate that reads back
(by the same extraction as the source) as exactly the same items, except that this one names the
key (and is done, when asked). So an edit can never change an item's identity, another item, or
anything outside the item's line: line endings (CRLF, a lone CR), a byte-order mark and trailing
spaces elsewhere stay byte for byte. Applying the same edits to the result changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from connectors.markdown.write_back_line import (
    TableRow,
    done_in_status_cell,
    done_in_task_box,
    key_after_action,
    key_at_line_end,
    key_at_line_start,
    key_before_action,
    key_in_cell,
    link_text,
    table_row,
)
from syncd.connector.model import DocumentRejected, ExtractedDocument, RawItem
from syncd.connector.write_back import EditOutcome, EditResult, WriteBackEdit

Extractor = Callable[..., ExtractedDocument]

_LINE_END = re.compile(r"(\r\n|\r|\n)")


@dataclass(frozen=True, slots=True)
class EditedDocument:
    text: str
    results: tuple[EditResult, ...]

    @property
    def changed(self) -> bool:
        return any(r.outcome is EditOutcome.WRITTEN for r in self.results)


def split_lines(text: str) -> tuple[list[str], list[str]]:
    """The lines of ``text`` and each one's ending ("" for the last), as the reader counts them."""
    parts = _LINE_END.split(text)
    return parts[0::2], [*parts[1::2], ""]


def join_lines(lines: Sequence[str], endings: Sequence[str]) -> str:
    return "".join(line + ending for line, ending in zip(lines, endings, strict=True))


def names_key(item: RawItem, edit: WriteBackEdit) -> bool:
    key = edit.key.casefold()
    return any(
        ref.casefold() == key or (edit.url is not None and ref == edit.url)
        for ref in item.tracker_refs
    )


def _same_item(before: RawItem, after: RawItem) -> bool:
    """The same item as far as its identity and fields go; references, done and status aside."""

    def plain(item: RawItem) -> RawItem:
        return dataclasses.replace(item, tracker_refs=(), done=False, status_text=None)

    return plain(before) == plain(after)


class _Document:
    def __init__(self, text: str, extract: Callable[[str], ExtractedDocument]) -> None:
        self.extract = extract
        self.text = text
        self.items = extract(text).items

    def locate(self, edit: WriteBackEdit) -> RawItem | None:
        at_line = [i for i in self.items if i.line == edit.line and i.title == edit.title]
        if at_line:
            return at_line[0]
        moved = [i for i in self.items if i.title == edit.title]
        return moved[0] if len(moved) == 1 else None

    def accepts(self, text: str, item: RawItem, edit: WriteBackEdit, *, done: bool) -> bool:
        try:
            after = self.extract(text).items
        except DocumentRejected:
            return False
        if len(after) != len(self.items):
            return False
        position = self.items.index(item)
        for index, (old, new) in enumerate(zip(self.items, after, strict=True)):
            if index == position:
                if not _same_item(old, new) or not names_key(new, edit):
                    return False
                if done and not new.done:
                    return False
            elif old != new:
                return False
        return True

    def with_lines(self, changes: Mapping[int, str]) -> str:
        lines, endings = split_lines(self.text)
        for index, line in changes.items():
            lines[index] = line
        return join_lines(lines, endings)

    def take(self, text: str) -> None:
        self.text = text
        self.items = self.extract(text).items


def edit_document(
    text: str,
    edits: Sequence[WriteBackEdit],
    *,
    source: str,
    document: str,
    extract: Extractor | None = None,
) -> EditedDocument:
    """``text`` with each edit applied where it can be, and what became of each."""
    if extract is None:
        from connectors.markdown.extract import extract_document

        extract = extract_document
    reader: Extractor = extract

    def read(candidate: str) -> ExtractedDocument:
        return reader(candidate, source=source, document=document)

    try:
        current = _Document(text, read)
    except DocumentRejected as exc:
        reason = f"the document cannot be read: {exc}"
        failed = tuple(EditResult(e.item_id, EditOutcome.FAILED, reason) for e in edits)
        return EditedDocument(text, failed)
    results = [_apply(current, edit) for edit in edits]
    return EditedDocument(current.text, tuple(results))


def _apply(current: _Document, edit: WriteBackEdit) -> EditResult:
    item = current.locate(edit)
    if item is None:
        return EditResult(
            edit.item_id,
            EditOutcome.RETRY,
            f"the item is no longer at line {edit.line} of {edit.document} (the document "
            "changed since it was read); tried again next cycle",
        )
    has_key = names_key(item, edit)
    wants_done = edit.done and not item.done
    if has_key and not wants_done:
        return EditResult(edit.item_id, EditOutcome.PRESENT)
    lines, _ = split_lines(current.text)
    index = item.line - 1
    if not 0 <= index < len(lines):
        return EditResult(edit.item_id, EditOutcome.FAILED, f"line {item.line} is not in the file")
    row = table_row(lines, index)
    link = link_text(edit.key, edit.url)
    for changes, done in _candidates(lines, index, row, link, has_key=has_key, done=wants_done):
        text = current.with_lines(changes)
        if current.accepts(text, item, edit, done=done):
            current.take(text)
            reason = None
            if wants_done and not done:
                reason = "the key is written; the document marks done items in no way syncd can"
            return EditResult(edit.item_id, EditOutcome.WRITTEN, reason)
    if has_key:
        # Only done was asked, and the document has no mark syncd can set: the key is there.
        return EditResult(
            edit.item_id,
            EditOutcome.PRESENT,
            "the document marks done items in no way syncd can; the status is left as written",
        )
    return EditResult(
        edit.item_id,
        EditOutcome.FAILED,
        f"no place on line {item.line} of {edit.document} takes {edit.key} without changing "
        "how the item reads (a multi-line item?); add it by hand",
    )


def _candidates(
    lines: Sequence[str],
    index: int,
    row: TableRow | None,
    link: str,
    *,
    has_key: bool,
    done: bool,
) -> Iterator[tuple[dict[int, str], bool]]:
    """Line changes to try, best first, each with whether it marks the item done: the key on
    the item's line (with the done mark, then without), else, for an item whose text runs on
    over more lines, at the end of its last line."""
    line = lines[index]
    keyed = [line] if has_key else _with_key(line, row, link)
    for with_key in keyed:
        marked = _with_done(with_key, lines, row) if done else None
        for candidate, marks in ((marked, True), (with_key, False)):
            if candidate is not None and candidate != line:
                yield {index: candidate}, marks
    last = _last_continuation(lines, index)
    if has_key or row is not None or last == index:
        return
    for into_group in (False, True):
        tail = key_at_line_end(lines[last], link, into_group=into_group)
        if tail is None:
            continue
        marked = _with_done(line, lines, None) if done else None
        if marked is not None:
            yield {index: marked, last: tail}, True
        yield {last: tail}, False


_BLOCK_START = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:[-*+]|\d{1,9}[.)]|#{1,6})(?:[ \t]|$)")


def _last_continuation(lines: Sequence[str], index: int) -> int:
    """The last line of the paragraph the item's line begins (lazy continuation lines)."""
    last = index
    while (
        last + 1 < len(lines)
        and last - index < 20
        and lines[last + 1].strip()
        and not _BLOCK_START.match(lines[last + 1])
        and "|" not in lines[last + 1]
        and not lines[last + 1].lstrip().startswith(("```", "~~~", "<"))
    ):
        last += 1
    return last


def _with_key(line: str, row: TableRow | None, link: str) -> list[str]:
    if row is not None:
        found = [
            key_in_cell(line, row, link),
            key_after_action(line, row, link, into_group=False),
            key_after_action(line, row, link, into_group=True),
            key_before_action(line, row, link),
        ]
    else:
        found = [
            key_at_line_end(line, link, into_group=False),
            key_at_line_end(line, link, into_group=True),
            key_at_line_start(line, link),
        ]
    return [candidate for candidate in found if candidate is not None]


def _with_done(line: str, lines: Sequence[str], row: TableRow | None) -> str | None:
    if row is not None:
        return done_in_status_cell(line, row)
    return done_in_task_box(line, lines)
