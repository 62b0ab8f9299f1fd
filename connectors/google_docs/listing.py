"""What syncd asks Drive for and how it reads the answers: pure, no I/O.

A folder is listed whole every cycle, with only the fields syncd needs: a listing of 1,000
documents is one request, and a document deleted, trashed, moved out or no longer shared is
seen as missing from it (a ``modifiedTime`` filter would hide exactly those).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DOCUMENT_MIME = "application/vnd.google-apps.document"
FOLDER_MIME = "application/vnd.google-apps.folder"
PAGE_SIZE = 1000  # Drive's largest page
FILE_FIELDS = "id,name,mimeType,modifiedTime,version,webViewLink,createdTime"
LIST_FIELDS = f"nextPageToken,incompleteSearch,files({FILE_FIELDS})"
FOLDER_FIELDS = "id,name,mimeType,trashed"
DOCUMENT_URL = "https://docs.google.com/document/d/{id}"


@dataclass(frozen=True, slots=True)
class DriveFile:
    id: str
    name: str
    mime_type: str
    modified_time: str
    version: str
    web_view_link: str | None
    created_time: str | None

    @property
    def document(self) -> str:
        """The document's name in syncd: its address by id, the same across renames and moves."""
        return DOCUMENT_URL.format(id=self.id)

    @property
    def is_folder(self) -> bool:
        return self.mime_type == FOLDER_MIME

    @property
    def stamp(self) -> tuple[str, str, str]:
        """What changes when the document's export may: its version, time and name."""
        return (self.version, self.modified_time, self.name)


def children_query(folder: str, *, with_folders: bool) -> str:
    """Drive's ``q`` for the documents (and subfolders) directly in ``folder``."""
    kinds = f"mimeType='{DOCUMENT_MIME}'"
    if with_folders:
        kinds = f"({kinds} or mimeType='{FOLDER_MIME}')"
    # Settings allow only [A-Za-z0-9_-] in ids, so nothing here needs quoting.
    return f"'{folder}' in parents and {kinds} and trashed=false"


def list_params(
    folder: str, drive: str | None, page_token: str | None, *, with_folders: bool
) -> dict[str, str]:
    params = {
        "q": children_query(folder, with_folders=with_folders),
        "fields": LIST_FIELDS,
        "pageSize": str(PAGE_SIZE),
        "supportsAllDrives": "true",
        "includeItemsFromAllDrives": "true",
    }
    if drive is not None:
        params |= {"corpora": "drive", "driveId": drive}
    if page_token is not None:
        params["pageToken"] = page_token
    return params


def list_shape(data: Any) -> str | None:
    """Why an answer is not a FileList syncd can read, or None."""
    if not isinstance(data, dict):
        return "not an object"
    files = data.get("files")
    if not isinstance(files, list):
        return "no files list"
    for entry in files:
        problem = _file_shape(entry)
        if problem is not None:
            return problem
    token = data.get("nextPageToken")
    if token is not None and (not isinstance(token, str) or not token):
        return "a nextPageToken that is not a string"
    return None


def _file_shape(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return "a file that is not an object"
    for name in ("id", "name", "mimeType"):
        if not isinstance(entry.get(name), str) or not entry[name]:
            return f"a file without {name}"
    return None


class IncompleteListing(Exception):
    """Drive says it could not search everything: a document missing from this listing may
    still be there, so the listing cannot be believed (nor its missing documents orphaned)."""


def read_page(data: dict[str, Any]) -> tuple[list[DriveFile], str | None]:
    """The files of one checked page (``list_shape``) and the next page's token."""
    if data.get("incompleteSearch") is True:
        raise IncompleteListing
    files = [
        DriveFile(
            id=entry["id"],
            name=entry["name"],
            mime_type=entry["mimeType"],
            modified_time=_str(entry.get("modifiedTime")) or "",
            version=_str(entry.get("version")) or "",
            web_view_link=_str(entry.get("webViewLink")),
            created_time=_str(entry.get("createdTime")),
        )
        for entry in data["files"]
    ]
    token = data.get("nextPageToken")
    return files, token if isinstance(token, str) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
