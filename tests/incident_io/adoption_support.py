"""A team file whose source is the fake incident.io and whose tracker is a fake Jira or GitHub."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.e2e.cli_trackers import Tracker
from tests.fakes.incident_io.server import FakeIncidentIo


def write_config(root: Path, tracker: Tracker, incidents: FakeIncidentIo) -> str:
    # Jira finds alice by her e-mail; GitHub needs her login.
    handle = ", github: alice-gh" if tracker.github else ""
    teams = root / "config" / "teams"
    teams.mkdir(parents=True)
    (teams / "payments.yaml").write_text(
        "team: payments\ntimezone: Europe/Berlin\nsources:\n"
        '  - {name: incidents, type: incidentio, api_key: "${INCIDENTIO_API_KEY}", '
        f'api_url: "{incidents.url}"}}\n'
        "tracker:\n" + textwrap.indent(tracker.block(), "  ") + "\n"
        f"people:\n  alice: {{email: alice@example.com{handle}}}\n",
        encoding="utf-8",
    )
    return str(root / "config")
