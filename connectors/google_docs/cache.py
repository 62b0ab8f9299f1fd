"""The documents read in earlier cycles: each one's Drive stamp and its extraction.

A document whose version, modification time and name are unchanged is not exported again; its
extraction comes from here. The cache is one JSON file under the source's cache directory,
replaced atomically (written beside it, then renamed), so a crash leaves the old file or the
new one. A missing, damaged or foreign file, or one written by other extraction code, is read
as empty: the cycle exports everything, which costs requests, never correctness.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from connectors.google_docs.codec import decode, encode, model_signature
from syncd.connector.model import ExtractedDocument

FILE_NAME = "google_docs.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Cached:
    stamp: tuple[str, str, str]  # DriveFile.stamp when it was read
    document: ExtractedDocument | None  # None: ``failure`` says why this version was skipped
    failure: str | None = None  # too large, refused by the extraction: holds until it changes


@cache
def extraction_fingerprint() -> str:
    """A hash of the code that turns an export into items (this package and the markdown
    extraction): an upgrade that reads documents differently reads them all again."""
    digest = hashlib.sha256(model_signature().encode())
    here = Path(__file__).resolve().parent
    for package in (here, here.parent / "markdown"):
        for path in sorted(package.glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class DocumentCache:
    def __init__(self, directory: Path, scope: str) -> None:
        self._path = directory / FILE_NAME
        self._scope = scope  # the folder, drive and user: another scope's cache is not ours

    def load(self) -> dict[str, Cached]:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        if data.get("scope") != self._scope or data.get("code") != extraction_fingerprint():
            return {}
        entries = data.get("documents")
        if not isinstance(entries, dict):
            return {}
        loaded: dict[str, Cached] = {}
        for file_id, entry in entries.items():
            try:
                loaded[file_id] = _entry(entry)
            except ValueError:
                continue  # that one document is exported again
        return loaded

    def save(self, documents: dict[str, Cached]) -> None:
        payload = {
            "format": FORMAT,
            "scope": self._scope,
            "code": extraction_fingerprint(),
            "documents": {file_id: _plain(c) for file_id, c in sorted(documents.items())},
        }
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=".google_docs.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, separators=(",", ":"))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self._path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _entry(entry: Any) -> Cached:
    if not isinstance(entry, dict):
        raise ValueError("not an object")
    stamp = entry.get("stamp")
    if not isinstance(stamp, list) or len(stamp) != 3 or not all(isinstance(s, str) for s in stamp):
        raise ValueError("no stamp")
    failure = entry.get("failure")
    if isinstance(failure, str) and "extraction" not in entry:
        return Cached((stamp[0], stamp[1], stamp[2]), None, failure)
    return Cached((stamp[0], stamp[1], stamp[2]), decode(entry.get("extraction")))


def _plain(cached: Cached) -> dict[str, Any]:
    if cached.document is None:
        return {"stamp": list(cached.stamp), "failure": cached.failure or "could not be read"}
    return {"stamp": list(cached.stamp), "extraction": encode(cached.document)}
