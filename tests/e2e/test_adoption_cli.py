"""``syncd sync`` when a person deleted an item's issue in the tracker, on Jira Cloud, Jira Data
Center and GitHub: reported in words with what to do, nothing created; ``--recreate-missing``
creates a new issue for it, once."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.cli_trackers import Tracker
from tests.e2e.test_tracker_errors_cli import run, tracker, write_config

__all__ = ["tracker"]  # the fixture, for this module

DOCUMENT = """\
---
title: Checkout outage
date: 2026-09-14
---
# Checkout outage

## Action items

- [ ] Alert on checkout 5xx rate above 2% @alice due {due}
"""


def _document(root: Path, due: str) -> None:
    (root / "docs" / "2026-09-14-checkout.md").write_text(DOCUMENT.format(due=due), "utf-8")


def _sync(root: Path, tracker: Tracker, config: str, *extra: str) -> dict[str, object]:
    result = run(root, tracker, "sync", "--config", config, "--json", *extra)
    assert result.exit_code == 0, result.output
    team: dict[str, object] = json.loads(result.stdout)["teams"]["payments"]
    return team


def test_a_deleted_issue_is_reported_and_recreated_only_when_asked(
    tmp_path: Path, tracker: Tracker
) -> None:
    config = str(write_config(tmp_path, tracker, tracker.block()))
    _document(tmp_path, "2026-12-01")
    assert _sync(tmp_path, tracker, config)["created"] == 1
    tracker.delete_every_issue()
    _document(tmp_path, "2026-12-15")  # a change syncd must write: it finds the issue gone

    reported = _sync(tmp_path, tracker, config)
    assert (reported["created"], reported["updated"]) == (0, 0)
    [error] = reported["errors"]  # type: ignore[misc]
    assert "the issue of the item 'Alert on checkout 5xx rate above 2%" in error["error"]
    assert "is gone from the tracker" in error["error"]
    assert "run `syncd sync --recreate-missing`" in error["error"]
    assert tracker.issues() == 0

    recreated = _sync(tmp_path, tracker, config, "--recreate-missing")
    assert recreated["created"] == 1 and tracker.issues() == 1
    again = _sync(tmp_path, tracker, config, "--recreate-missing")
    assert (again["created"], again["errors"]) == (0, []) and tracker.issues() == 1
