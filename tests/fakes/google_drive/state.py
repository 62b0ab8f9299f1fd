"""The fake Drive's state: folders and Google Docs (their markdown export as content), who may
see them, service accounts with their public keys, and the tokens the token endpoint issued."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

DOCUMENT = "application/vnd.google-apps.document"
FOLDER = "application/vnd.google-apps.folder"


@dataclass
class FakeFile:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    created: datetime
    modified: datetime
    version: int = 1
    content: str = ""  # a document's markdown export
    trashed: bool = False
    drive_id: str | None = None  # a shared drive's id
    # Per-file quirks a test sets: the export is refused for lack of access, or too large for
    # Drive to export; the listing still shows the file.
    export_forbidden: bool = False
    export_too_large: bool = False
    deleted_on_export: bool = False  # listed, then deleted before its export arrived


@dataclass
class Account:
    email: str
    public_pem: bytes
    delegated: bool = False  # domain-wide delegation: may act as any user of the domain


@dataclass
class Issued:
    principal: str  # who the token acts as: the service account or the impersonated user
    expires: datetime


@dataclass
class DriveState:
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    files: dict[str, FakeFile] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    tokens: dict[str, Issued] = field(default_factory=dict)
    # Who can see what: a principal (e-mail) sees the folders shared with it and all below.
    shared: dict[str, set[str]] = field(default_factory=dict)
    assertions: list[dict[str, object]] = field(default_factory=list)  # claims, as received
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new_id(self, prefix: str = "1d") -> str:
        # Drive ids are 33-44 URL-safe characters.
        return f"{prefix}{next(self._ids):06d}AbCdEfGhIjKlMnOpQrStUvWxYz"

    def add_folder(
        self, name: str, parent: str | None = None, *, drive_id: str | None = None
    ) -> FakeFile:
        with self.lock:
            folder = FakeFile(
                self.new_id("1f"),
                name,
                FOLDER,
                [parent] if parent else [],
                self.clock(),
                self.clock(),
                drive_id=drive_id,
            )
            self.files[folder.id] = folder
            return folder

    def add_document(self, name: str, parent: str, content: str) -> FakeFile:
        with self.lock:
            now = self.clock()
            doc = FakeFile(
                self.new_id(),
                name,
                DOCUMENT,
                [parent],
                now,
                now,
                content=content,
                drive_id=self.files[parent].drive_id,
            )
            self.files[doc.id] = doc
            return doc

    def edit(self, file_id: str, content: str | None = None, *, name: str | None = None) -> None:
        with self.lock:
            doc = self.files[file_id]
            if content is not None:
                doc.content = content
            if name is not None:
                doc.name = name
            doc.version += 1
            doc.modified = max(self.clock(), doc.modified + timedelta(seconds=1))

    def share(self, folder_id: str, principal: str) -> None:
        with self.lock:
            self.shared.setdefault(principal, set()).add(folder_id)

    def add_account(self, email: str, public_pem: bytes, *, delegated: bool = False) -> None:
        with self.lock:
            self.accounts[email] = Account(email, public_pem, delegated)

    def visible(self, file: FakeFile, principal: str) -> bool:
        """Whether ``principal`` may see ``file``: it or a folder above it is shared with them."""
        with self.lock:
            roots = self.shared.get(principal, set())
            seen: set[str] = set()
            pending = [file.id]
            while pending:
                current = pending.pop()
                if current in roots:
                    return True
                if current in seen or current not in self.files:
                    continue
                seen.add(current)
                pending.extend(self.files[current].parents)
            return False
