"""The randomized history's model (issue 10, point 8): pure, seeded, no I/O.

A ``History`` holds a few postmortems, each with a few action items in two action sections,
and generates steps the way people and machines disturb syncd: reword, reorder, move between
sections, rename a file, move it to another folder, rename the source, add and remove items,
lose the state store, SIGKILL a sync, freeze and resume one, two syncs at once, a sync beside
``syncd run``, a person's edit in the tracker, a tracker answer turned to garbage. Each step
changes the model's documents (``files()`` renders them) and says what the runner must do
beside that; the model keeps what must hold afterwards: which items exist now, which were
removed (and when), and which fields a person set in the tracker.

Every item carries a token (``h007``) that never changes: it is how the runner finds the item
in ``syncd status`` and its issue, whatever the rewording. Rewording stays "a little" (one of a
few variants of the item's first wording), which is the identity the README promises.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

# Steps that only edit the documents (or the team file).
EDIT_KINDS = (
    "reword",
    "reorder",
    "move_section",
    "rename_file",
    "move_folder",
    "rename_source",
    "add_item",
    "remove_item",
)
# Steps that disturb the processes or the tracker; each carries a document edit as well, so
# that the disturbed sync has something to write.
DISTURBANCE_KINDS = (
    "lose_store",
    "sigkill",
    "freeze_resume",
    "two_syncs",
    "beside_run",
    "person_edit",
    "garbage_answer",
)
STEP_KINDS = EDIT_KINDS + DISTURBANCE_KINDS

SECTIONS = ("Action items", "Follow-ups")
PEOPLE = ("alice", "bob", "carol")
OWNER_TEXT = {"alice": "@alice", "bob": "(owner: Bob Jones)", "carol": "@carol"}
PERSON_FIELDS = ("title", "body", "assignee", "due")
# Where a SIGKILL lands: before the first or second tracker write, before a batch of creates,
# or with a create answered and not yet recorded (the answer lost with the process).
KILL_POINTS = ("tracker_write:1", "tracker_write:2", "create_request:1", "create_answered:1")
# Which request a garbage answer hits: a create, an update, or the cycle's read.
GARBAGE_TARGETS = ("create", "update", "read")
GARBAGE_ANSWERS = ("html", "html", "broken_json", "json_without_keys", "empty_json")

VERBS = ("Add", "Cap", "Rotate", "Document", "Alert on", "Shard", "Throttle", "Audit", "Drain")
ADJECTIVES = (
    "ledger",
    "checkout",
    "webhook",
    "search",
    "billing",
    "refund",
    "fraud",
    "payout",
    "invoice",
    "catalog",
    "session",
    "gateway",
)
NOUNS = (
    "consumer",
    "retry budget",
    "connection pool",
    "replay queue",
    "certificate",
    "cache warmer",
    "failover script",
    "dead-letter queue",
    "rate limiter",
    "index builder",
)
QUALIFIERS = (
    "across both regions",
    "with a runbook link",
    "behind a feature flag",
    "in the staging cluster",
    "for the batch jobs",
    "on every deploy",
)
FOLDERS = ("archive/2026", "payments", "team-a/q4", "old")


@dataclass
class Item:
    token: str
    wording: str  # the first wording, without owner and due date
    variant: int
    owner: str  # a key of PEOPLE
    due: date

    def text(self) -> str:
        verb, rest = self.wording.split(" the ", 1)
        variants = (
            self.wording,
            f"{self.wording} now",
            f"{verb} all the {rest}",
            f"{self.wording} per shard",
        )
        return variants[self.variant]

    def line(self) -> str:
        return f"- [ ] {self.text()} {OWNER_TEXT[self.owner]} due {self.due.isoformat()}"


@dataclass
class Document:
    number: int
    path: str  # relative to the source's folder, POSIX
    date: date
    sections: dict[str, list[str]]  # section heading -> item tokens, in order

    def render(self, items: Mapping[str, Item]) -> str:
        lines = [
            "---",
            f"title: Incident {self.number}",
            f"date: {self.date.isoformat()}",
            "---",
            f"# Incident {self.number}",
            "",
            "## Summary",
            "",
            f"Queue {self.number} backed up for 40 minutes.",
        ]
        for heading in SECTIONS:
            lines += ["", f"## {heading}", ""]
            lines += [items[token].line() for token in self.sections[heading]]
        return "\n".join(lines) + "\n"

    def tokens(self) -> list[str]:
        return [t for heading in SECTIONS for t in self.sections[heading]]


@dataclass(frozen=True)
class PersonEdit:
    """A person's change of one field of an item's issue, as the tracker's UI would make it."""

    token: str
    field: str  # one of PERSON_FIELDS
    value: str  # a title, a body paragraph, a person (PEOPLE) or an ISO date


