"""The Drive API v3 calls syncd makes (files.list, files.get, files.export), through the HTTP
policy, with the service account's bearer token.

Transient failures (429 with ``Retry-After``, 5xx, dropped connections) are retried by the
policy and raise its errors when they persist; a definitive 4xx comes back as
:class:`DriveRefused` with Google's reason (``notFound``, ``exportSizeLimitExceeded`` ...), so
the caller can say what it means for one document or for the whole folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from connectors.google_docs.auth import TokenSource
from connectors.google_docs.listing import (
    FOLDER_FIELDS,
    DriveFile,
    IncompleteListing,
    list_params,
    list_shape,
    read_page,
)
from syncd.connector.http import parse_json

SERVICE = "google_drive"
MARKDOWN = "text/markdown"


@dataclass(frozen=True)
class DriveRefused(Exception):
    """A definitive 4xx answer: ``status``, Google's ``reason`` and its short ``message``."""

    status: int
    reason: str
    message: str

    def __str__(self) -> str:
        said = f": {self.message}" if self.message else ""
        return f"HTTP {self.status} {self.reason or 'error'}{said}"


class DriveClient:
    def __init__(self, client: httpx.Client, tokens: TokenSource, api_url: str) -> None:
        self._client = client
        self._tokens = tokens
        self._base = f"{api_url}/drive/v3"

    def folder(self, folder: str) -> dict[str, Any]:
        """files.get of the folder: raises DriveRefused (404) when it is not there or hidden."""
        data = self._json(
            f"/files/{quote(folder, safe='')}",
            {"fields": FOLDER_FIELDS, "supportsAllDrives": "true"},
            _folder_shape,
        )
        result: dict[str, Any] = data
        return result

    def documents(self, folder: str, drive: str | None, *, recursive: bool) -> Iterator[DriveFile]:
        """Every document in ``folder`` (and its subfolders when ``recursive``), page by page."""
        pending = [folder]
        seen = {folder}
        while pending:
            current = pending.pop(0)
            for entry in self._children(current, drive, with_folders=recursive):
                # Once each: a folder or document can sit in several parents, and pages
                # overlap when a document is edited while the folder is paged.
                if entry.id in seen:
                    continue
                seen.add(entry.id)
                if entry.is_folder:
                    pending.append(entry.id)
                else:
                    yield entry

    def _children(
        self, folder: str, drive: str | None, *, with_folders: bool
    ) -> Iterator[DriveFile]:
        token: str | None = None
        tokens: set[str] = set()
        while True:
            data = self._json(
                "/files", list_params(folder, drive, token, with_folders=with_folders), list_shape
            )
            files, token = read_page(data)
            yield from files
            if token is None:
                return
            if token in tokens:  # the same page again (a proxy, a cache): it would never end
                raise IncompleteListing("Drive gave a next-page token it had given before")
            tokens.add(token)

    def export(self, file_id: str) -> bytes:
        """The document as markdown. The policy's transport takes the answer whole; Drive
        exports at most 10 MB, so that is what one export can hold in memory."""
        response = self._get(f"/files/{quote(file_id, safe='')}/export", {"mimeType": MARKDOWN})
        return response.content

    def _json(self, path: str, params: dict[str, str], check: Any) -> Any:
        response = self._get(path, params)
        return parse_json(
            tracker="Google Drive",
            service=SERVICE,
            method="GET",
            url=str(response.request.url),
            status=response.status_code,
            headers=response.headers,
            body=response.content,
            check=check,
            hint="check the source's api_url",
        )

    def _get(self, path: str, params: dict[str, str]) -> httpx.Response:
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._tokens.token()}"}
            response = self._client.get(self._base + path, params=params, headers=headers)
            if response.status_code == 401 and attempt == 1:
                self._tokens.forget()  # revoked or expired early: one fresh token, once
                continue
            if response.status_code >= 400:
                raise _refused(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _refused(response: httpx.Response) -> DriveRefused:
    reason, message = "", ""
    try:
        data = json.loads(response.content or b"null")
    except ValueError:
        data = None
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        errors = error.get("errors")
        first = errors[0] if isinstance(errors, list) and errors else None
        if isinstance(first, dict) and isinstance(first.get("reason"), str):
            reason = first["reason"][:80]
        if isinstance(error.get("message"), str):
            message = error["message"][:200]
    return DriveRefused(response.status_code, reason, message)


def _folder_shape(data: Any) -> str | None:
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return "not a file"
    if not isinstance(data.get("mimeType"), str):
        return "a file without mimeType"
    return None
