"""Write-back's I/O: each page with edits is read afresh, edited (``write_back``), and updated
as its next version. Confluence refuses the update (409) when someone saved the page between
the read and the write; then the page is read and edited again, once, and if it changed yet
again its edits wait for the next cycle (nothing of the other person's edit is lost: the
update is refused whole). A page that cannot be read or updated answers its edits ``RETRY``
with the reason; one page never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from connectors.confluence.extract import PageMeta
from connectors.confluence.pages import PageRef
from connectors.confluence.write_back import KeyEdit, Outcome, PageEdits, edit_page
from syncd.connector.http import AuthError, HttpError
from syncd.connector.write_back import EditOutcome, EditResult, WriteBackEdit

MESSAGE = "syncd: tracker keys of action items"
CONFLICT = 409
_OUTCOMES = {
    Outcome.WRITTEN: EditOutcome.WRITTEN,
    Outcome.PRESENT: EditOutcome.PRESENT,
    Outcome.MISSING: EditOutcome.FAILED,
    Outcome.REFUSED: EditOutcome.FAILED,
}


class UpdatablePages(Protocol):
    def fetch(self, ref: PageRef) -> tuple[PageRef, str | None]: ...

    def update(self, ref: PageRef, body: str, message: str) -> None: ...


def update_page(
    pages: UpdatablePages,
    page_id: str,
    edits: Sequence[WriteBackEdit],
    *,
    meta_of: Callable[[PageRef], PageMeta],
    source: str,
    max_bytes: int,
) -> tuple[list[EditResult], bool]:
    """Each edit's result, and whether the page was updated."""
    wanted = [KeyEdit(e.line, e.title, e.key, e.url, e.done, e.native_id) for e in edits]
    for attempt in (1, 2):
        try:
            read, body = pages.fetch(PageRef(page_id, "", 0, None, None, None, "current"))
        except HttpError as exc:
            return _all(edits, EditOutcome.RETRY, f"the page could not be read: {_why(exc)}")
        if body is None or read.status != "current":
            why = "the page is not current (archived, trashed) or has no storage-format body"
            return _all(edits, EditOutcome.FAILED, why)
        if len(body.encode("utf-8")) > max_bytes:
            return _all(edits, EditOutcome.FAILED, "the page is over max_document_bytes")
        edited = edit_page(body, meta_of(read), wanted, source=source)
        if not edited.changed:
            return _results(edits, edited), False
        try:
            pages.update(read, edited.body, MESSAGE)
        except HttpError as exc:
            if exc.status == CONFLICT and attempt == 1:
                continue  # saved by someone meanwhile: read their version and edit that
            why = (
                "the page was edited again while syncd wrote; the next cycle writes it"
                if exc.status == CONFLICT
                else f"the page could not be updated: {_why(exc)}"
            )
            return _all(edits, EditOutcome.RETRY, why)
        return _results(edits, edited), True
    raise AssertionError("unreachable: the second attempt returns")


def _why(exc: HttpError) -> str:
    if isinstance(exc, AuthError):
        return f"Confluence refused it (HTTP {exc.status}): the account may not edit the page"
    return exc.reason if exc.status is None else f"HTTP {exc.status}, {exc.reason}"


def _results(edits: Sequence[WriteBackEdit], edited: PageEdits) -> list[EditResult]:
    return [
        EditResult(edit.item_id, _OUTCOMES[done.outcome], done.reason)
        for edit, done in zip(edits, edited.outcomes, strict=True)
    ]


def _all(
    edits: Sequence[WriteBackEdit], outcome: EditOutcome, why: str
) -> tuple[list[EditResult], bool]:
    return [EditResult(e.item_id, outcome, why) for e in edits], False