@dataclass(frozen=True)
class Step:
    number: int
    kind: str  # one of STEP_KINDS
    edit: str | None  # the document edit made with it (its EDIT_KINDS name), if any
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    moved: str | None = None  # the item reworded or moved between sections
    person_edit: PersonEdit | None = None
    kill_point: str | None = None  # sigkill
    garbage: tuple[str, str] | None = None  # garbage_answer: (target, answer kind)
    lose_store_first: bool = False  # lose_store: lost before (True) or after the edit's sync
    conflict: bool = False  # person_edit: the document changed the same field too

    def describe(self) -> str:
        parts = [f"step {self.number}: {self.kind}"]
        if self.edit and self.edit != self.kind:
            parts.append(f"with {self.edit}")
        if self.added:
            parts.append(f"added {', '.join(self.added)}")
        if self.removed:
            parts.append(f"removed {', '.join(self.removed)}")
        if self.moved:
            parts.append(f"of {self.moved}")
        if self.person_edit:
            parts.append(f"person's {self.person_edit.field} of {self.person_edit.token}")
        if self.conflict:
            parts.append("changed in the document too")
        if self.kind == "lose_store":
            parts.append("lost before the edit's sync" if self.lose_store_first else "lost after")
        if self.kill_point:
            parts.append(f"killed at {self.kill_point}")
        if self.garbage:
            parts.append(f"{self.garbage[1]} answer to a {self.garbage[0]}")
        return ", ".join(parts)


