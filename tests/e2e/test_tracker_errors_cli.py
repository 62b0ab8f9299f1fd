"""What ``syncd sync`` (text and ``--json``) and ``syncd check --online`` say when the tracker
is wrong: for Jira Cloud, Jira Data Center and GitHub, against the fakes, in one process.

A wrong project or repository names it and the likely cause; a reference to an issue that does
not exist names the item and the reference, and the rest of the team is mirrored; only a server
nobody answers for "could not be reached".
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from syncd.cli.app import app
from tests.e2e.cli_trackers import CLI_TRACKERS, Tracker, cli_tracker
from tests.fakes.jira.server import FakeJira
from tests.http.loopback import Reply, serve, unused_port

DOCUMENT = """\
---
title: Checkout outage
date: 2026-09-14
---
# Checkout outage

## Action items

- [ ] Alert on checkout 5xx rate above 2% @alice due 2026-12-01
- [ ] Rotate the pool credentials @alice due 2026-12-02 {reference}
"""
MISSING_LINE = 10  # the line of the item with the reference


@pytest.fixture(params=CLI_TRACKERS)
def tracker(request: pytest.FixtureRequest) -> Iterator[Tracker]:
    with cli_tracker(request.param, Tracker) as made:
        yield made


def write_config(root: Path, tracker: Tracker, block: str) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "2026-09-14-checkout.md").write_text(
        DOCUMENT.format(reference=tracker.missing), encoding="utf-8"
    )
    config = root / "config"
    (config / "teams").mkdir(parents=True, exist_ok=True)
    (config / "teams" / "payments.yaml").write_text(
        "team: payments\ntimezone: Europe/Berlin\n"
        f"sources:\n  - {{name: pm, type: markdown, path: {docs}}}\n"
        "tracker:\n" + textwrap.indent(block, "  ") + "\n"
        "people:\n" + textwrap.indent(tracker.people, "  ") + "\n",
        encoding="utf-8",
    )
    return config


def run(root: Path, tracker: Tracker, *args: str) -> Any:
    env = {"SYNCD_STATE_DIR": str(root / "state"), "TRACKER_TOKEN": tracker.token}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def words(text: str) -> str:
    """Output as one line: a terminal table or a long message may wrap anywhere."""
    return " ".join(text.split())


def test_a_missing_referenced_issue_names_the_item_and_the_rest_is_mirrored(
    tmp_path: Path, tracker: Tracker
) -> None:
    config = str(write_config(tmp_path, tracker, tracker.block()))
    ref = tracker.missing
    no_issue = (
        "acme/payments has no issue #45, or the token cannot see it"
        if tracker.kind == "github"
        else "Jira has no issue PAY-999, or syncd's account cannot see it"
    )
    # A bare "#45" ending a title is the reference alone, cut out of the title; a Jira key may be
    # the action's object ("Backport PAY-12") and stays.
    title = "Rotate the pool credentials" + ("" if ref.startswith("#") else f" {ref}")
    expected = (
        f"the item '{title}' (2026-09-14-checkout.md line "
        f"{MISSING_LINE}) "
        f"names {ref}, but {no_issue}: correct the reference in the document, or remove it to "
        "have syncd create an issue"
    )

    result = run(tmp_path, tracker, "sync", "--config", config, "--json")

    assert result.exit_code == 0, result.output
    team = json.loads(result.stdout)["teams"]["payments"]
    assert team["created"] == 1 and team["adopted"] == 0
    [problem] = team["errors"]
    assert problem["error"] == expected
    assert (problem["key"], problem["details"]["reference"]) == (ref, ref)
    assert problem["details"]["line"] == MISSING_LINE
    assert problem["details"]["status"] == 404

    again = run(tmp_path, tracker, "sync", "--config", config)  # reported every cycle, as text

    assert again.exit_code == 0, again.output
    assert f"{ref} {expected}" in words(again.stdout)
    assert "created 0" in again.stdout  # the rest was mirrored once, on the first cycle
    assert "could not be reached" not in again.output


def test_a_wrong_project_or_repository_is_named_by_sync_and_check(
    tmp_path: Path, tracker: Tracker
) -> None:
    config = str(write_config(tmp_path, tracker, tracker.block(project="NOPE")))
    if tracker.kind == "github":
        expected = (
            f"GitHub has no repository acme/paymnts at {tracker.url}, or the token cannot see it "
            "(GitHub answers 404 for a private repository the token may not read): check "
            "tracker.repo, and the token's access to the repository"
        )
    else:
        expected = (
            f"Jira has no project NOPE at {tracker.url}, or syncd's account cannot see it (Jira "
            "answers so for a project the account may not browse): check tracker.project, and "
            "that the account has the Browse Projects permission in it"
        )

    synced = run(tmp_path, tracker, "sync", "--config", config, "--json")
    text = run(tmp_path, tracker, "sync", "--config", config)
    checked = run(tmp_path, tracker, "check", "--config", config, "--online")

    assert synced.exit_code == text.exit_code == checked.exit_code == 1
    [error] = json.loads(synced.stdout)["teams"]["payments"]["errors"]
    assert error["error"].startswith(expected + " (GET ")
    assert error["error"].endswith(" answered HTTP 404)")
    assert f"tracker: {expected}" in words(text.stdout)
    kind = "github" if tracker.kind == "github" else "jira"
    assert f"failed payments tracker ({kind}): {expected}" in words(checked.stdout)
    assert "could not be reached" not in synced.output + text.output + checked.output


def test_only_a_tracker_nobody_answers_for_could_not_be_reached(
    tmp_path: Path, tracker: Tracker
) -> None:
    port = unused_port()
    config = str(write_config(tmp_path, tracker, tracker.block(url=f"http://127.0.0.1:{port}")))
    expected = (
        f"the tracker could not be reached: 127.0.0.1:{port} refused the connection (is "
        "anything listening there?)"
    )

    synced = run(tmp_path, tracker, "sync", "--config", config, "--json")
    checked = run(tmp_path, tracker, "check", "--config", config, "--online")

    assert synced.exit_code == checked.exit_code == 1
    [error] = json.loads(synced.stdout)["teams"]["payments"]["errors"]
    assert error["error"].startswith(expected + f" (POST http://127.0.0.1:{port}/") or (
        error["error"].startswith(expected + f" (GET http://127.0.0.1:{port}/")
    )
    assert error["error"].endswith(", 4 attempts)")
    kind = "github" if tracker.kind == "github" else "jira"
    assert f"failed payments tracker ({kind}): {expected}" in words(checked.stdout)


def test_check_online_says_a_url_is_not_the_tracker(tmp_path: Path, tracker: Tracker) -> None:
    page = Reply(404, {"Content-Type": "text/html"}, b"<html><h1>Not Found</h1></html>")
    # GitHub pointed at the fake Jira (a JSON API, but not GitHub's); Jira at a web server.
    with FakeJira() if tracker.kind == "github" else _web(page) as other:
        config = str(write_config(tmp_path, tracker, tracker.block(url=other.root_url)))
        checked = run(tmp_path, tracker, "check", "--config", config, "--online")

    assert checked.exit_code == 1
    if tracker.kind == "github":
        expected = (
            f"failed payments tracker (github): {other.root_url} answered, but it is not a "
            "GitHub API: its answer has no X-GitHub-Media-Type header, and is not GitHub's meta "
            "document (application/json); GitHub Enterprise Server serves its API under /api/v3"
        )
    else:
        version = "3" if tracker.kind == "jira-cloud" else "2"
        expected = (
            f"failed payments tracker (jira): {other.root_url} answered HTTP 404 to GET "
            f"/rest/api/{version}/myself, and not as Jira does: check that tracker.url is the "
            "Jira site's base URL"
        )
    assert expected in words(checked.stdout)


@contextmanager
def _web(page: Reply) -> Iterator[Any]:
    """A plain web server: every path answers ``page``."""
    with serve(otherwise=page) as web:
        yield SimpleNamespace(root_url=web.url)


def test_a_title_that_looks_like_markup_is_printed_as_written(tmp_path: Path) -> None:
    with FakeJira("cloud") as jira:
        jira.state.add_user("alice@example.com", "Alice Smith")
        tracker = Tracker("jira-cloud", jira, jira.url)
        config = str(write_config(tmp_path, tracker, tracker.block()))
        document = next((tmp_path / "docs").glob("*.md"))
        text = document.read_text(encoding="utf-8")
        document.write_text(text.replace("Rotate the pool", "Rotate [bold]the [red]pool"), "utf-8")

        as_json = run(tmp_path, tracker, "sync", "--config", config, "--json")
        as_text = run(tmp_path, tracker, "sync", "--config", config)

    [problem] = json.loads(as_json.stdout)["teams"]["payments"]["errors"]
    title = problem["details"]["title"]
    assert "[bold]the [red]pool" in title
    assert as_text.exit_code == 0, as_text.output
    assert f"PAY-999 the item {title!r} (2026-09-14-checkout.md" in words(as_text.stdout)
