"""The status page on 2,000 items: time to answer ``/status/<team>`` and ``?owner=`` (from a
source checkout: ``python -m bench.status_page [--items N]``). Prints figures; asserts nothing
about time."""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from syncd.service.http import WebRequest
from syncd.status_page.access import StatusAccess
from syncd.status_page.pages import StatusPages
from syncd.store import StateStore
from tests.digest.team_fixture import NOW, team_items
from tests.status_page.status_support import snapshot_of, team_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        loaded = team_config(root)
        store = StateStore.open(f"sqlite:///{(root / 'state.db').as_posix()}")
        store.migrate()
        base = [s.item for s in team_items()]
        items = [
            replace(
                base[n % len(base)], id=f"bench{n:05d}", title=f"{base[n % len(base)].title} {n}"
            )
            for n in range(args.items)
        ]
        store.save_items("payments", items, seen_at=NOW - timedelta(days=60))
        for n in range(365):
            store.add_snapshot(snapshot_of(NOW.date() - timedelta(days=n)))
        pages = StatusPages(
            config=lambda: loaded,
            store=store,
            access=StatusAccess(loopback=True),
            clock=lambda: NOW,
        )
        for path, query in (
            ("/status", ""),
            ("/status/payments", ""),
            ("/status/payments", "owner=bob"),
        ):
            request = WebRequest("GET", path, query, {}, b"")
            pages(request)  # warm: imports, caches
            start = time.perf_counter()
            answer = pages(request)
            seconds = time.perf_counter() - start
            print(
                f"{path}{'?' + query if query else ''}: {answer.status}, "
                f"{len(answer.body) / 1024:.0f} KiB in {seconds:.3f} s ({args.items} items)"
            )
        store.close()


if __name__ == "__main__":
    main()
