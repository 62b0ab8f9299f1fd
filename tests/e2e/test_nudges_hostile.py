"""Nudges against a hostile document author and a flaky tracker, through the real syncd process
and the fakes: a postmortem title that tries to mention people, reference other issues or format
the comment; a comment whose answer is lost or rate-limited."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.e2e.test_nudges_cli import DAY0, DAY1, OVERDUE, _comments, _nudged, _ready, _sync
from tests.e2e.workspaces import GitHubWorkspace, JiraWorkspace, Workspace
from tests.fakes.faults import Fault
from tests.fakes.jira.server import FakeJira
from tests.judge.test_nudges_hostile import _unescaped_specials
from tests.support import syncd_process

# YAML double quotes: "\\" is one backslash, "\n" a new line.
HOSTILE_TITLE = (
    r"Outage #1 cc @acme/oncall &#64;admin <!-- [click](https://evil.example) **bold** "
    r"\\[~admin] {code}x{code}\n\n# Injected heading"
)


def _hostile(ws: Workspace) -> Workspace:
    ws = _ready(ws)
    path = ws.root / "docs" / "2026-11-20-checkout.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Checkout outage", f'title: "{HOSTILE_TITLE}"'), "utf-8")
    return ws


def _first_nudge(ws: Workspace) -> str:
    bodies = _comments(ws)[OVERDUE[0]]
    assert len(bodies) == 1, bodies
    return bodies[0]


def test_a_hostile_title_mentions_nobody_and_formats_nothing_on_github(tmp_path: Path) -> None:
    from tests.e2e.workspaces import tracker_workspace

    with tracker_workspace(tmp_path, "github") as github:
        ws = _hostile(github)
        assert isinstance(ws, GitHubWorkspace)
        _sync(ws, DAY0)
        _sync(ws, DAY1)
        body = _first_nudge(ws)
    mention, rest = body.split(" ", 1)
    assert mention.startswith("@")
    assert "Injected heading" in rest.split("\n")[0], "the title broke out of its line"
    assert re.findall(r"@[A-Za-z0-9]", rest) == [], "the title mentions someone"
    assert re.findall(r"#\d", rest) == [], "the title references another issue"
    assert "&#" not in rest, "an HTML entity spells a mention"
    assert re.findall(r"<[!A-Za-z/]", rest) == [], "raw HTML (a comment hides the rest)"
    assert re.findall(r"(?<!\\)\[", rest) == [], "a markdown link"
    assert re.findall(r"(?<!\\)\*\*", rest) == [], "markdown emphasis"


def _jira_nudge(tmp_path: Path, mode: str) -> Any:
    with FakeJira(mode) as jira:
        ws = _hostile(JiraWorkspace(tmp_path, jira, mode))
        _sync(ws, DAY0)
        _sync(ws, DAY1)
        with jira.state.lock:
            [issue] = [i for i in jira.state.issues.values() if i.summary == OVERDUE[0]]
            [comment] = issue.comments
            return comment.body


def test_a_hostile_title_stays_one_line_of_plain_text_on_jira_data_center(
    tmp_path: Path,
) -> None:
    body = _jira_nudge(tmp_path, "datacenter")
    assert isinstance(body, str)
    mention, rest = body.split(" ", 1)
    assert mention.startswith("[~") and mention.endswith("]")
    assert "Injected heading" in rest.split("\n")[0], "the title broke out of its line"
    assert _unescaped_specials(rest) == [], rest


def test_a_hostile_title_stays_in_its_paragraph_on_jira_cloud(tmp_path: Path) -> None:
    body = _jira_nudge(tmp_path, "cloud")
    first = body["content"][0]["content"]
    mentions = [n for n in json.dumps(body).split('"type": "mention"')][1:]
    assert len(mentions) == 1 and first[0]["type"] == "mention"
    text = "".join(n.get("text", "") for n in first)
    assert "Outage #1" in text and "Injected heading" in text, "the title broke out of its line"


@contextmanager
def _synced_on_day0(tmp_path: Path) -> Iterator[tuple[FakeJira, Workspace]]:
    with FakeJira("cloud") as jira:
        ws = _ready(JiraWorkspace(tmp_path, jira))
        _sync(ws, DAY0)
        yield jira, ws


def test_a_lost_answer_is_never_posted_twice_and_a_429_is_posted_once(tmp_path: Path) -> None:
    with _synced_on_day0(tmp_path) as (jira, ws):
        jira.faults.on("POST", "/rest/api/*/issue/*/comment", Fault("drop_after"), times=1)
        jira.faults.on("POST", "/rest/api/*/issue/*/comment", Fault("429", retry_after=1), times=1)
        lost = _sync(ws, DAY1)
        assert sorted(n["outcome"] for n in lost["nudges"]) in (
            ["sent", "unknown"],
            ["sent", "sent"],  # the client retried the dropped post safely
        )
        for later in ("2026-12-04T10:00:00Z", "2026-12-07T09:00:00Z"):
            assert _sync(ws, later)["nudges"] == []
        assert _nudged(ws) == {title: 1 for title in OVERDUE}, "a nudge doubled or lost"


def test_a_proxy_answering_html_after_the_comment_never_doubles_it(tmp_path: Path) -> None:
    # A sign-in proxy answers its own page after Jira took the comment: it may have been posted,
    # so it counts for the period and is never posted a second time.
    with _synced_on_day0(tmp_path) as (jira, ws):
        jira.faults.on("POST", "/rest/api/*/issue/*/comment", Fault("html"), times=1)
        first = _sync(ws, DAY1)
        assert sorted(n["outcome"] for n in first["nudges"]) == ["refused", "sent"]
        for later in ("2026-12-04T10:00:00Z", "2026-12-07T09:00:00Z"):
            assert _sync(ws, later)["nudges"] == []
        assert _nudged(ws) == {title: 1 for title in OVERDUE}, "a nudge doubled or lost"


def test_no_overdue_nudge_on_an_issue_whose_due_date_a_person_moved_in_the_tracker(
    tmp_path: Path,
) -> None:
    # The assignee already did what the nudge asks ("a new due date keeps everyone in step"):
    # syncd keeps their date, and must not tell them the document's old one has passed.
    with _synced_on_day0(tmp_path) as (jira, ws):
        with jira.state.lock:
            [key] = [k for k, i in jira.state.issues.items() if i.summary == OVERDUE[0]]
        jira.state.edit(key, duedate="2027-01-29")
        _sync(ws, "2026-12-03T18:00:00Z")  # the edit is read the same day
        nudged = _sync(ws, DAY1)
        assert [n["reason"] for n in nudged["nudges"]] == ["overdue"], "the other issue"
        assert key not in [n["issue"] for n in nudged["nudges"]], nudged["nudges"]
        assert _nudged(ws) == {OVERDUE[1]: 1}

        # The digest, `status --overdue` and the export judge it on the tracker's date too.
        def run(*args: str) -> str:
            done = syncd_process.run(
                [*args, "--config", str(ws.config)],
                env={**ws.env(), "SYNCD_TEST_NOW": DAY1},
                capture_output=True,
                timeout=300,
                check=False,
            )
            return done.stdout.decode()

        digest = json.loads(run("digest", "--dry-run", "--format", "json"))
        late = [e["title"] for group in digest["overdue"] for e in group["items"]]
        assert late == [OVERDUE[1]], late
        overdue = json.loads(run("status", "--json", "--overdue"))["teams"]["payments"]["items"]
        assert [i["title"] for i in overdue] == [OVERDUE[1]]
        exported = json.loads(run("export", "--format", "json"))["teams"]["payments"]["items"]
        assert {i["title"]: i["due"] for i in exported}[OVERDUE[0]] == "2027-01-29"


def test_a_comment_on_an_issue_that_is_gone_is_not_posted_again_every_cycle(
    tmp_path: Path,
) -> None:
    with _synced_on_day0(tmp_path) as (jira, ws):
        with jira.state.lock:
            [key] = [k for k, i in jira.state.issues.items() if i.summary == OVERDUE[0]]
            del jira.state.issues[key]
        first = _sync(ws, DAY1)
        assert [n["outcome"] for n in first["nudges"] if n["issue"] == key] == ["refused"]
        again = _sync(ws, "2026-12-04T09:10:00Z")  # the next cycle
        assert [n for n in again["nudges"] if n["issue"] == key] == []


def test_a_lost_store_does_not_nudge_again_within_the_period(tmp_path: Path) -> None:
    with _synced_on_day0(tmp_path) as (_, ws):
        _sync(ws, DAY1)
        assert _nudged(ws) == {title: 1 for title in OVERDUE}
        shutil.rmtree(ws.state)  # the store is lost; syncd rebuilds it from the tracker
        _sync(ws, "2026-12-04T15:00:00Z")
        _sync(ws, "2026-12-07T09:00:00Z")  # Monday: three days after the last nudge
        assert _nudged(ws) == {title: 1 for title in OVERDUE}
