"""The proof: a randomized history (issue 10, point 8), with real ``syncd`` processes.

Each case applies a seeded sequence of steps (``tests.history.model``) to a team's postmortems
and to the fake tracker, and checks after each step's final clean sync that every current item
has exactly one issue, that no issue carries two markers, that no person's edit was
overwritten, that nothing was deleted and that every removed item was reported
(``tests.history.runner``). Each case is short, to stay within CI's time; ``python -m
bench.history_soak`` runs hundreds of steps over many seeds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.writers_support import team_under_test
from tests.history.model import History
from tests.history.runner import HistoryRun

STEPS = 8


@pytest.mark.parametrize(
    ("tracker", "seed"), [("jira", 1), ("github", 2)], ids=lambda value: str(value)
)
def test_a_randomized_history_on_sqlite(tmp_path: Path, tracker: str, seed: int) -> None:
    with team_under_test(tmp_path, tracker, None, documents=1, items=1) as team:
        run = HistoryRun(team, History.start(seed))
        run.run(STEPS)
    assert sum(run.kinds.values()) == STEPS
    assert run.checks["each current item keeps its issue"] == STEPS + 1


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("tracker", "seed"), [("jira", 3), ("github", 4)], ids=lambda value: str(value)
)
def test_a_randomized_history_on_postgresql(
    tmp_path: Path, postgres_url: str, tracker: str, seed: int
) -> None:
    with team_under_test(tmp_path, tracker, postgres_url, documents=1, items=1) as team:
        run = HistoryRun(team, History.start(seed))
        run.run(STEPS)
    assert sum(run.kinds.values()) == STEPS
    assert run.checks["each current item keeps its issue"] == STEPS + 1
