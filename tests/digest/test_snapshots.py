"""Golden snapshots of every rendering of the realistic team, compared exactly.

The files under ``snapshots/`` were written from these renderings and read by a person. A
change in wording, order, escaping or layout fails here; when it is intended, rewrite them with
``SYNCD_UPDATE_SNAPSHOTS=1 python -m pytest tests/digest/test_snapshots.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from connectors.discord import render_discord
from connectors.mattermost import render_mattermost
from connectors.msteams import render_teams
from connectors.slack import render_slack
from syncd.digest import (
    Digest,
    digest_as_json,
    render_text,
)
from tests.digest.digest_support import team_digest

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _json(render: Callable[[Digest], Any]) -> Callable[[Digest], str]:
    return lambda digest: json.dumps(render(digest), indent=2, ensure_ascii=False) + "\n"


RENDERINGS: dict[str, Callable[[Digest], str]] = {
    "slack.json": _json(render_slack),
    "teams.json": _json(render_teams),
    "mattermost.json": _json(render_mattermost),
    "discord.json": _json(render_discord),
    "webhook.json": _json(digest_as_json),
    "digest.txt": render_text,
}


@pytest.mark.parametrize("name", sorted(RENDERINGS))
def test_rendering_matches_its_snapshot(name: str) -> None:
    rendered = RENDERINGS[name](team_digest())
    path = SNAPSHOTS / name
    if os.environ.get("SYNCD_UPDATE_SNAPSHOTS") == "1":
        path.write_text(rendered, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert rendered == expected, f"{name} differs from its snapshot"


def test_every_snapshot_is_checked() -> None:
    assert {p.name for p in SNAPSHOTS.iterdir()} == set(RENDERINGS)
