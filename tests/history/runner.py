"""The randomized history, for real (issue 10, point 8): a ``History``'s steps applied with
real ``syncd`` processes to a team on the fake Jira or the fake GitHub, on SQLite or
PostgreSQL, each step followed by a final clean ``syncd sync`` and the invariants:

- every current item has exactly one issue (by its marker), the one it had before the step;
- no issue carries two markers; no item was mirrored twice (as many issues as items ever added);
- no issue was deleted;
- no person's edit of title, body, assignee or due date was overwritten;
- every item removed in the step was reported (in a ``sync --json`` or as orphaned in status).

The team, its processes and the fakes are the writers proofs' (``tests.e2e.writers_support``);
the documents are the model's (``tests.history.model``), written out before each sync.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from connectors.github.issues import markers_in, parse_body, with_body_changes
from syncd.cli.app import app
from syncd.store import StateStore
from tests.e2e.workspaces import LOGINS, GitHubWorkspace, JiraWorkspace
from tests.e2e.writers_support import TRACKER_TIMEOUT_SECONDS, Proc, TeamUnderTest, wait_for
from tests.fakes.faults import Fault
from tests.history.model import History, PersonEdit, Step

TEAM = "payments"
TOKEN = re.compile(r"\bh\d{3}\b")
# PostgreSQL: a short lease and tracker timeout, so that a killed or frozen writer's team and
# intents are taken over within seconds (the settling age is lease + read + connect timeout).
LEASE_SECONDS = 2
PG_TRACKER_TIMEOUT_SECONDS = 3
CONNECT_TIMEOUT_SECONDS = 5
SETTLE_AFTER = timedelta(
    seconds=LEASE_SECONDS + PG_TRACKER_TIMEOUT_SECONDS + CONNECT_TIMEOUT_SECONDS + 1
)
GARBAGE_REQUESTS = {
    "jira": {
        "create": ("POST", "/rest/api/*/issue/bulk"),
        "update": ("PUT", "/rest/api/*/issue/*"),
        "read": ("POST", "/rest/api/*/search/jql"),
    },
    "github": {
        "create": ("POST", "/repos/*/issues"),
        "update": ("PATCH", "/repos/*/issues/*"),
        "read": ("GET", "/repos/*/issues"),
    },
}


class HistoryFailure(AssertionError):
    """An invariant did not hold after a step; the message names the seed and the step."""


@dataclass
class HistoryRun:
    """One history on one team: the model, the team under test, and what was counted."""

    team: TeamUnderTest
    history: History
    kinds: Counter[str] = field(default_factory=Counter)  # steps run, by kind
    checks: Counter[str] = field(default_factory=Counter)  # invariant checks passed, by name
    events: Counter[str] = field(default_factory=Counter)  # what the disturbances met
    ids: dict[str, str] = field(default_factory=dict)  # token -> item id
    keys: dict[str, str] = field(default_factory=dict)  # token -> issue key
    seen_keys: set[str] = field(default_factory=set)
    _source: str = "pm"
    _reports: list[dict[str, Any]] = field(default_factory=list)  # this step's sync reports

    # --- set-up --------------------------------------------------------------------------

    @property
    def postgres(self) -> bool:
        return self.team.database_url is not None

    def env(self) -> dict[str, str]:
        return self.team.env(**self._postgres_env())

    def _postgres_env(self) -> dict[str, str]:
        if not self.postgres:
            return {}
        return {"SYNCD_LEASE_SECONDS": str(LEASE_SECONDS), "SYNCD_TEAM_LOCK_WAIT": "15"}

    def begin(self) -> None:
        """The model's documents in place of the workspace's, the first sync, the checks."""
        team_file = self.team.workspace.config / "teams" / f"{TEAM}.yaml"
        if self.postgres:
            text = team_file.read_text(encoding="utf-8")
            team_file.write_text(
                text.replace(
                    f"timeout_seconds: {TRACKER_TIMEOUT_SECONDS}\n",
                    f"timeout_seconds: {PG_TRACKER_TIMEOUT_SECONDS}\n",
                ),
                encoding="utf-8",
            )
        self._write_documents()
        self._reports = []
        self._final_sync(Step(0, "start", None, tuple(sorted(self.history.current))))

    # --- one step ------------------------------------------------------------------------

    def step(self, kind: str | None = None) -> Step:
        step = self.history.step(kind)
        self._reports = []
        try:
            self._apply(step)
            self._final_sync(step)
        except AssertionError as exc:
            raise HistoryFailure(
                f"seed {self.history.seed}, {self.team.tracker}, "
                f"{'postgresql' if self.postgres else 'sqlite'}, {step.describe()}: {exc}"
            ) from exc
        self.kinds[step.kind] += 1
        return step

    def _apply(self, step: Step) -> None:
        if step.kind == "lose_store":
            if step.lose_store_first:
                self._lose_store()
                self._write_documents()
            else:
                self._write_documents()
                self._sync("before-loss")
                self._lose_store()
            return
        self._write_documents()
        if step.kind == "person_edit":
            assert step.person_edit is not None
            self._person_edit(step.person_edit)
        elif step.kind == "sigkill":
            assert step.kill_point is not None
            self._sigkill(step.kill_point)
        elif step.kind == "freeze_resume":
            self._freeze_and_resume()
        elif step.kind == "two_syncs":
            self._two_syncs()
        elif step.kind == "beside_run":
            self._beside_run()
        elif step.kind == "garbage_answer":
            assert step.garbage is not None
            self._garbage_answer(*step.garbage)

    def _final_sync(self, step: Step) -> None:
        if self.postgres:
            self._let_intents_settle()
        self._sync("final")
        self.check(step)

    # --- the documents -------------------------------------------------------------------

    def _write_documents(self) -> None:
        docs = self.team.docs
        files = self.history.files()
        for path in list(docs.rglob("*.md")):
            if path.relative_to(docs).as_posix() not in files:
                path.unlink()
        for relative, text in files.items():
            path = docs / relative
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        for folder in sorted(docs.rglob("*"), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        if self.history.source != self._source:
            team_file = self.team.workspace.config / "teams" / f"{TEAM}.yaml"
            text = team_file.read_text(encoding="utf-8")
            old, new = f"- name: {self._source}\n", f"- name: {self.history.source}\n"
            assert text.count(old) == 1, "the source's name line moved in the team file"
            team_file.write_text(text.replace(old, new), encoding="utf-8")
            self._source = self.history.source

    # --- processes -----------------------------------------------------------------------

    def _start(self, name: str, *args: str, command: str = "sync", **env: str) -> Proc:
        return self.team.start(command, name, *args, **{**self._postgres_env(), **env})

    def _finished(self, proc: Proc) -> int:
        """The exit status of a finished sync; its report kept for the step's checks."""
        code = proc.finish(timeout=300)
        said = proc.stdout() + proc.stderr()
        assert "Traceback" not in said, f"{proc.name} printed a traceback:\n{said[-3000:]}"
        assert code in (0, 1), f"{proc.name} exited {code}:\n{said[-3000:]}"
        if proc.stdout().strip():
            self._reports.append(json.loads(proc.stdout())["teams"][TEAM])
        return code

    def _sync(self, name: str, **env: str) -> int:
        return self._finished(self._start(name, "--json", **env))

    def _frozen_or_finished(self, proc: Proc) -> bool:
        """Wait until ``proc`` froze itself (True) or finished without reaching the point."""
        wait_for(
            f"{proc.name} to freeze or finish",
            lambda: proc.stopped() or proc.process.poll() is not None,
            timeout=120,
        )
        return proc.process.poll() is None

    def _sigkill(self, point: str) -> None:
        proc = self._start("killed", "--json", SYNCD_TEST_FREEZE_AT=point)
        if self._frozen_or_finished(proc):
            proc.process.kill()  # SIGKILL, mid-sync: nothing of it runs again
            proc.process.wait(timeout=30)
            self.events["killed mid-sync"] += 1
        else:
            self._finished(proc)
            self.events["finished before the kill point"] += 1

    def _freeze_and_resume(self) -> None:
        frozen = self._start("frozen", "--json", SYNCD_TEST_FREEZE_AT="tracker_write:1")
        if not self._frozen_or_finished(frozen):
            self._finished(frozen)
            self.events["finished before freezing"] += 1
            return
        other = self._start("while-frozen", "--json", SYNCD_TEAM_LOCK_WAIT="0")
        if self._finished(other) == 1 and "is being written by" in other.stderr():
            assert f"(pid {frozen.pid} " in " ".join(other.stderr().split())
            self.events["refused beside a frozen writer"] += 1
        else:
            self.events["took the team from a frozen writer"] += 1
        frozen.resume()
        self._finished(frozen)
        if frozen.logged("sync.team_lost"):
            self.events["resumed writer fenced off"] += 1

    def _two_syncs(self) -> None:
        wait = "0" if self.history.steps % 2 else ("15" if self.postgres else "5")
        racers = [self._start(f"racer{n}", "--json", SYNCD_TEAM_LOCK_WAIT=wait) for n in (1, 2)]
        codes = [self._finished(proc) for proc in racers]
        refused = [p for p in racers if "is being written by" in p.stderr()]
        assert len(refused) < 2, f"both syncs were refused: {codes}"
        self.events["one of two syncs refused" if refused else "two syncs both wrote"] += 1

    def _beside_run(self) -> None:
        service = self._start("service", command="run")
        beside = self._start("beside-run", "--json")
        self._finished(beside)
        if "is being written by" in beside.stderr():
            self.events["sync refused beside run"] += 1
        wait_for(
            "syncd run to finish a cycle",
            lambda: service.logged("sync.team_done") or service.process.poll() is not None,
            timeout=180,
        )
        assert service.process.poll() is None, service.stderr()[-3000:]
        service.stop()
        assert "Traceback" not in service.stderr(), service.stderr()[-3000:]
        self.events["syncd run cycles beside a sync"] += 1

    def _garbage_answer(self, target: str, kind: str) -> None:
        method, pattern = GARBAGE_REQUESTS[self.team.tracker][target]
        faults = self.team.workspace.fake.faults
        before = len(faults.injected)
        faults.nth(method, pattern, 1, Fault(kind))
        self._sync("garbage")
        faults.clear()
        if len(faults.injected) > before:
            self.events[f"{kind} answer to a {target}"] += 1
        else:
            self.events[f"no {target} to answer with {kind}"] += 1

    def _lose_store(self) -> None:
        if self.team.database_url is None:
            shutil.rmtree(self.team.workspace.state, ignore_errors=True)
        else:
            reset_postgres_schema(self.team.database_url)
        self.events["store lost"] += 1

    def _let_intents_settle(self) -> None:
        """PostgreSQL: another holder's open intents are settled only once old enough."""
        url = self.team.database_url
        assert url is not None
        with StateStore.open(url, readonly=True) as store:  # a lost store reads as empty
            intents = store.open_intents(TEAM)
        if intents:
            ripe = max(i.started_at for i in intents) + SETTLE_AFTER
            wait_for("open intents to settle", lambda: datetime.now(UTC) > ripe, timeout=120)
            self.events["waited for intents to settle"] += 1

    # --- the tracker, as a person -------------------------------------------------------

    def _person_edit(self, edit: PersonEdit) -> None:
        key = self.keys[edit.token]
        workspace = self.team.workspace
        if isinstance(workspace, JiraWorkspace):
            state = workspace.fake.state
            if edit.field == "title":
                state.edit(key, summary=edit.value)
            elif edit.field == "body":
                state.edit(key, description=adf(edit.value))
            elif edit.field == "assignee":
                state.edit(key, assignee=f"{edit.value}@example.com")
            else:
                state.edit(key, duedate=edit.value)
        else:
            state = workspace.fake.state
            repo = workspace.fake.repo
            number = int(key.rsplit("#", 1)[1])
            person = state.user(LOGINS["carol"])
            body = state.issue(repo, number).body
            if edit.field == "title":
                state.edit_issue(repo, number, person, title=edit.value)
            elif edit.field == "body":
                body = with_body_changes(body, description=edit.value)
                state.edit_issue(repo, number, person, body=body)
            elif edit.field == "assignee":
                state.edit_issue(repo, number, person, assignees=[LOGINS[edit.value]])
            else:
                body = with_body_changes(body, due=date.fromisoformat(edit.value))
                state.edit_issue(repo, number, person, body=body)
        self.events[f"person's {edit.field} edit"] += 1

    # --- the invariants ------------------------------------------------------------------

    def status_items(self) -> list[dict[str, Any]]:
        done = CliRunner().invoke(
            app, ["status", "--config", str(self.team.workspace.config), "--json"], env=self.env()
        )
        assert done.exit_code == 0, done.output[-3000:]
        items: list[dict[str, Any]] = json.loads(done.stdout)["teams"][TEAM]["items"]
        return items

    def check(self, step: Step) -> None:
        items = self.status_items()
        current: dict[str, list[dict[str, Any]]] = {}
        orphaned: set[str] = set()
        for item in items:
            found = TOKEN.findall(item["title"])
            assert len(found) == 1, f"an item without one token: {item['title']!r}"
            if item["state"] == "orphaned":
                orphaned.add(item["id"])
            else:
                current.setdefault(found[0], []).append(item)

        # Every current item is in the store once, with its issue: the one it had before.
        assert set(current) == self.history.current, (
            f"current items {sorted(current)}, expected {sorted(self.history.current)}"
        )
        twice = {t: [i["id"] for i in found] for t, found in current.items() if len(found) > 1}
        assert twice == {}, f"items held twice: {twice}"
        for token, [item] in current.items():
            key = (item.get("issue") or {}).get("key")
            assert key, f"{token} has no issue: {item}"
            assert self.keys.setdefault(token, key) == key, (
                f"{token} moved from {self.keys[token]} to {key}"
            )
            assert self.ids.setdefault(token, item["id"]) == item["id"], (
                f"{token} changed its id from {self.ids[token]} to {item['id']}"
            )
        self.checks["each current item keeps its issue"] += 1

        markers = self.markers_per_issue()
        doubled = {key: found for key, found in markers.items() if len(set(found)) > 1}
        assert doubled == {}, f"issues with two markers: {doubled}"
        self.checks["no issue carries two markers"] += 1
        by_marker: dict[str, list[str]] = {}
        for key, found in markers.items():
            for marker in set(found):
                by_marker.setdefault(marker, []).append(key)
        for token in current:
            assert by_marker.get(self.ids[token]) == [self.keys[token]], (
                f"{token}'s marker is on {by_marker.get(self.ids[token])}, "
                f"its issue is {self.keys[token]}"
            )
        self.checks["one issue per current item, by marker"] += 1
        assert len(markers) == self.history.ever_added, (
            f"{len(markers)} issues for {self.history.ever_added} items ever added: "
            f"{sorted(markers)}"
        )
        self.checks["no item mirrored twice"] += 1
        gone = self.seen_keys - set(markers)
        assert gone == set(), f"issues deleted: {sorted(gone)}"
        self.seen_keys |= set(markers)
        self.checks["no issue deleted"] += 1

        for token, edits in self.history.person_edits.items():
            for name, value in edits.items():
                held = self.tracker_value(self.keys[token], name)
                assert held == value, (
                    f"the person's {name} of {token} ({self.keys[token]}) was {value!r}, "
                    f"is {held!r}"
                )
                self.checks["a person's edit kept"] += 1

        if step.conflict:
            assert step.person_edit is not None
            name = {"title": "summary", "body": "description"}[step.person_edit.field]
            item_id = self.ids[step.person_edit.token]
            conflicts = [
                e
                for report in self._reports
                for e in report["errors"]
                if e.get("item") == item_id and (e.get("details") or {}).get("field") == name
            ]
            assert conflicts, f"the conflict on {name} of {step.person_edit.token} was not reported"
            self.checks["a conflict reported"] += 1

        for token in step.removed:
            item_id, key = self.ids[token], self.keys[token]
            reported = any(
                e.get("item") == item_id or e.get("key") == key
                for report in self._reports
                for e in report["errors"]
            )
            assert reported or item_id in orphaned, f"removed {token} ({key}) was not reported"
            self.checks["a removed item reported"] += 1

    def markers_per_issue(self) -> dict[str, list[str]]:
        """Every issue's key and the item markers it carries."""
        workspace = self.team.workspace
        if isinstance(workspace, GitHubWorkspace):
            return {
                workspace.key_of(issue): [
                    marker
                    for text in [issue.body or "", *(c.body for c in issue.comments)]
                    for marker in markers_in(text)
                ]
                for issue in workspace.issues()
            }
        with workspace.fake.state.lock:
            return {
                key: [
                    label.removeprefix("syncd-")
                    for label in issue.labels
                    if label.startswith("syncd-")
                ]
                for key, issue in workspace.fake.state.issues.items()
            }

    def tracker_value(self, key: str, name: str) -> str | None:
        """What the tracker holds now in a field a person may edit, as ``PersonEdit`` says it."""
        workspace = self.team.workspace
        if isinstance(workspace, JiraWorkspace):
            issue = workspace.fake.state.issue(key)
            if name == "title":
                return issue.summary
            if name == "body":
                return text_of_adf(issue.description)
            if name == "assignee":
                return issue.assignee.email.split("@")[0] if issue.assignee else None
            return issue.duedate
        issue = workspace.fake.state.issue(workspace.fake.repo, int(key.rsplit("#", 1)[1]))
        if name == "title":
            return issue.title
        body = parse_body(issue.body)
        if name == "body":
            return body.description
        if name == "assignee":
            logins = {login: person for person, login in LOGINS.items()}
            return ",".join(logins.get(u.login, u.login) for u in issue.assignees) or None
        return body.due.isoformat() if body.due else None


def adf(text: str) -> dict[str, Any]:
    """A one-paragraph Atlassian document, as Jira Cloud's editor saves it."""
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    return {"type": "doc", "version": 1, "content": [paragraph]}


def text_of_adf(document: Any) -> str | None:
    """The text of a one-paragraph Atlassian document (the shape ``adf`` writes), else None."""
    try:
        [paragraph] = document["content"]
        return "".join(node["text"] for node in paragraph["content"])
    except (KeyError, TypeError, ValueError):
        return None


def reset_postgres_schema(url: str) -> None:
    """Lose a PostgreSQL store: drop the schema on the URL's search path and create it empty."""
    parsed = make_url(url)
    options = str(parsed.query.get("options", ""))
    schema = options.partition("search_path=")[2]
    assert schema, f"no schema on the search path of {parsed.render_as_string()}"
    conninfo = parsed.set(query={}).render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
