"""Soak: hostile configurations and postmortems until something breaks. Prints figures.

Run from the repository root:  .venv/bin/python -m bench.fuzz --cases 100000 [--jobs 2]

Each target (``bench.hostile_inputs.TARGETS``) gets ``--cases`` generated inputs, spread over
``--jobs`` processes; every input must be answered with syncd's documented errors only. Prints,
per target, the cases run, the failures (grouped by exception and place, with a shortest example
of each) and the time, the slowest case included. Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

from bench.hostile_inputs import TARGETS


@dataclass
class Tally:
    cases: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    slowest: float = 0.0
    seconds: float = 0.0

    def merge(self, other: Tally) -> None:
        self.cases += other.cases
        self.failures.update(other.failures)
        for key, example in other.examples.items():
            if len(example) < len(self.examples.get(key, example + " ")):
                self.examples[key] = example
        self.slowest = max(self.slowest, other.slowest)


def _soak(job: tuple[str, int, int]) -> Tally:
    target, cases, seed = job
    strategy, check = TARGETS[target]
    tally = Tally()

    # Generation only: a failure is counted and the run goes on (no shrinking, no stop).
    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value: Any) -> None:
        started = time.perf_counter()
        try:
            check(value)
        except Exception as exc:  # every exception is the finding: group and keep going
            place = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__}: {str(exc)[:160]} at {place.filename}:{place.lineno}"
            tally.failures[key] += 1
            example = repr(value)[:2000]
            if len(example) < len(tally.examples.get(key, example + " ")):
                tally.examples[key] = example
        tally.slowest = max(tally.slowest, time.perf_counter() - started)
        tally.cases += 1

    # Each job its own random stream, so that two jobs do not run the same cases.
    hypothesis_seed(seed)(run)()
    return tally


CHUNK = 250  # cases per Hypothesis run: progress shows, and a time budget stops between runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000, help="inputs per target")
    parser.add_argument("--jobs", type=int, default=2, help="processes")
    parser.add_argument("--target", choices=sorted(TARGETS), action="append")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument(
        "--max-seconds", type=float, default=None, help="per target: stop starting runs after"
    )
    args = parser.parse_args(argv)
    failed = False
    print(f"seed {args.seed}; {args.cases:,} cases per target over {args.jobs} process(es)")
    for target in args.target or sorted(TARGETS):
        total = _soak_target(target, args.cases, args.jobs, args.seed, args.max_seconds)
        count = sum(total.failures.values())
        failed = failed or count > 0
        print(
            f"{target}: {total.cases:,} cases, {count:,} failures, {total.seconds:,.1f} s "
            f"({total.cases / max(total.seconds, 1e-9):,.1f} cases/s; slowest case "
            f"{total.slowest:.2f} s)",
            flush=True,
        )
        for key, times in total.failures.most_common():
            print(f"  {times:,} x {key}\n    e.g. {total.examples[key]}")
    return 1 if failed else 0


def _soak_target(target: str, cases: int, jobs: int, seed: int, max_seconds: float | None) -> Tally:
    sizes = [CHUNK] * (cases // CHUNK) + ([cases % CHUNK] if cases % CHUNK else [])
    started = time.perf_counter()
    total = Tally()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending = {
            pool.submit(_soak, (target, size, seed + i)) for i, size in enumerate(sizes[:jobs])
        }
        next_chunk = len(pending)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                total.merge(future.result())
            elapsed = time.perf_counter() - started
            in_time = max_seconds is None or elapsed < max_seconds
            while in_time and next_chunk < len(sizes) and len(pending) < jobs:
                chunk = (target, sizes[next_chunk], seed + next_chunk)
                pending.add(pool.submit(_soak, chunk))
                next_chunk += 1
            print(
                f"  {target}: {total.cases:,} cases, {sum(total.failures.values()):,} "
                f"failures, {elapsed:,.0f} s",
                file=sys.stderr,
                flush=True,
            )
    total.seconds = time.perf_counter() - started
    return total


if __name__ == "__main__":
    sys.exit(main())
