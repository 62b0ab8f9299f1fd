"""One team's world for the adoption tests: a postmortem, the state store, and a tracker — the
fake Jira or the fake GitHub, driven through the real clients — with the hands of a person who
files, edits, deletes issues and moves markers by hand.

The tests are written once against ``World`` and run on both trackers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from connectors.github import GitHubTracker
from connectors.github import issues as gh
from connectors.jira import JiraSettings, JiraTracker
from connectors.jira.adf import text_to_adf
from syncd.execute.mirror_team import MirrorOutcome, mirror_team
from syncd.mirror.model import IssueSnapshot
from syncd.model import ExtractedDocument, Postmortem, RawItem
from syncd.reconcile.team_items import SourceOutcome, build_team_items
from syncd.resolve.people import PeopleDirectory, Person
from syncd.resolve.resolver import ResolvePolicy
from syncd.store import StateStore
from syncd.tracker import Tracker, TrackerContext
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.server import FakeJira
from tests.github.support import LABEL, VirtualClock, tracker_on

TEAM = "payments"
NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)
PM = Postmortem(
    "pm",
    "2026-09-14-checkout.md",
    "Checkout outage",
    dt.date(2026, 9, 14),
    "front_matter",
    url="https://git.example/pm/2026-09-14-checkout.md",
)
POLICY = ResolvePolicy(due_days={"default": 56}, reference_projects=frozenset({"PAY", "SEC"}))


class World(Protocol):
    """What a test does to a team's tracker, as syncd or as a person."""

    system: str
    store: StateStore

    def tracker(self) -> Tracker: ...

    def read(self, key: str) -> IssueSnapshot:
        """The issue as syncd reads it alone (markers in comments included)."""
        ...

    def key(self, issue: str) -> str:
        """The key syncd records for an issue as a document writes it (``#4``, ``PAY-1``)."""
        ...

    def person_files(self, title: str, body: str) -> str:
        """A person files an issue by hand; returns how a document would name it."""
        ...

    def person_edits(self, issue: str, *, title: str, body: str) -> None: ...

    def delete(self, issue: str) -> None: ...

    def close(self, issue: str) -> None:
        """A person closes the issue as done."""
        ...

    def remove_markers(self, issue: str) -> None: ...

    def copy_marker(self, item_id: str, onto: str) -> None:
        """A person copies an item's marker, with the team's label, onto another issue (as a
        clone of the issue would): syncd reads the issues carrying the team's labels."""
        ...

    def other_project_issue(self) -> str:
        """An issue in another project or repository, as a document names it."""
        ...

    def issue_count(self) -> int: ...


@dataclass
class _Base:
    store: StateStore
    people: PeopleDirectory = field(default_factory=lambda: PeopleDirectory([]))

    def read(self, issue: str) -> IssueSnapshot:
        tracker = self.tracker()  # type: ignore[attr-defined]
        try:
            found = tracker.get([issue])
            (snapshot,) = found.values()
            return snapshot  # type: ignore[no-any-return]
        finally:
            tracker.close()


@dataclass
class JiraWorld(_Base):
    fake: FakeJira | None = None
    system: str = "jira"

    @property
    def _fake(self) -> FakeJira:
        assert self.fake is not None
        return self.fake

    def tracker(self) -> JiraTracker:
        fake = self._fake
        auth = (
            {"email": fake.email, "token": fake.token}
            if fake.mode == "cloud"
            else {"token": fake.pat}
        )
        settings = JiraSettings.model_validate(
            {
                "url": fake.url,
                "deployment": fake.mode,
                "auth": auth,
                "project": "PAY",
                "reference_projects": ["SEC"],
                "labels": ["postmortem"],
            }
        )
        return JiraTracker(settings, TrackerContext(team=TEAM, now=NOW))

    def key(self, issue: str) -> str:
        return issue

    def _description(self, text: str) -> Any:
        return text_to_adf(text) if self._fake.mode == "cloud" else text

    def person_files(self, title: str, body: str) -> str:
        state = self._fake.state
        issue = state.create_issue(
            {
                "project": {"key": "PAY"},
                "issuetype": {"name": "Task"},
                "summary": title,
                "description": self._description(body),
                "labels": ["customer-impact"],
            }
        )
        return issue.key

    def person_edits(self, issue: str, *, title: str, body: str) -> None:
        self._fake.state.edit(issue, summary=title, description=self._description(body))

    def delete(self, issue: str) -> None:
        state = self._fake.state
        with state.lock:
            del state.issues[issue]

    def close(self, issue: str) -> None:
        self._fake.state.transition(issue, "Done", resolution="Done")

    def remove_markers(self, issue: str) -> None:
        state = self._fake.state
        labels = [label for label in state.issue(issue).labels if not label.startswith("syncd-")]
        state.edit(issue, labels=labels)

    def copy_marker(self, item_id: str, onto: str) -> None:
        state = self._fake.state
        labels = [*state.issue(onto).labels, "postmortem", f"syncd-{item_id}"]
        state.edit(onto, labels=labels)

    def other_project_issue(self) -> str:
        state = self._fake.state
        if "SEC" not in state.projects:
            state.add_project("SEC", "Security")
        issue = state.create_issue(
            {"project": {"key": "SEC"}, "issuetype": {"name": "Task"}, "summary": "Pen test"}
        )
        return issue.key

    def issue_count(self) -> int:
        return len(self._fake.state.issues)


