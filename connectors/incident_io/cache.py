"""The incidents already fetched, kept between cycles in memory and in one file.

A cycle with nothing changed then costs the follow-ups listing alone. Each entry is refreshed
after its time to live, spread by the incident's id over a second such period, so a space
fetched at once is not fetched again all in one cycle. The file is written whole and renamed
into place (never half-written); one that cannot be read means a full read, never an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from connectors.incident_io.mapping import Incident

_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Cached:
    incident: Incident
    fetched: dt.datetime


class IncidentCache:
    def __init__(self, path: Path, ttl: dt.timedelta) -> None:
        self._path = path
        self._ttl = ttl
        self._entries: dict[str, Cached] | None = None
        self._dirty = False

    def fresh(self, incident_id: str, now: dt.datetime) -> Incident | None:
        """The cached incident, unless it is missing or due for a refresh."""
        entry = self._loaded().get(incident_id)
        if entry is None or now >= entry.fetched + self._ttl * (1 + _spread(incident_id)):
            return None
        if entry.fetched > now:  # fetched "in the future": by a clock since put right
            return None
        return entry.incident

    def stale(self, incident_id: str) -> Incident | None:
        """The cached incident however old: what a failed refresh falls back on."""
        entry = self._loaded().get(incident_id)
        return entry.incident if entry is not None else None

    def put(self, incident: Incident, now: dt.datetime) -> None:
        self._loaded()[incident.id] = Cached(incident, now)
        self._dirty = True

    def keep_only(self, incident_ids: set[str]) -> None:
        """Forget incidents that no longer have follow-ups, so the file does not grow forever."""
        entries = self._loaded()
        gone = [key for key in entries if key not in incident_ids]
        for key in gone:
            del entries[key]
        self._dirty = self._dirty or bool(gone)

    def save(self) -> None:
        """Write the file if anything changed; a failure to write only costs the next read."""
        if not self._dirty or self._entries is None:
            return
        payload = {
            "format": _FORMAT,
            "incidents": [
                {"fetched": entry.fetched.isoformat(), **entry.incident.as_json()}
                for entry in self._entries.values()
            ],
        }
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=".incidents-")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(payload, out)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, self._path)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
        except OSError:
            return
        self._dirty = False

    def _loaded(self) -> dict[str, Cached]:
        if self._entries is None:
            self._entries = _read(self._path)
        return self._entries


def _read(path: Path) -> dict[str, Cached]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("format") != _FORMAT:
            return {}
        entries = {}
        for raw in payload["incidents"]:
            fetched = dt.datetime.fromisoformat(raw["fetched"])
            if fetched.tzinfo is None:
                return {}
            incident = Incident.from_json(raw)
            entries[incident.id] = Cached(incident, fetched)
        return entries
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # missing or corrupt: every incident is fetched again


def _spread(incident_id: str) -> float:
    """A stable share in [0, 1) of an id: its entry lives for TTL times one plus this."""
    digest = hashlib.sha256(incident_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32
