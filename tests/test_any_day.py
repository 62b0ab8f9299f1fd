"""The date-sensitive tests pass whatever the wall clock says: half a year on, at a year's end
(already the new year in the example team's Berlin), on a leap day, and before the documents
were written.

Each date runs those tests in a pytest of its own with ``SYNCD_TEST_WALL_CLOCK`` set
(``tests/support/wall_clock.py``): the process travels there with time-machine, and the syncd
processes its tests start follow through ``SYNCD_TEST_TIME_SHIFT``. A test that read the wall
clock instead of the clock it was given fails here on some date, long before a calendar does it
to CI. The same subprocess can be run by hand for any date::

    SYNCD_TEST_WALL_CLOCK=2031-07-15T12:00:00Z python -m pytest tests/judge tests/digest ...
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.wall_clock import WALL_CLOCK_ENV

ROOT = Path(__file__).resolve().parents[1]

# Every directory whose tests judge, date, digest or print items: anything that reads "today".
DATE_SENSITIVE = (
    "tests/core",
    "tests/corpus",
    "tests/digest",
    "tests/judge",
    "tests/mirror",
    "tests/notify",
    "tests/resolve",
    "tests/sources",
)
TIMEOUT_S = 600


# Half a year on runs everything. The year's end (resolving "Friday" or "Q1" across it) and the
# calendar's corners (a leap day; a clock before the postmortems were written) run the tests
# that date, judge and print items, the CLI's digest and status included.
JUDGING = (
    "tests/digest",
    "tests/judge",
    "tests/core/test_cli_digest.py",
    "tests/core/test_cli_status.py",
)


def _dates() -> list[tuple[str, datetime, tuple[str, ...]]]:
    now = datetime.now(UTC).replace(microsecond=0)
    half_year = now + timedelta(days=182)
    # Half a year on is split in three runs, so that none is the suite's longest pole.
    core = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "tests/core").glob("test_*.py"))
    return [
        ("six-months-on-cli", half_year, tuple(core[::2])),
        ("six-months-on-cli-2", half_year, tuple(core[1::2])),
        ("six-months-on", half_year, tuple(d for d in DATE_SENSITIVE if d != "tests/core")),
        # 00:30 in the example team's Berlin: already the new year there
        ("year-end", datetime(now.year, 12, 31, 23, 30, tzinfo=UTC), (*JUDGING, "tests/resolve")),
        ("leap-day", datetime(2028, 2, 29, 12, 0, tzinfo=UTC), JUDGING),
        ("before-the-documents", datetime(2025, 6, 1, 8, 0, tzinfo=UTC), JUDGING),
    ]


def _env(at: datetime) -> dict[str, str]:
    # A clean pytest: nothing of this run's workers, plugins or clock leaks into it.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SYNCD_TEST_"))}
    env[WALL_CLOCK_ENV] = at.isoformat()
    return env


@pytest.mark.timeout(TIMEOUT_S)
@pytest.mark.parametrize(("name", "at", "directories"), _dates(), ids=[d[0] for d in _dates()])
def test_the_date_sensitive_tests_pass_on_another_day(
    name: str, at: datetime, directories: tuple[str, ...]
) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
            "-x",
            *directories,
        ],
        cwd=ROOT,
        env=_env(at),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    tail = "\n".join(done.stdout.splitlines()[-40:])
    assert done.returncode == 0, f"on {at.isoformat()} ({name}):\n{tail}"
    assert " passed" in tail and " failed" not in tail
