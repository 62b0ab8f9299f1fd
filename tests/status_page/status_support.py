"""A team on a state store and the status page serving it on loopback, for the page's tests.

The team is the digest tests' (``tests.digest.team_fixture``: Berlin, Monday 9 March 2026),
plus items with hostile titles and owners, and daily snapshots with a gap: no snapshot at all
in December 2025, and none between 20 and 24 February 2026.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from syncd.config.loader import LoadedConfig, load_config
from syncd.judge.snapshots import DailySnapshot
from syncd.service.http import ProbeServer
from syncd.service.readiness import Readiness
from syncd.status_page.access import StatusAccess
from syncd.status_page.pages import StatusPages
from syncd.store import StateStore
from tests.digest.team_fixture import CHECKOUT, NOW, item, team_items

HOSTILE_TITLE = "<script>alert('pwned')</script> rotate keys"
HOSTILE_OWNER = '"><img src=x onerror=alert(1)>'
SNAPSHOT_START = date(2025, 9, 1)
MISSING = {date(2026, 2, 20) + timedelta(days=n) for n in range(5)}

TEAM_FILE = """\
team: payments
timezone: Europe/Berlin
sources: [{name: pm-repo, type: markdown, path: docs}]
tracker:
  type: jira
  url: https://jira.invalid
  auth: {email: bot@example.com, token: "${UNSET_JIRA_TOKEN:-}"}
  project: PAY
people:
  alice: {slack: U0ALICE}
  bob: {slack: U0BOB}
  carol: {slack: U0CAROL}
  dave: {slack: U0DAVE}
"""


def team_config(root: Path) -> LoadedConfig:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "teams").mkdir(parents=True, exist_ok=True)
    (root / "teams" / "payments.yaml").write_text(TEAM_FILE, encoding="utf-8")
    loaded = load_config(root, env={"HOME": str(root), "SYNCD_STATE_DIR": str(root / "state")})
    assert not loaded.errors, loaded.errors
    return loaded


def snapshot_of(day: date) -> DailySnapshot:
    """A made-up day: open work grows slowly, done work faster, rates improve."""
    n = (day - SNAPSHOT_START).days
    done = 2 + n // 9
    items = 12 + n // 6
    return DailySnapshot(
        team="payments",
        day=day,
        taken_at=datetime.combine(day, NOW.timetz()),
        items=items,
        open=items - done,
        done=done,
        overdue=n % 5,
        due_soon=1,
        on_time=done // 2,
        timed=done,
        open_ages=(("0-30d", 3), ("31-90d", 2), ("91-180d", 1), ("over_180d", 0)),
    )


def filled_store(root: Path) -> StateStore:
    store = StateStore.open(f"sqlite:///{(root / 'state.db').as_posix()}")
    store.migrate()
    states = team_items()
    hostile = item(HOSTILE_TITLE, CHECKOUT, owner=None, written=HOSTILE_OWNER, due=date(2026, 3, 1))
    store.save_items(
        "payments", [s.item for s in states] + [hostile], seen_at=NOW - timedelta(days=60)
    )
    day = SNAPSHOT_START
    while day <= NOW.date():
        if day.month != 12 and day not in MISSING:
            store.add_snapshot(snapshot_of(day))
        day += timedelta(days=1)
    return store


@dataclass
class Served:
    port: int
    store: StateStore

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        return self.request(path, headers=headers)

    def request(
        self,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        data: bytes | None = None,
    ) -> tuple[int, dict[str, str], str]:
        """Status, headers (lower-case names; repeated ones joined by newlines) and body;
        redirects are not followed."""
        request = urllib.request.Request(self.url(path), headers=headers or {}, data=data)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as answer:
                return answer.status, _headers(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, _headers(exc.headers), exc.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _headers(message: object) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in message.items():  # type: ignore[attr-defined]
        key = name.lower()
        found[key] = f"{found[key]}\n{value}" if key in found else value
    return found


@contextmanager
def serving(
    root: Path, access: StatusAccess, *, host: str = "127.0.0.1", now: datetime = NOW
) -> Iterator[Served]:
    loaded = team_config(root)
    store = filled_store(root)
    pages = StatusPages(config=lambda: loaded, store=store, access=access, clock=lambda: now)
    server = ProbeServer(
        host=host,
        port=0,
        readiness=Readiness,
        metrics=lambda: b"",
        metrics_content_type="text/plain",
        prefix_routes={"/status": pages},
    )
    server.start()
    try:
        yield Served(server.port, store)
    finally:
        server.stop()
        store.close()
