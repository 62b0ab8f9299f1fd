"""Soak: the randomized history (issue 10, point 8) over many seeds. Prints counts; a failure
is printed with the seed, tracker, store and step that reproduce it, and the soak goes on.

Run from the repository root:

    .venv/bin/python -m bench.history_soak [--steps 300] [--per-history 15] [--seed 1000]
        [--trackers jira,github] [--stores sqlite,postgresql] [--jobs 2]

Histories of ``--per-history`` steps (seeds ``--seed``, ``--seed``+1, ...) run round-robin over
the trackers and stores until ``--steps`` steps have run, ``--jobs`` at a time. Each step is
applied with real ``syncd`` processes against the fakes and followed by a final clean sync and
the invariant checks of ``tests.history.runner``. PostgreSQL is the test server
(``SYNCD_TEST_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/test``), in a
database of the soak's own, dropped at the end. Reproduce one failure with
``--seed S --steps N --per-history N --trackers T --stores S --jobs 1``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.writers_support import team_under_test
from tests.history.model import STEP_KINDS, History
from tests.history.runner import HistoryFailure, HistoryRun
from tests.support.postgres import PostgresTestDatabase


@dataclass
class Outcome:
    seed: int
    tracker: str
    store: str
    planned: int
    steps: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    checks: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    failure: str | None = None
    seconds: float = 0.0


def _history(
    seed: int, tracker: str, store: str, steps: int, database: PostgresTestDatabase | None
) -> Outcome:
    outcome = Outcome(seed, tracker, store, steps)
    started = time.monotonic()
    schema = database.create_schema() if database is not None else None
    url = database.schema_url(schema) if database is not None and schema else None
    try:
        with (
            tempfile.TemporaryDirectory(prefix="syncd-history-") as tmp,
            team_under_test(Path(tmp), tracker, url, documents=1, items=1) as team,
        ):
            run = HistoryRun(team, History.start(seed))
            try:
                run.begin()
                for _ in range(steps):
                    run.step()
            except HistoryFailure as failure:
                outcome.failure = str(failure)
            except Exception:  # a broken harness is reported, not hidden
                outcome.failure = f"seed {seed}, {tracker}, {store}: {traceback.format_exc()}"
            outcome.steps = sum(run.kinds.values())
            outcome.kinds, outcome.checks, outcome.events = run.kinds, run.checks, run.events
    finally:
        if database is not None and schema is not None:
            database.drop_schema(schema)
    outcome.seconds = time.monotonic() - started
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=300, help="steps in all")
    parser.add_argument("--per-history", type=int, default=15, help="steps per history")
    parser.add_argument("--seed", type=int, default=1000, help="the first history's seed")
    parser.add_argument("--trackers", default="jira,github")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--jobs", type=int, default=2, help="histories at a time")
    args = parser.parse_args()
    combos = [(t, s) for s in args.stores.split(",") for t in args.trackers.split(",") if t and s]
    plan: list[tuple[int, str, str, int]] = []
    left, seed = args.steps, args.seed
    while left > 0:
        tracker, store = combos[(seed - args.seed) % len(combos)]
        plan.append((seed, tracker, store, min(left, args.per_history)))
        left -= args.per_history
        seed += 1
    database = PostgresTestDatabase.create() if "postgresql" in args.stores else None
    started = time.monotonic()
    try:
        # A process per history: each holds its own fakes, and reads the store in-process.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=spawn) as pool:
            futures = [
                pool.submit(_history, s, t, store, n, database if store == "postgresql" else None)
                for s, t, store, n in plan
            ]
            outcomes = []
            for future in futures:
                outcome = future.result()
                outcomes.append(outcome)
                verdict = "ok" if outcome.failure is None else "FAILED"
                print(
                    f"seed {outcome.seed} {outcome.tracker}/{outcome.store}: "
                    f"{outcome.steps} steps in {outcome.seconds:.0f} s, {verdict}",
                    flush=True,
                )
    finally:
        if database is not None:
            database.drop()
    _print_totals(outcomes, time.monotonic() - started)


def _print_totals(outcomes: list[Outcome], seconds: float) -> None:
    kinds: Counter[str] = Counter()
    checks: Counter[str] = Counter()
    events: Counter[str] = Counter()
    per_combo: Counter[str] = Counter()
    for outcome in outcomes:
        kinds += outcome.kinds
        checks += outcome.checks
        events += outcome.events
        per_combo[f"{outcome.tracker}/{outcome.store}"] += outcome.steps
    failures = [o for o in outcomes if o.failure is not None]
    print(
        f"\n{sum(kinds.values())} steps in {len(outcomes)} histories, {seconds:.0f} s; "
        f"{len(failures)} failed"
    )
    print("steps per tracker/store: " + ", ".join(f"{k} {n}" for k, n in sorted(per_combo.items())))
    print("\nsteps by kind:")
    for kind in STEP_KINDS:
        print(f"  {kind:<16} {kinds[kind]:>5}")
    print("\ninvariant checks passed:")
    for name, n in sorted(checks.items()):
        print(f"  {name:<40} {n:>6}")
    print("\nwhat the disturbances met:")
    for name, n in sorted(events.items()):
        print(f"  {name:<40} {n:>6}")
    for outcome in failures:
        print(
            f"\nFAILED (reproduce: python -m bench.history_soak --seed {outcome.seed} "
            f"--steps {outcome.planned} --per-history {outcome.planned} "
            f"--trackers {outcome.tracker} --stores {outcome.store} --jobs 1):\n"
            f"  {outcome.failure}"
        )


if __name__ == "__main__":
    main()
