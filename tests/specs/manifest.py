"""The manifest of the trimmed API descriptions: for each one, its file, where the full upstream
description came from, and which paths (and extra component schemas) the trimmed file keeps.

`manifest.toml` is written by hand; `trim.py` reads it to regenerate a trimmed file, and the
tests read it to check that the trimmed files and the fakes agree with it.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPECS_DIR = Path(__file__).resolve().parent
MANIFEST = SPECS_DIR / "manifest.toml"

_BLOB_RE = re.compile(r"^[0-9a-f]{40}$")


class ManifestError(ValueError):
    """The manifest is malformed: the message names the file, line and field."""


@dataclass(frozen=True)
class SpecEntry:
    """One trimmed description, as the manifest describes it."""

    name: str  # the manifest table: "jira", "github", ...
    file: str  # the trimmed file's name, in this folder
    upstream_version: str  # the full file's `info.version`
    blob: str  # `git hash-object` of the full upstream file as trimmed
    trimmed: dt.date  # when the trimmed file was last regenerated
    paths: tuple[str, ...]  # the path templates kept, as the full file writes them
    schemas: tuple[str, ...]  # component schemas kept though no kept path reaches them
    source: dict[str, str]  # provenance facts, copied verbatim into the trimmed file
    # "openapi" (trimmed by trim.py), or "discovery": a Google API discovery document, kept
    # whole and byte-for-byte (its blob is checked), with `paths` the methods' paths syncd uses.
    format: str = "openapi"

    @property
    def path(self) -> Path:
        return SPECS_DIR / self.file


def _line_of(text: str, name: str) -> int:
    """The line of the `[name]` table header (1-based), or 1 when it cannot be found."""
    header = re.compile(rf"^\s*\[\s*{re.escape(name)}\s*\]")
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            return number
    return 1


def _strings(raw: Any, where: str, field: str, *, required: bool) -> tuple[str, ...]:
    if raw is None and not required:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise ManifestError(f"{where}: field '{field}' must be a list of non-empty strings")
    duplicates = sorted({x for x in raw if raw.count(x) > 1})
    if duplicates:
        raise ManifestError(f"{where}: field '{field}' lists {', '.join(duplicates)} twice")
    return tuple(raw)


def _entry(name: str, table: Any, where: str) -> SpecEntry:
    if not isinstance(table, dict):
        raise ManifestError(f"{where}: [{name}] must be a table")
    allowed = (set(SpecEntry.__dataclass_fields__) - {"name"}) | {"note"}
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ManifestError(f"{where}: unknown field '{unknown[0]}' in [{name}]")
    for field in ("file", "upstream_version", "blob"):
        if not isinstance(table.get(field), str) or not table[field]:
            raise ManifestError(f"{where}: field '{field}' must be a non-empty string")
    if "/" in table["file"] or not table["file"].endswith(".json"):
        raise ManifestError(f"{where}: field 'file' must be a .json file name in this folder")
    if not _BLOB_RE.match(table["blob"]):
        raise ManifestError(f"{where}: field 'blob' must be 40 lowercase hex digits")
    trimmed = table.get("trimmed")
    if not isinstance(trimmed, dt.date) or isinstance(trimmed, dt.datetime):
        raise ManifestError(f"{where}: field 'trimmed' must be a date (YYYY-MM-DD, unquoted)")
    paths = _strings(table.get("paths"), where, "paths", required=True)
    bad = [p for p in paths if not p.startswith("/")]
    if bad:
        raise ManifestError(f"{where}: field 'paths': {bad[0]!r} does not start with '/'")
    kind = table.get("format", "openapi")
    if kind not in ("openapi", "discovery"):
        raise ManifestError(f'{where}: field \'format\' must be "openapi" or "discovery"')
    source = table.get("source")
    if not isinstance(source, dict) or not source:
        raise ManifestError(f"{where}: field 'source' must be a table of provenance facts")
    if not all(isinstance(v, str) for v in source.values()):
        raise ManifestError(f"{where}: every value of [{name}.source] must be a string")
    return SpecEntry(
        name=name,
        file=table["file"],
        upstream_version=table["upstream_version"],
        blob=table["blob"],
        trimmed=trimmed,
        paths=paths,
        schemas=_strings(table.get("schemas"), where, "schemas", required=False),
        source=dict(source),
        format=kind,
    )


def parse_manifest(text: str, origin: str) -> dict[str, SpecEntry]:
    """Every entry of a manifest's text; `origin` names the file in error messages."""
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"{origin}: {error}") from None
    entries = {}
    for name, table in tables.items():
        where = f"{origin}, line {_line_of(text, name)}"
        entries[name] = _entry(name, table, where)
    return entries


def load_manifest(path: Path = MANIFEST) -> dict[str, SpecEntry]:
    return parse_manifest(path.read_text(encoding="utf-8"), path.name)


def entry(name: str) -> SpecEntry:
    """One manifest entry by name (`jira`, `github`, `confluence`, `incident_io`)."""
    entries = load_manifest()
    if name not in entries:
        raise KeyError(f"{MANIFEST.name} has no [{name}]; it has {', '.join(sorted(entries))}")
    return entries[name]


def spec_file(name: str) -> Path:
    """The trimmed description a manifest entry names, in this folder."""
    return entry(name).path
