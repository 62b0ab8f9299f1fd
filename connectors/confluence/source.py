"""The Confluence source: postmortems as pages of a space, under a parent page, or with a label.

Each cycle lists the selected pages with their versions (one request per 200 or 250 pages) and
fetches the body of a page only when its version differs from the one last read; the others
are yielded from what was remembered (``cache``), so every current page is in every read, as
the core needs (a page missing from a successful read is a removed page).

One page that cannot be read (deleted since it was listed, restricted, too large, not
well-formed, in the trash) is a ``DocumentFailure`` naming it, and the rest are read; a
failure is never a deletion, so its items are kept as they were. Only a listing that fails
(credentials refused, space unknown, Confluence unreachable) raises ``SourceError``.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Literal

import httpx

from connectors.confluence import cache as page_cache
from connectors.confluence.client import ConfluenceClient
from connectors.confluence.cloud import CloudPages
from connectors.confluence.datacenter import DataCenterPages
from connectors.confluence.extract import PageMeta
from connectors.confluence.failures import KEPT, listing_failure, page_failure
from connectors.confluence.page_updates import update_page
from connectors.confluence.pages import READABLE, TRASHED, PageRef
from connectors.confluence.people import HANDLE
from connectors.confluence.selection import SelectionError
from connectors.confluence.settings import ConfluenceSettings
from syncd.connector.http import Clock, HttpError
from syncd.connector.logs import get_logger
from syncd.connector.model import DocumentFailure, ExtractedDocument
from syncd.connector.settings import PersonHandle
from syncd.connector.source import SourceContext, SourceError
from syncd.connector.workers import Overran, WorkersStopped, shared_pool, usable_cores
from syncd.connector.write_back import EditOutcome, EditResult, WriteBackEdit, WriteBackResult

WORKER_TARGET = "connectors.confluence.worker:extract_job"
MAX_PROBES = 50  # pages gone from the listing asked about in one cycle; the rest wait a cycle
FETCHING_THREADS = 4  # page bodies fetched at once
BATCH = 25  # pages fetched, then read by the workers together: bounds the bodies held at once
PageExtractor = Callable[[str, PageMeta, str], ExtractedDocument | str]
Result = ExtractedDocument | DocumentFailure


class ConfluenceSource:
    kind: ClassVar[Literal["source"]] = "source"
    Settings: ClassVar[type[ConfluenceSettings]] = ConfluenceSettings
    type: ClassVar[str] = "confluence"
    handle: ClassVar[PersonHandle] = HANDLE  # people.<name>.confluence: account id / user key

    def __init__(
        self,
        name: str,
        settings: ConfluenceSettings,
        context: SourceContext,
        *,
        clock: Clock | None = None,
        transport: httpx.BaseTransport | None = None,
        extract: PageExtractor | None = None,
    ) -> None:
        self.name = name
        self._settings = settings
        self._context = context
        self._clock = clock
        self._transport = transport
        self._extract = extract
        self._cache: page_cache.PageCache | None = None
        self.requests_sent = 0  # by the last read (the benches print it)

    @classmethod
    def prepare(cls) -> None:
        """Start the reading processes ahead of the first read (the service calls this)."""
        shared_pool(WORKER_TARGET).warm()

    @property
    def cache_path(self) -> Path:
        key = page_cache.fingerprint(self._context.team, self.name, self._settings.url)[:16]
        return self._context.cache_dir / "confluence" / f"{self._context.team}-{key}.json"

    def _fingerprint(self) -> str:
        s = self._settings
        # The release too: what it extracts from a page may differ, so an upgrade reads anew.
        return page_cache.fingerprint(
            s.url, s.resolved_deployment, s.space, s.parent, s.label, self.name,
            s.max_document_bytes, s.max_document_seconds, _release(),
        )  # fmt: skip

    def read(self) -> Iterator[Result]:
        if self._cache is None or self._cache.fingerprint != self._fingerprint():
            self._cache = page_cache.load(self.cache_path, self._fingerprint())
        cache = self._cache
        client = ConfluenceClient(self._settings, clock=self._clock, transport=self._transport)
        pages = self._pages(client, cache.ids)
        try:
            listed = self._listing(pages, cache)
            kept: dict[str, page_cache.Remembered] = {}
            for start in range(0, len(listed), BATCH):
                yield from self._read_batch(listed[start : start + BATCH], pages, cache, kept)
            yield from self._missing({ref.page_id for ref in listed}, pages, cache, kept)
            cache.pages = kept
            self._save(cache)
        finally:
            self.requests_sent = client.requests
            client.close()

    def _pages(
        self, client: ConfluenceClient, ids: MutableMapping[str, str]
    ) -> CloudPages | DataCenterPages:
        if self._settings.resolved_deployment == "cloud":
            return CloudPages(client, self._settings, ids)
        return DataCenterPages(client, self._settings, ids)

    @property
    def writes_back(self) -> bool:
        return self._settings.write_back.mode == "commit"

    def write_back(self, edits: Sequence[WriteBackEdit], now: datetime) -> WriteBackResult:
        """Each page with edits read afresh, edited and updated as its next version
        (``page_updates``); an edit of a document that is not a page of this site fails."""
        results: dict[str, EditResult] = {}
        changed: list[str] = []
        by_page: dict[str, list[WriteBackEdit]] = {}
        for edit in edits:
            page_id = self._page_id_of(edit.document)
            if page_id is None:
                why = "the document is not a page of this source's site"
                results[edit.item_id] = EditResult(edit.item_id, EditOutcome.FAILED, why)
            else:
                by_page.setdefault(page_id, []).append(edit)
        client = ConfluenceClient(self._settings, clock=self._clock, transport=self._transport)
        try:
            pages = self._pages(client, {})
            for page_id, page_edits in by_page.items():
                done, updated = update_page(
                    pages,
                    page_id,
                    page_edits,
                    meta_of=self._meta,
                    source=self.name,
                    max_bytes=self._settings.max_document_bytes,
                )
                results.update((r.item_id, r) for r in done)
                if updated:
                    changed.append(page_edits[0].document)
        finally:
            client.close()
        ordered = tuple(results[e.item_id] for e in edits)
        return WriteBackResult(ordered, " ".join(changed) or None)

    def _page_id_of(self, document: str) -> str | None:
        prefix = f"{self._settings.url}/pages/viewpage.action?pageId="
        page_id = document.removeprefix(prefix)
        return page_id if document.startswith(prefix) and page_id.isdigit() else None

    def _listing(
        self, pages: CloudPages | DataCenterPages, cache: page_cache.PageCache
    ) -> list[PageRef]:
        for attempt in (1, 2):
            try:
                if isinstance(pages, DataCenterPages):
                    listed = pages.list_pages({k: r.version for k, r in cache.pages.items()})
                else:
                    listed = pages.list_pages()
            except SelectionError as exc:
                raise SourceError(self._whole(str(exc))) from None
            except HttpError as exc:
                if attempt == 1 and exc.status == 404 and cache.ids:
                    # A space or label remembered by id was deleted and made again under its
                    # name: look the names up afresh, once.
                    cache.ids.clear()
                    continue
                raise SourceError(self._whole(listing_failure(exc, self._settings))) from None
            # Once each: cursor pages overlap when a page is edited while the space is paged.
            return list({ref.page_id: ref for ref in listed}.values())
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _save(self, cache: page_cache.PageCache) -> None:
        try:
            page_cache.save(self.cache_path, cache)
        except OSError as exc:  # the read stands; the next one fetches more than it needs to
            get_logger(source=self.name).warning(
                "confluence.cache_not_written", path=str(self.cache_path), error=exc.strerror
            )

    def _missing(
        self,
        listed: set[str],
        pages: CloudPages | DataCenterPages,
        cache: page_cache.PageCache,
        kept: dict[str, page_cache.Remembered],
    ) -> Iterator[DocumentFailure]:
        """Pages read before and no longer listed: asked about one by one (only then, so it
        costs nothing when no page went). A purged page, or one moved out of the selection, is
        gone (the core orphans its items); one in the trash (which Data Center's and the label
        listings leave out) or that cannot be asked about is reported, its items kept, and
        asked about again next cycle."""
        missing = [page_id for page_id in cache.pages if page_id not in listed]
        for n, page_id in enumerate(missing):
            remembered = cache.pages[page_id]
            title = remembered.document.postmortem.title if remembered.document else page_id
            meta = self._meta(PageRef(page_id, title, remembered.version, None, None, None, ""))
            if n >= MAX_PROBES:
                why = "it left the listing; it is checked next cycle and " + KEPT
            else:
                try:
                    found = pages.probe(page_id)
                except HttpError as exc:
                    why = page_failure(None, exc)
                else:
                    if found is None:
                        continue  # purged: removed
                    if found.status == TRASHED:
                        why = page_failure(TRASHED)
                    elif pages.surely_selected(found):
                        # Still in the space read: the listing lost it (a lagging search
                        # index, a proxy dropping the next-page link), it was not removed.
                        why = "it is missing from the listing but still in the space; " + KEPT
                    else:
                        continue  # no longer selected: removed
            kept[page_id] = remembered
            yield self._failure(meta, why)

    def _whole(self, why: str) -> str:
        return (
            f"confluence source {self.name!r}: {why}. Nothing was read from this source; its "
            "items are kept as they were"
        )

    def _meta(self, ref: PageRef) -> PageMeta:
        base = self._settings.url
        document = f"{base}/pages/viewpage.action?pageId={ref.page_id}"  # see _page_id_of
        url = base + ref.webui if ref.webui and ref.webui.startswith("/") else document
        return PageMeta(ref.page_id, ref.title, ref.version, ref.created, document, url)

    def _read_batch(
        self,
        batch: list[PageRef],
        pages: CloudPages | DataCenterPages,
        cache: page_cache.PageCache,
        kept: dict[str, page_cache.Remembered],
    ) -> Iterator[Result]:
        results: dict[str, Result] = {}
        wanted: list[PageRef] = []
        for ref in batch:
            meta = self._meta(ref)
            remembered = cache.pages.get(ref.page_id)
            if ref.status == TRASHED or ref.status not in READABLE:
                results[ref.page_id] = self._failure(meta, page_failure(ref.status))
            elif remembered is not None and ref.version > 0 and remembered.version == ref.version:
                kept[ref.page_id] = remembered
                results[ref.page_id] = self._recalled(meta, remembered)
            else:
                wanted.append(ref)
        jobs: list[tuple[str, PageMeta]] = []
        # A few bodies at a time: a first read of a space waits on latency, not on work; the
        # policy paces and retries each request as it would one by one.
        with ThreadPoolExecutor(FETCHING_THREADS, thread_name_prefix="confluence") as threads:
            fetched_all = list(threads.map(lambda ref: self._fetch(pages, ref, kept), wanted))
        for ref, fetched in zip(wanted, fetched_all, strict=True):
            if isinstance(fetched, DocumentFailure):
                results[ref.page_id] = fetched
            else:
                jobs.append(fetched)
        for (_, meta), outcome in zip(jobs, self._extracted(jobs), strict=True):
            if isinstance(outcome, ExtractedDocument):
                kept[meta.page_id] = page_cache.Remembered(meta.version, outcome)
                results[meta.page_id] = outcome
            else:
                message, lasting = outcome
                if lasting:
                    kept[meta.page_id] = page_cache.Remembered(meta.version, None, message)
                results[meta.page_id] = self._failure(meta, message)
        for ref in batch:
            yield results[ref.page_id]

    def _fetch(
        self,
        pages: CloudPages | DataCenterPages,
        ref: PageRef,
        kept: dict[str, page_cache.Remembered],
    ) -> tuple[str, PageMeta] | DocumentFailure:
        meta = self._meta(ref)
        try:
            read, body = pages.fetch(ref)
        except HttpError as exc:
            return self._failure(meta, page_failure(None, exc))
        current = dataclasses.replace(
            ref,
            title=read.title or ref.title,
            version=read.version or ref.version,
            webui=read.webui or ref.webui,
        )
        meta = self._meta(current)
        if body is None:
            return self._failure(meta, "Confluence gave no storage-format body for this page")
        size = len(body.encode("utf-8"))
        if size > self._settings.max_document_bytes:
            message = (
                f"its body is {size:,} bytes, over the source's max_document_bytes "
                f"({self._settings.max_document_bytes:,}); it was skipped and its items are "
                "kept as they were"
            )
            # One key per page, each written by one thread: safe without a lock.
            kept[ref.page_id] = page_cache.Remembered(meta.version, None, message)
            return self._failure(meta, message)
        return body, meta

    def _extracted(
        self, jobs: list[tuple[str, PageMeta]]
    ) -> Iterator[ExtractedDocument | tuple[str, bool]]:
        """Each job's extraction, or (why not, whether that holds for this version)."""
        if self._extract is not None:  # tests and embedding: in this process, no time budget
            for body, meta in jobs:
                done = self._extract(body, meta, self.name)
                yield done if isinstance(done, ExtractedDocument) else (done, True)
            return
        if not jobs:
            return
        budget = self._settings.max_document_seconds
        pool = shared_pool(WORKER_TARGET)
        work = [(body, meta, self.name) for body, meta in jobs]
        try:
            for outcome in pool.map(work, budget=budget, workers=min(usable_cores(), 4)):
                if isinstance(outcome, ExtractedDocument):
                    yield outcome
                elif isinstance(outcome, str):
                    yield outcome, True
                elif isinstance(outcome, Overran):
                    yield (
                        f"reading it took longer than {budget:g} s (the source's "
                        "max_document_seconds), so it was stopped and skipped",
                        True,
                    )
                else:
                    yield f"could not be read ({outcome.reason}); skipped", False
        except WorkersStopped as exc:
            raise SourceError(f"{exc}; this source's items are kept as they were") from None

    def _recalled(self, meta: PageMeta, remembered: page_cache.Remembered) -> Result:
        if remembered.document is None:
            return self._failure(meta, remembered.failure or "could not be read")
        return remembered.document

    def _failure(self, meta: PageMeta, why: str) -> DocumentFailure:
        return DocumentFailure(self.name, meta.document, f"page {meta.title!r}: {why}")


def _release() -> str:
    try:
        return importlib.metadata.version("syncd")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout without installing
        return "unknown"
