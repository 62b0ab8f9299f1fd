"""A tracker (or a proxy in front of it) answering a success status with garbage: an HTML sign-in
page, broken JSON, JSON without the expected fields, ``{}``. For Jira Cloud, Jira Data Center
and GitHub, through ``syncd sync`` and ``syncd check --online`` in one process.

Whatever the garbage, on create, on the marker search that resolves it, or on an update:
exactly one issue per item in the end, a clear error naming the tracker, the status and the
content type, no credential in any output, and no traceback.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from connectors.github import GitHubTracker
from connectors.jira import JiraTracker
from syncd.cli.app import app
from tests.e2e.cli_trackers import CLI_TRACKERS, cli_tracker
from tests.e2e.cli_trackers import Tracker as CliTracker
from tests.fakes.faults import GARBAGE_KINDS, Fault
from tests.fakes.github.server import FakeGitHub

DOCUMENT = """\
---
title: Checkout outage
date: 2026-09-14
---
# Checkout outage

## Action items

- [ ] Alert on checkout 5xx rate above 2% @alice due {due}
- [ ] Rotate the pool credentials @alice due 2026-12-02
- [ ] Add a runbook for the payment gateway failover @alice due 2026-12-03
"""
ITEMS = 3
CONTENT_TYPES = {
    "html": "text/html",
    "broken_json": "application/json",
    "json_without_keys": "application/json",
    "empty_json": "application/json",
}


class Tracker(CliTracker):
    """A tracker, and where its garbage goes."""

    # --- where the garbage goes -----------------------------------------------------------------

    @property
    def create(self) -> tuple[str, str]:
        if self.github:
            return "POST", "/repos/acme/payments/issues"
        return "POST", "/rest/api/*/issue/bulk"

    @property
    def marker_search(self) -> tuple[str, str]:
        if self.github:
            return "GET", "/repos/acme/payments/issues"
        return "*", "/rest/api/*/search*"

    @property
    def update(self) -> tuple[str, str]:
        if self.github:
            return "PATCH", "/repos/acme/payments/issues/*"
        return "PUT", "/rest/api/*/issue/*"

    @property
    def check(self) -> tuple[str, str]:
        return ("GET", "/meta") if self.github else ("GET", "/rest/api/*/myself")

    def garbage(self, where: tuple[str, str], kind: str, *, n: int = 1, **options: Any) -> None:
        method, pattern = where
        self.fake.faults.nth(method, pattern, n, Fault(kind, **options))


@pytest.fixture(params=CLI_TRACKERS)
def tracker(request: pytest.FixtureRequest) -> Iterator[Tracker]:
    # The team file names GitHub's root URL: its fake serves the API there too.
    with cli_tracker(request.param, Tracker, api_prefix=False) as made:
        yield made


def team_file(root: Path, name: str, tracker: Tracker, block: str, due: str) -> None:
    docs = root / f"docs-{name}"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "2026-09-14-checkout.md").write_text(DOCUMENT.format(due=due), encoding="utf-8")
    teams = root / "config" / "teams"
    teams.mkdir(parents=True, exist_ok=True)
    (teams / f"{name}.yaml").write_text(
        f"team: {name}\ntimezone: Europe/Berlin\n"
        f"sources:\n  - {{name: pm, type: markdown, path: {docs}}}\n"
        "tracker:\n" + textwrap.indent(block, "  ") + "\n"
        "people:\n" + textwrap.indent(tracker.people, "  ") + "\n",
        encoding="utf-8",
    )


def write_config(root: Path, tracker: Tracker, *, due: str = "2026-12-01") -> str:
    team_file(root, "payments", tracker, tracker.block(), due)
    return str(root / "config")


def run(root: Path, tracker: Tracker, *args: str) -> Any:
    env = {"SYNCD_STATE_DIR": str(root / "state"), "TRACKER_TOKEN": tracker.token}
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    for secret in tracker.secrets:
        assert secret not in output, f"a credential in the output: {output}"
    return result


def sync_json(root: Path, tracker: Tracker, config: str) -> tuple[int, dict[str, Any]]:
    result = run(root, tracker, "sync", "--config", config, "--json")
    return result.exit_code, json.loads(result.stdout)["teams"]["payments"]


def words(text: str) -> str:
    return " ".join(text.split())


def assert_exactly_once(tracker: Tracker) -> None:
    markers = tracker.markers()
    assert len(markers) == ITEMS, markers
    assert set(markers.values()) == {1}, f"a duplicate: {markers}"
    assert tracker.issues() == ITEMS


def assert_named(error: str, tracker: Tracker, kind: str) -> None:
    """The error names the tracker, the status and content type, and what came."""
    assert f"{tracker.name} at {tracker.fake.root_url} answered " in error, error
    assert re.search(rf"with HTTP 20[01] \({CONTENT_TYPES[kind]}\), but with ", error), error
    if kind == "html":
        assert "an HTML page" in error and "login proxy or SSO" in error
        assert "the answer begins '<!DOCTYPE html> <html><head><title>Sign in" in error
    elif kind == "broken_json":
        assert "an answer that is not valid JSON" in error
    else:
        assert "JSON without what syncd reads" in error


@pytest.mark.parametrize("kind", GARBAGE_KINDS)
def test_garbage_on_create_then_on_the_marker_search_never_duplicates(
    tmp_path: Path, tracker: Tracker, kind: str
) -> None:
    config = write_config(tmp_path, tracker)
    tracker.garbage(tracker.create, kind)  # applied: the issue exists, the answer is garbage

    code, first = sync_json(tmp_path, tracker, config)

    # Reported as a dropped answer is: the cycle went through, the outcome is for the next.
    assert code == 0
    assert first["created"] == 0
    unknown = [e["error"] for e in first["errors"] if "outcome unknown" in e["error"]]
    assert unknown, first["errors"]
    assert_named(unknown[0], tracker, kind)
    assert "resolved by marker search on the next cycle" in unknown[0]
    created_then = tracker.issues()
    assert 1 <= created_then <= ITEMS

    tracker.garbage(tracker.marker_search, kind)  # the look that resolves it: garbage too
    code, second = sync_json(tmp_path, tracker, config)

    assert code == 1
    assert second["created"] == 0
    assert tracker.issues() == created_then  # nothing sent blindly
    [stopped] = [e["error"] for e in second["errors"]]
    assert_named(stopped, tracker, kind)

    code, third = sync_json(tmp_path, tracker, config)

    assert code == 0, third["errors"]
    assert third["created"] == ITEMS - created_then
    assert_exactly_once(tracker)


def test_a_proxy_page_instead_of_the_create_creates_each_issue_once(
    tmp_path: Path, tracker: Tracker
) -> None:
    config = write_config(tmp_path, tracker)
    tracker.garbage(tracker.create, "html", applied=False)  # the tracker never saw it

    code, first = sync_json(tmp_path, tracker, config)
    assert code == 0 and first["created"] == 0
    assert "outcome unknown" in first["errors"][0]["error"]
    code, second = sync_json(tmp_path, tracker, config)

    assert code == 0, second["errors"]
    assert second["created"] == ITEMS
    assert_exactly_once(tracker)


@pytest.mark.parametrize("kind", GARBAGE_KINDS)
def test_garbage_on_an_update_fails_that_item_and_the_next_cycle_writes_it(
    tmp_path: Path, tracker: Tracker, kind: str
) -> None:
    config = write_config(tmp_path, tracker)
    code, _ = sync_json(tmp_path, tracker, config)
    assert code == 0
    write_config(tmp_path, tracker, due="2026-12-15")  # the document moves one due date
    tracker.garbage(tracker.update, kind)

    code, first = sync_json(tmp_path, tracker, config)

    assert code == 0  # one item's write failed, reported with the item; the team went on
    [error] = [e["error"] for e in first["errors"]]
    assert error.startswith("writing to ")
    assert_named(error, tracker, kind)

    code, second = sync_json(tmp_path, tracker, config)

    assert code == 0, second["errors"]
    assert_exactly_once(tracker)
    assert _due_dates(tracker).count("2026-12-15") == 1


def _due_dates(tracker: Tracker) -> list[str]:
    if isinstance(tracker.fake, FakeGitHub):
        bodies = [i.body or "" for i in tracker.fake.repo.issues.values()]
        return [d for b in bodies for d in re.findall(r"Due: (\d{4}-\d\d-\d\d)", b)]
    return [str(i.duedate) for i in tracker.fake.state.issues.values()]


@pytest.mark.parametrize("kind", GARBAGE_KINDS)
def test_check_online_fails_the_team_with_garbage_and_checks_the_others(
    tmp_path: Path, tracker: Tracker, kind: str
) -> None:
    # Two teams on the same tracker: the first one's check gets the garbage.
    team_file(tmp_path, "alpha", tracker, tracker.block(), "2026-12-01")
    team_file(tmp_path, "beta", tracker, tracker.block(), "2026-12-01")
    tracker.garbage(tracker.check, kind)

    checked = run(tmp_path, tracker, "check", "--config", str(tmp_path / "config"), "--online")

    assert checked.exit_code == 1
    text = words(checked.stdout)
    system = "github" if tracker.github else "jira"
    failed = re.search(rf"failed (\w+) tracker \({system}\): (.*?) (ok|not checked) ", text)
    assert failed is not None, text
    assert_named(failed.group(2), tracker, kind)
    other = "beta" if failed.group(1) == "alpha" else "alpha"
    assert f"ok {other} tracker ({system}): " in text
    assert text.count(" tracker (") == 2


def test_check_online_survives_a_bug_in_a_connectors_check(
    tmp_path: Path, tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    team_file(tmp_path, "alpha", tracker, tracker.block(), "2026-12-01")
    team_file(tmp_path, "beta", tracker, tracker.block(), "2026-12-01")
    connector = GitHubTracker if tracker.github else JiraTracker
    real_check = connector.check
    calls: list[str] = []

    def check_failing_once(self: Any) -> str:
        calls.append("check")
        if len(calls) == 1:
            raise TypeError("'NoneType' object is not subscriptable")
        return real_check(self)

    monkeypatch.setattr(connector, "check", check_failing_once)
    checked = run(tmp_path, tracker, "check", "--config", str(tmp_path / "config"), "--online")

    assert checked.exit_code == 1
    text = words(checked.stdout)
    assert "tracker" in text and "the check stopped on an unexpected TypeError" in text
    assert len(calls) == 2 and text.count(" tracker (") == 2
    assert re.search(r"ok (alpha|beta) tracker \(", text), text