@dataclass
class History:
    """The postmortems, the team's source name, and what must hold after each step."""

    seed: int
    documents: list[Document] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)  # current items, by token
    removed: dict[str, int] = field(default_factory=dict)  # token -> the step removing it
    # token -> field -> the person's value, while it must hold: until the document changes
    # that field after syncd accepted the person's value (CONTRACT §6: the source's change
    # goes to the tracker), or for good when the change met one in the document (a conflict).
    person_edits: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = "pm"
    steps: int = 0
    _rng: random.Random = field(init=False, repr=False)
    _next_token: int = 0
    _renames: int = 0
    _used_wordings: set[str] = field(default_factory=set)
    _deck: list[str] = field(default_factory=list)  # the kinds still to draw this round
    # (token, field) in conflict: changed in the tracker and the document before one sync.
    # The person's value stays until the store is lost (syncd then forgets the conflict).
    conflicts: set[tuple[str, str]] = field(default_factory=set)
    adopted: set[str] = field(default_factory=set)  # tokens whose issue is a person's now
    _absorbing: bool = False  # the store is lost: a document change is not pushed

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @classmethod
    def start(cls, seed: int, documents: int = 3, items_per_document: int = 3) -> History:
        history = cls(seed)
        for number in range(documents):
            day = date(2026, 10, 1 + number)
            document = Document(
                number,
                f"{day.isoformat()}-incident-{number}.md",
                day,
                {heading: [] for heading in SECTIONS},
            )
            history.documents.append(document)
            for _ in range(items_per_document):
                history._new_item(document, SECTIONS[0])
        return history

    # --- what holds now ------------------------------------------------------------------

    def files(self) -> dict[str, str]:
        """The source folder's markdown files: relative path -> content."""
        return {d.path: d.render(self.items) for d in self.documents}

    @property
    def current(self) -> set[str]:
        return set(self.items)

    @property
    def ever_added(self) -> int:
        return self._next_token

    # --- steps ---------------------------------------------------------------------------

    def step(self, kind: str | None = None) -> Step:
        """The next step (of ``kind``, else drawn), applied to the model. Kinds are drawn in
        rounds, each kind once per round in a seeded order, so that a history of N steps meets
        every kind about N / 15 times."""
        rng = self._rng
        self.steps += 1
        if kind is None:
            if not self._deck:
                self._deck = list(STEP_KINDS)
                rng.shuffle(self._deck)
            kind = self._deck.pop()
        if kind in EDIT_KINDS:
            return self._edit(kind, kind)
        if kind == "person_edit":
            return self._person_edit_step()
        if kind == "lose_store":
            # Lost before the edit is synced: the sync after it rebuilds the store from the
            # tracker, whose values become the bases (the edit is absorbed, not pushed). Lost
            # after: the edit was synced. Either way the conflicts syncd remembered are gone.
            edit = rng.choice((None, *EDIT_KINDS))
            first = rng.random() < 0.5
            self._absorbing = first
            step = self._edit(kind, edit)
            self._absorbing = False
            self.conflicts.clear()
            # An issue whose description a person rewrote (syncd's note gone) is a person's
            # once the store is rebuilt: syncd never writes its title or body again.
            self.adopted |= {t for t, edits in self.person_edits.items() if "body" in edits}
            return replace(step, lose_store_first=first)
        if kind == "garbage_answer":
            target = rng.choice(GARBAGE_TARGETS)
            edit = {"create": "add_item", "update": "reword", "read": rng.choice(EDIT_KINDS)}
            answer = rng.choice(GARBAGE_ANSWERS)
            return replace(self._edit(kind, edit[target]), garbage=(target, answer))
        # The process disturbances: give the disturbed syncs creates or updates to make.
        edit_kind = rng.choice(("add_item", "add_item", "reword"))
        step = self._edit(kind, edit_kind)
        if kind == "sigkill":
            return replace(step, kill_point=rng.choice(KILL_POINTS))
        return step

    def _edit(self, kind: str, edit: str | None) -> Step:
        if edit is None:
            return Step(self.steps, kind, None)
        edit, added, removed, moved = self._apply_edit(edit)
        return Step(self.steps, kind, edit, added, removed, moved)

    def _apply_edit(
        self, edit: str, target: str | None = None
    ) -> tuple[str, tuple[str, ...], tuple[str, ...], str | None]:
        """Apply a document edit (to ``target``'s item or document when given)."""
        rng = self._rng
        if edit == "remove_item" and len(self.items) <= 2:
            edit = "add_item"  # keep a few items to work on
        if edit == "reorder" and not any(
            len(d.sections[s]) > 1 for d in self.documents for s in SECTIONS
        ):
            edit = "reword"
        if edit == "reword":
            # Half the time an item a person edited in the tracker: the harder case.
            edited = sorted(t for t in self.person_edits if t in self.items)
            pool = edited if edited and rng.random() < 0.5 else sorted(self.items)
            item = self.items[target or rng.choice(pool)]
            item.variant = rng.choice([v for v in range(4) if v != item.variant])
            self._document_changed([item.token], ("title", "body"))
            return edit, (), (), item.token
        elif edit == "reorder":
            candidates = [
                (d, s) for d in self.documents for s in SECTIONS if len(d.sections[s]) > 1
            ]
            document, heading = rng.choice(candidates)
            tokens = document.sections[heading]
            before = list(tokens)
            while tokens == before:
                rng.shuffle(tokens)
        elif edit == "move_section":
            document = rng.choice([d for d in self.documents if d.tokens()])
            token = rng.choice(document.tokens())
            here = next(s for s in SECTIONS if token in document.sections[s])
            there = SECTIONS[1 - SECTIONS.index(here)]
            document.sections[here].remove(token)
            document.sections[there].insert(rng.randint(0, len(document.sections[there])), token)
            return edit, (), (), token
        elif edit == "rename_file":
            document = self._document_of(target) if target else rng.choice(self.documents)
            self._renames += 1
            folder, _, _ = document.path.rpartition("/")
            name = f"{document.date.isoformat()}-incident-{document.number}-r{self._renames}.md"
            document.path = f"{folder}/{name}" if folder else name
            self._document_changed(document.tokens(), ("body",))  # the link to it changed
        elif edit == "move_folder":
            document = rng.choice(self.documents)
            folder, _, name = document.path.rpartition("/")
            to = rng.choice([f for f in ("", *FOLDERS) if f != folder])
            document.path = f"{to}/{name}" if to else name
            self._document_changed(document.tokens(), ("body",))
        elif edit == "rename_source":
            self._renames += 1
            self.source = f"pm{self._renames}"
        elif edit == "add_item":
            if rng.random() < 0.2:
                number = len(self.documents)
                day = date(2026, 11, 1) + timedelta(days=number)
                self.documents.append(
                    Document(
                        number,
                        f"{day.isoformat()}-incident-{number}.md",
                        day,
                        {heading: [] for heading in SECTIONS},
                    )
                )
            document = rng.choice(self.documents)
            return edit, (self._new_item(document, rng.choice(SECTIONS)),), (), None
        elif edit == "remove_item":
            token = rng.choice(sorted(self.items))
            for document in self.documents:
                for heading in SECTIONS:
                    if token in document.sections[heading]:
                        document.sections[heading].remove(token)
            del self.items[token]
            self.removed[token] = self.steps
            return edit, (), (token,), None
        else:
            raise ValueError(f"unknown edit {edit!r}")
        return edit, (), (), None

    def _new_item(self, document: Document, heading: str) -> str:
        rng = self._rng
        token = f"h{self._next_token:03d}"
        self._next_token += 1
        while True:
            wording = (
                f"{rng.choice(VERBS)} the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {token} "
                f"{rng.choice(QUALIFIERS)}"
            )
            subject = wording.split(" the ", 1)[1].rsplit(f" {token}", 1)[0]
            if subject not in self._used_wordings:  # every item its own subject
                self._used_wordings.add(subject)
                break
        due = date(2026, 12, 1) + timedelta(days=rng.randint(0, 27))
        self.items[token] = Item(token, wording, 0, rng.choice(PEOPLE), due)
        document.sections[heading].append(token)
        return token

    def _document_of(self, token: str) -> Document:
        return next(d for d in self.documents if token in d.tokens())

    def _document_changed(self, tokens: list[str], fields: tuple[str, ...]) -> None:
        """The document now renders these fields of these items differently: the next sync
        pushes them over a person's earlier edit that syncd accepted (CONTRACT §6), but not
        over one in conflict, nor while the store is lost (the bases are rebuilt from the
        tracker)."""
        if self._absorbing:
            return
        for token in tokens:
            edits = self.person_edits.get(token, {})
            for name in fields:
                if token in self.adopted and name in ("title", "body"):
                    continue
                if name in edits and (token, name) not in self.conflicts:
                    del edits[name]

    def _person_edit_step(self) -> Step:
        """A person's edit in the tracker; for a title or body, half the time with a change of
        the same field in the document before the next sync: a conflict, the person's kept."""
        rng = self._rng
        token = rng.choice(sorted(self.items))
        what = rng.choice(PERSON_FIELDS)
        step = Step(self.steps, "person_edit", None)
        if what in ("title", "body") and rng.random() < 0.5:
            concurrent = "rename_file" if what == "body" and rng.random() < 0.5 else "reword"
            edit, _, _, _ = self._apply_edit(concurrent, token)
            step = replace(step, edit=edit, moved=token, conflict=True)
            self.conflicts.add((token, what))
        return replace(step, person_edit=self._person_edit(token, what))

    def _person_edit(self, token: str, what: str) -> PersonEdit:
        rng = self._rng
        item = self.items[token]
        before = self.person_edits.get(token, {}).get(what)
        if what == "title":
            value = f"{item.wording} (reworded in the tracker, {self.steps})"
        elif what == "body":
            value = f"A person's notes on {token}: waiting for the vendor (step {self.steps})."
        elif what == "assignee":
            value = rng.choice([p for p in PEOPLE if p not in (item.owner, before)])
        else:
            value = (date(2027, 3, 1) + timedelta(days=self.steps)).isoformat()
        self.person_edits.setdefault(token, {})[what] = value
        return PersonEdit(token, what, value)
