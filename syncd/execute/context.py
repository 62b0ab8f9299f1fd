"""One team's mirror cycle as its tracker writes see it: where to write and what to note."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from syncd.execute.bookkeeping import Bookkeeping
from syncd.execute.outcome import MirrorOutcome
from syncd.model import ActionItem
from syncd.store.roles import MirrorStore
from syncd.tracker import Tracker


@dataclass(slots=True)
class MirrorContext:
    team: str
    store: MirrorStore
    tracker: Tracker
    outcome: MirrorOutcome
    book: Bookkeeping
    now: datetime
    replica: str | None
    items: Mapping[str, ActionItem]  # the team's items now, by id
    log: Any
    failed: set[str] = field(default_factory=set)  # items with a failed write: record kept
