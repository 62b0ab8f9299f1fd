"""The Google Docs source: the documents of a Drive folder, exported as markdown and read by
the markdown extraction.

Each cycle lists the folder whole (one request per 1,000 documents) and exports only the
documents whose version changed since they were last read; the others come from the cache
(``connectors.google_docs.cache``). Every current document is yielded every cycle, cached or
not, because a document missing from a successful read is taken as removed. One document that
cannot be exported or read is a ``DocumentFailure`` naming it (its items are kept as they
were); a folder that cannot be listed raises ``SourceError``.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from typing import ClassVar, Literal

import httpx

from connectors.google_docs.auth import TokenRefused, TokenSource, signer_for
from connectors.google_docs.cache import Cached, DocumentCache
from connectors.google_docs.credentials import load_key
from connectors.google_docs.drive import SERVICE, DriveClient, DriveRefused
from connectors.google_docs.extraction import WORKER_TARGET, ExportExtractor, WorkerExtractor
from connectors.google_docs.failures import document_failure, listing_failure
from connectors.google_docs.images import drop_embedded_images
from connectors.google_docs.key import KeyProblem
from connectors.google_docs.listing import FOLDER_MIME, DriveFile, IncompleteListing
from connectors.google_docs.postmortem import as_drive_document
from connectors.google_docs.settings import GoogleDocsSettings
from syncd.connector.http import Clock, HttpError, HttpPolicy, PolicyEngine, PolicyTransport
from syncd.connector.logs import get_logger
from syncd.connector.model import DocumentFailure, ExtractedDocument
from syncd.connector.source import SourceContext, SourceError
from syncd.connector.workers import shared_pool

EXPORT_BATCH = 32  # documents exported before they are handed to the reading processes
# Exports at once: a first read of a large folder waits on Drive's export time (about a second
# a document), not on syncd. Drive's quota (12,000 requests a minute per user) is far above it.
EXPORT_THREADS = 4


@cache  # loading the CA bundle takes ~0.1 s: once per process, not once per cycle
def _tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


class GoogleDocsSource:
    kind: ClassVar[Literal["source"]] = "source"
    Settings: ClassVar[type[GoogleDocsSettings]] = GoogleDocsSettings
    type: ClassVar[str] = "google_docs"

    def __init__(
        self,
        name: str,
        settings: GoogleDocsSettings,
        context: SourceContext,
        *,
        extract: ExportExtractor | None = None,
        http_clock: Clock | None = None,
    ) -> None:
        self.name = name
        self._settings = settings
        self._context = context
        self._extract = extract or WorkerExtractor(settings.max_document_seconds)
        self._clock = http_clock
        # The size limit too: a document skipped as too large is remembered as skipped.
        scope = (
            f"{settings.drive or ''}/{settings.folder_id}/{settings.subject or ''}"
            f"/{settings.max_document_bytes}"
        )
        self._cache = DocumentCache(context.cache_dir, scope)

    @classmethod
    def prepare(cls) -> None:
        """Start the reading processes ahead of the first read (the service calls this)."""
        shared_pool(WORKER_TARGET).warm()

    def read(self) -> Iterator[ExtractedDocument | DocumentFailure]:
        try:
            key = load_key(self._settings, self._context.config_dir)
            signer = signer_for(key, "service_account_key")
        except KeyProblem as exc:
            raise SourceError(f"google_docs source {self.name!r}: {exc}") from None
        engine = PolicyEngine(
            HttpPolicy(read_only_posts=(r".",)),  # the only POST asks for a token: a read
            service=SERVICE,
            clock=self._clock,
        )
        inner = httpx.HTTPTransport(retries=0, verify=_tls_context())
        with httpx.Client(transport=PolicyTransport(engine, inner)) as client:
            tokens = TokenSource(
                key, signer, subject=self._settings.subject, client=client, wall=engine.clock.wall
            )
            drive = DriveClient(client, tokens, self._settings.api_url)
            files = self._list(drive, key.client_email)
            yield from self._read_documents(drive, files)

    def _list(self, drive: DriveClient, account: str) -> list[DriveFile]:
        settings = self._settings
        try:
            files = list(
                drive.documents(settings.folder_id, settings.drive, recursive=settings.recursive)
            )
            if not files:
                folder = drive.folder(settings.folder_id)  # an empty folder, or none at all?
                if folder.get("mimeType") != FOLDER_MIME:
                    raise SourceError(
                        f"google_docs source {self.name!r}: {settings.folder_id} is not a folder "
                        "(set `folder` to the id of the folder holding the documents)"
                    )
        except (DriveRefused, HttpError, TokenRefused, IncompleteListing) as exc:
            raise SourceError(
                f"google_docs source {self.name!r}: {listing_failure(exc, settings, account)}"
            ) from None
        return files

    def _read_documents(
        self, drive: DriveClient, files: list[DriveFile]
    ) -> Iterator[ExtractedDocument | DocumentFailure]:
        cached = self._cache.load()
        kept: dict[str, Cached] = {}
        stalled: list[str] = []  # set when Drive asked to wait: the other exports wait a cycle

        def export(file: DriveFile) -> Exported:
            return self._export(drive, file, stalled)

        try:
            with ThreadPoolExecutor(EXPORT_THREADS, thread_name_prefix="gdocs-export") as pool:
                for start in range(0, len(files), EXPORT_BATCH):
                    batch = files[start : start + EXPORT_BATCH]
                    yield from self._read_batch(batch, cached, kept, partial(pool.map, export))
        finally:
            if _stamps(kept) != _stamps(cached):  # a cycle with nothing new writes nothing
                self._save(kept)

    def _save(self, kept: dict[str, Cached]) -> None:
        try:
            self._cache.save(kept)
        except OSError as exc:
            # The read itself is good: the next cycle exports again what it cannot find.
            get_logger(team=self._context.team, source=self.name).warning(
                "google_docs.cache_not_written",
                error=exc.strerror or type(exc).__name__,
                directory=str(self._context.cache_dir),
            )

    def _read_batch(
        self,
        batch: list[DriveFile],
        cached: dict[str, Cached],
        kept: dict[str, Cached],
        export_all: Callable[[list[DriveFile]], Iterator[Exported]],
    ) -> Iterator[ExtractedDocument | DocumentFailure]:
        """The batch's documents in order: unchanged ones from the cache, the others exported
        (several at once) and then read."""
        results: list[ExtractedDocument | DocumentFailure | None] = [None] * len(batch)
        changed: list[tuple[int, DriveFile]] = []
        for index, file in enumerate(batch):
            known = cached.get(file.id)
            if known is not None and known.stamp == file.stamp:
                kept[file.id] = known
                recalled = known.document
                results[index] = recalled or self._failed(file, known.failure or "skipped")
            else:
                changed.append((index, file))
        exported: list[tuple[int, DriveFile, str]] = []
        outcomes = export_all([f for _, f in changed])
        for (index, file), outcome in zip(changed, outcomes, strict=True):
            if isinstance(outcome, Skipped):  # for as long as the document stays as it is
                kept[file.id] = Cached(file.stamp, None, outcome.why)
                results[index] = self._failed(file, outcome.why)
            elif isinstance(outcome, DocumentFailure):
                results[index] = outcome
            else:
                exported.append((index, file, outcome))
        jobs = [(text, file.name, self.name) for _, file, text in exported]
        for (index, file, _), extracted in zip(exported, self._extract(jobs), strict=True):
            if isinstance(extracted, str):
                results[index] = self._failed(file, extracted)
                continue  # not remembered: a worker's crash or timeout may not recur
            document = as_drive_document(extracted, file)
            kept[file.id] = Cached(file.stamp, document)
            results[index] = document
        for result in results:
            if result is not None:
                yield result

    def _export(self, drive: DriveClient, file: DriveFile, stalled: list[str]) -> Exported:
        """One document's export (on one of the export threads)."""
        if stalled:  # Drive asked to wait: no more requests this cycle
            return self._failed(file, stalled[0])
        limit = self._settings.max_document_bytes
        try:
            exported = drive.export(file.id)
        except (DriveRefused, HttpError, TokenRefused) as exc:
            failure = document_failure(exc)
            if failure.stop_exports:
                stalled.append(failure.message)
            return self._failed(file, failure.message)
        try:
            text = drop_embedded_images(exported.decode("utf-8-sig"))
        except UnicodeDecodeError:
            return self._failed(file, "its markdown export is not UTF-8 text; skipped")
        size = len(text.encode())
        if size > limit:
            return Skipped(
                f"its markdown export is {size:,} bytes without its images, more than the "
                f"source's max_document_bytes ({limit:,}); skipped until it changes"
            )
        return text

    def _failed(self, file: DriveFile, why: str) -> DocumentFailure:
        return DocumentFailure(self.name, file.document, f"{file.name!r}: {why}")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An export refused for what it is (too large): the same until the document changes."""

    why: str


Exported = str | DocumentFailure | Skipped


def _stamps(documents: dict[str, Cached]) -> dict[str, tuple[str, str, str]]:
    return {file_id: entry.stamp for file_id, entry in documents.items()}