@dataclass
class GitHubWorld(_Base):
    fake: FakeGitHub | None = None
    clock: VirtualClock = field(default_factory=VirtualClock)
    system: str = "github"

    @property
    def _fake(self) -> FakeGitHub:
        assert self.fake is not None
        return self.fake

    def tracker(self) -> GitHubTracker:
        return tracker_on(self._fake, self.clock)

    def key(self, issue: str) -> str:
        return gh.issue_key(self._fake.repo.full_name, int(issue.lstrip("#")))

    def _number(self, issue: str) -> int:
        return int(issue.rpartition("#")[2])

    def person_files(self, title: str, body: str) -> str:
        fake = self._fake
        person = fake.state.add_user(f"person{fake.repo.next_number}")
        issue = fake.state.create_issue(fake.repo, title, person, body=body)
        return f"#{issue.number}"

    def person_edits(self, issue: str, *, title: str, body: str) -> None:
        fake = self._fake
        fake.state.edit_issue(fake.repo, self._number(issue), fake.bot, title=title, body=body)

    def delete(self, issue: str) -> None:
        fake = self._fake
        with fake.state.lock:
            del fake.repo.issues[self._number(issue)]

    def close(self, issue: str) -> None:
        fake = self._fake
        fake.state.edit_issue(fake.repo, self._number(issue), fake.bot, state="closed")

    def remove_markers(self, issue: str) -> None:
        fake = self._fake
        current = fake.state.issue(fake.repo, self._number(issue))
        kept = [
            line for line in (current.body or "").split("\n") if not gh.MARKER_PATTERN.match(line)
        ]
        fake.state.edit_issue(fake.repo, current.number, fake.bot, body="\n".join(kept))

    def copy_marker(self, item_id: str, onto: str) -> None:
        fake = self._fake
        current = fake.state.issue(fake.repo, self._number(onto))
        body = gh.with_marker(current.body, gh.marker_line(item_id))
        labels = [label.name for label in current.labels] + [LABEL]
        fake.state.edit_issue(fake.repo, current.number, fake.bot, body=body, labels=labels)

    def other_project_issue(self) -> str:
        fake = self._fake
        other = fake.state.add_repo("acme/security")
        issue = fake.state.create_issue(other, "Pen test", fake.bot)
        return f"acme/security#{issue.number}"

    def issue_count(self) -> int:
        fake = self._fake
        return sum(1 for i in fake.repo.issues.values() if not i.is_pull_request)


def item(title: str, line: int, *refs: str, owner: str | None = None) -> RawItem:
    return RawItem(title, "Action Items", line, owner_text=owner, tracker_refs=tuple(refs))


def cycle(
    world: World, items: Sequence[RawItem], *, recreate_missing: bool = False
) -> MirrorOutcome:
    """One sync of the team's one postmortem holding ``items``, as ``syncd sync`` runs it."""
    store = world.store
    reading = build_team_items(
        TEAM,
        [SourceOutcome("pm", [ExtractedDocument(PM, tuple(items))])],
        store.known_items(TEAM),
        {},
        today=NOW.date(),
        people=PeopleDirectory(
            [Person("alice", handles={"jira": "acc-alice", "github": "alice-gh"})]
        ),
        policy=POLICY,
    )
    previous = {k.id: k.status for k in store.known_items(TEAM)}
    store.save_items(TEAM, reading.items, seen_at=NOW)
    if isinstance(world, GitHubWorld):
        world.clock.advance(60)  # GitHub lists by `since`: each cycle a minute on
    tracker = world.tracker()
    try:
        return mirror_team(
            team=TEAM,
            reading=reading,
            previous_status=previous,
            store=store,
            tracker=tracker,
            people=PeopleDirectory([]),
            mirror_done_items=False,
            now=NOW,
            dry_run=False,
            recreate_missing=recreate_missing,
        )
    finally:
        tracker.close()


def item_id(world: World, title: str) -> str:
    (found,) = [k.id for k in world.store.known_items(TEAM) if k.title == title]
    return found


def lose_store(world: World, path: str) -> None:
    """The state database is lost: the world goes on with an empty one."""
    world.store.close()
    fresh = StateStore.open(f"sqlite:///{path}")
    fresh.migrate()
    world.store = fresh
