"""What the fake incident.io holds: incidents and their follow-ups, as the API shows them.

Incidents and follow-ups are stored whole, in the API's own JSON shape (the fixtures'), so
the fake answers exactly what it was given; the helpers edit them as people do in the app.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping
from typing import Any

NOW = "2026-11-20T09:00:00Z"


class IncidentIoState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.incidents: dict[str, dict[str, Any]] = {}
        self.follow_ups: dict[str, dict[str, Any]] = {}  # by id, in creation order
        self.hidden: set[str] = set()  # incidents the key may not see: 403 (private incidents)
        self.raw_follow_ups: list[Any] = []  # listed as they are, garbage included

    def load(self, fixtures: Iterable[Mapping[str, Any]]) -> None:
        """Each fixture: ``{"incident": IncidentV2, "follow_ups": [FollowUpV2, ...]}``."""
        with self.lock:
            for fixture in fixtures:
                incident = copy.deepcopy(dict(fixture["incident"]))
                self.incidents[incident["id"]] = incident
                for follow_up in fixture["follow_ups"]:
                    self.follow_ups[follow_up["id"]] = copy.deepcopy(dict(follow_up))

    def listed(self, incident_mode: str | None) -> list[Any]:
        """The follow-ups as ``GET /v2/follow_ups`` lists them (deleted ones included, with
        their status, as incident.io does)."""
        modes = {incident_mode} if incident_mode else {"standard", "retrospective"}
        with self.lock:
            found = [
                copy.deepcopy(f)
                for f in self.follow_ups.values()
                if self.incidents.get(f["incident_id"], {}).get("mode", "standard") in modes
            ]
            return found + copy.deepcopy(self.raw_follow_ups)

    def edit_follow_up(self, follow_up_id: str, **fields: Any) -> None:
        with self.lock:
            self.follow_ups[follow_up_id].update(fields, updated_at=NOW)

    def add_follow_up(self, follow_up: Mapping[str, Any]) -> None:
        with self.lock:
            self.follow_ups[follow_up["id"]] = copy.deepcopy(dict(follow_up))

    def edit_incident(self, incident_id: str, **fields: Any) -> None:
        with self.lock:
            self.incidents[incident_id].update(fields, updated_at=NOW)

    def delete_incident(self, incident_id: str) -> None:
        """Gone from incident.io (its follow-ups still listed, as after a hard delete)."""
        with self.lock:
            del self.incidents[incident_id]
