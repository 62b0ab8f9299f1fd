"""incident.io follow-ups as postmortem action items, read through incident.io's public API.

Each incident with follow-ups is one document (its postmortem: name, reference, date,
severity); each follow-up is an item keyed by its own id, so a renamed follow-up keeps its
issue. A follow-up incident.io already exported to Jira or GitHub names that issue, which the
core adopts instead of creating a second one.
"""

from __future__ import annotations

from connectors.incident_io.settings import IncidentIoSettings
from connectors.incident_io.source import IncidentIoSource

__all__ = ["IncidentIoSettings", "IncidentIoSource"]
