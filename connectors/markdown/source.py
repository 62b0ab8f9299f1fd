"""The markdown source: postmortems in a folder, a glob of files, or a git repository.

It finds the files, reads each once, and hands the text to the pure extraction engine. One bad
document never stops the source: it becomes a ``DocumentFailure`` naming the path and what to do.
Only a source that cannot be read at all (missing folder, failed clone) raises ``SourceError``,
so the core leaves that source's items as they were instead of orphaning them.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import quote

from connectors.markdown.files import (
    FoundFile,
    PathProblem,
    ReadFile,
    RootUnreadable,
    find_documents,
    inspect_file,
    load_text,
    read_at_most,
)
from connectors.markdown.git import (
    GitRepository,
    GitRunner,
    browse_url_prefix,
    clone_directory,
    run_git,
)
from connectors.markdown.git_write_back import GitWriteBack
from connectors.markdown.hosting import resolve_hosting
from connectors.markdown.parallel import (
    WORKER_TARGET,
    Extractor,
    extract_safely,
    read_in_workers,
)
from connectors.markdown.path_globs import ExcludeMatcher, PathMatcher
from connectors.markdown.proposals import Proposals, proposals_for
from connectors.markdown.settings import (
    GitSettings,
    MarkdownSettings,
    WriteBackSettings,
    has_glob_magic,
)
from syncd.connector.model import DocumentFailure, ExtractedDocument
from syncd.connector.source import SourceContext, SourceError
from syncd.connector.workers import WorkersStopped, shared_pool
from syncd.connector.write_back import EditOutcome, WriteBackEdit, WriteBackResult


def _engine() -> Extractor:
    # Imported on first read, not at registration: listing connectors (`syncd check`, the schema)
    # should not pay for, or fail with, the extraction engine.
    from connectors.markdown.extract import extract_document

    return extract_document


class MarkdownSource:
    kind: ClassVar[Literal["source"]] = "source"
    Settings: ClassVar[type[MarkdownSettings]] = MarkdownSettings
    type: ClassVar[str] = "markdown"

    def __init__(
        self,
        name: str,
        settings: MarkdownSettings,
        context: SourceContext,
        *,
        extract: Extractor | None = None,
        read_file: ReadFile = read_at_most,
        git_runner: GitRunner = run_git,
        proposal_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = name
        self._settings = settings
        self._context = context
        self._extract = extract
        self._read_file = read_file
        self._git_runner = git_runner
        # Tests: how the pull-request client is built (an HTTP policy without waits).
        self._proposal_options = dict(proposal_options or {})
        self._url_for = self._document_url_builder()

    @classmethod
    def prepare(cls) -> None:
        """Start the reading processes ahead of the first read (the service calls this)."""
        shared_pool(WORKER_TARGET).warm()

    @property
    def writes_back(self) -> bool:
        return self._settings.git is not None and self._settings.write_back.mode != "off"

    def write_back(self, edits: Sequence[WriteBackEdit], now: datetime) -> WriteBackResult:
        writer = self._git_write_back()
        if writer is None:
            return WriteBackResult.all_as(edits, EditOutcome.FAILED, "write_back is off")
        return writer.write(edits, now)

    def withdraw_proposal(self) -> str | None:
        """``WithdrawsProposals``: syncd's open request closed when it proposes nothing."""
        writer = self._git_write_back()
        return None if writer is None else writer.withdraw()

    def _git_write_back(self) -> GitWriteBack | None:
        git = self._settings.git
        if git is None or not self.writes_back:
            return None
        settings = self._settings.write_back
        return GitWriteBack(
            self._repository(git),
            source=self.name,
            mode=settings.mode,
            source_branch=git.branch,
            proposal_branch=settings.branch,
            subdir=git.subdir,
            proposals=lambda: self._proposals(git, settings),
            extract=self._extract,
        )

    def _proposals(self, git: GitSettings, settings: WriteBackSettings) -> Proposals:
        hosting = resolve_hosting(git.url, settings)
        if isinstance(hosting, str):  # the settings validator makes this unreachable
            raise SourceError(hosting)
        token = settings.token or git.token
        if token is None:
            raise SourceError("write_back.token: no token for the hosting API")
        return proposals_for(hosting, token.get_secret_value(), **self._proposal_options)

    def _repository(self, git: GitSettings) -> GitRepository:
        return GitRepository(
            git,
            clone_dir=clone_directory(
                self._context.cache_dir, f"{self._context.team}-{self.name}", git.url, git.branch
            ),
            config_dir=self._context.config_dir,
            run=self._git_runner,
        )

    def read(self) -> Iterator[ExtractedDocument | DocumentFailure]:
        extract = self._extract if self._extract is not None else _engine()
        git = self._settings.git
        if git is None:
            yield from self._read_local(extract)
            return
        repository = self._repository(git)
        with repository.checkout() as root:
            include = PathMatcher(self._settings.globs)
            found = self._list(root, include, f"the clone of {repository.described}")
            yield from self._read_found(found, extract)

    def _read_local(self, extract: Extractor) -> Iterator[ExtractedDocument | DocumentFailure]:
        written = self._settings.path
        if written is None:  # the settings validator makes this unreachable
            raise SourceError(f"markdown source {self.name!r}: neither path nor git is set")
        expanded = os.path.expanduser(written)
        if has_glob_magic(expanded):
            parts = Path(expanded).parts
            first_glob = next(i for i, part in enumerate(parts) if has_glob_magic(part))
            root = self._context.config_dir.joinpath(*parts[:first_glob])
            include = PathMatcher(["/".join(parts[first_glob:])])
            yield from self._read_found(self._list(root, include, f"path {written!r}"), extract)
            return
        target = self._context.config_dir / expanded
        if target.is_file():
            found: list[FoundFile | PathProblem] = [inspect_file(target, target.name)]
        else:
            found = self._list(target, PathMatcher(self._settings.globs), f"path {written!r}")
        yield from self._read_found(found, extract)

    def _list(self, root: Path, include: PathMatcher, what: str) -> list[FoundFile | PathProblem]:
        try:
            return find_documents(root, include, ExcludeMatcher(self._settings.exclude))
        except RootUnreadable as exc:
            raise SourceError(
                f"{what}: folder {os.path.normpath(root)} {exc}. Nothing was read from this "
                "source; its items are kept as they were"
            ) from None

    def _read_found(
        self, found: list[FoundFile | PathProblem], extract: Extractor
    ) -> Iterator[ExtractedDocument | DocumentFailure]:
        limit = self._settings.max_document_bytes
        files = [entry for entry in found if isinstance(entry, FoundFile)]
        if self._extract is None and self._read_file is read_at_most:
            yield from self._read_in_workers(found, files)
            return
        # An injected reader or extractor (tests, embedding) runs here, without a time budget.
        for entry in found:
            if isinstance(entry, PathProblem):
                yield self._finished(entry)
                continue
            loaded = load_text(entry, limit, self._read_file)
            if isinstance(loaded, PathProblem):
                yield self._finished(loaded)
            else:
                yield self._finished(extract_safely(loaded, self.name, extract))

    def _read_in_workers(
        self, found: list[FoundFile | PathProblem], files: list[FoundFile]
    ) -> Iterator[ExtractedDocument | DocumentFailure]:
        extracted = read_in_workers(
            files,
            max_bytes=self._settings.max_document_bytes,
            source=self.name,
            budget=self._settings.max_document_seconds,
        )
        try:
            for entry in found:
                yield self._finished(entry if isinstance(entry, PathProblem) else next(extracted))
        except WorkersStopped as exc:
            raise SourceError(f"{exc}; this source's items are kept as they were") from None

    def _finished(
        self, result: ExtractedDocument | PathProblem
    ) -> ExtractedDocument | DocumentFailure:
        if isinstance(result, PathProblem):
            return DocumentFailure(self.name, result.document, result.error)
        url = self._url_for(result.postmortem.document)
        if url is None:
            return result
        return dataclasses.replace(
            result, postmortem=dataclasses.replace(result.postmortem, url=url)
        )

    def _document_url_builder(self) -> Callable[[str], str | None]:
        template = self._settings.url_template
        if template is not None:
            return lambda document: template.format(path=quote(document, safe="/"))
        git = self._settings.git
        prefix = browse_url_prefix(git.url, git.branch, git.subdir) if git is not None else None
        if prefix is not None:
            return lambda document: prefix + quote(document, safe="/")
        return lambda document: None
