"""The proof: a randomized history (issue 10, point 8), with real ``syncd`` processes.

Each case applies a seeded sequence of steps (``tests.history.model``) to a team's postmortems
and to the fake tracker, and checks after each step's final clean sync that every current item
has exactly one issue, the one it had before; that no issue carries two markers; that no item
was mirrored twice and no issue deleted; that no person's edit was overwritten; and that every
removed item was reported (``tests.history.runner``).

To stay within CI's time, each case is short and runs chosen kinds of steps (their details are
drawn from the seed), so that the three cases together run every kind: Jira and GitHub on
SQLite, and Jira on PostgreSQL, where a killed or frozen writer's lease and intents are taken
over. ``python -m bench.history_soak`` runs hundreds of steps, every kind on every tracker and
store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.writers_support import team_under_test
from tests.history.model import STEP_KINDS, History, Step
from tests.history.runner import HistoryRun

ON_SQLITE = {
    "jira": ("person_edit", "reword", "move_section", "sigkill", "garbage_answer"),
    "github": ("remove_item", "rename_file", "reorder", "two_syncs", "lose_store"),
}
ON_POSTGRESQL = ("rename_source", "add_item", "freeze_resume", "move_folder", "beside_run")


def test_the_cases_run_every_kind_of_step() -> None:
    assert {*ON_SQLITE["jira"], *ON_SQLITE["github"], *ON_POSTGRESQL} == set(STEP_KINDS)


def _history(run: HistoryRun, kinds: tuple[str, ...]) -> None:
    run.begin()
    for kind in kinds:
        run.step(kind)
    assert run.kinds == {kind: kinds.count(kind) for kind in kinds}
    assert run.checks["each current item keeps its issue"] == len(kinds) + 1
    assert run.checks["no issue deleted"] == len(kinds) + 1


@pytest.mark.parametrize(("tracker", "seed"), [("jira", 1), ("github", 2)])
def test_a_randomized_history_on_sqlite(tmp_path: Path, tracker: str, seed: int) -> None:
    with team_under_test(tmp_path, tracker, None, documents=1, items=1) as team:
        run = HistoryRun(team, History.start(seed))
        _history(run, ON_SQLITE[tracker])
        if tracker != "jira":
            return
        # The checks can fail: a marker copied onto a second issue, then the item's issue gone.
        state = team.workspace.fake.state
        some_key = next(iter(run.keys.values()))
        with state.lock:
            marker = next(x for x in state.issue(some_key).labels if x.startswith("syncd-"))
        copy = {"summary": "A copy", "labels": [marker]}
        state.create_issue({"project": {"key": "PAY"}, "issuetype": {"name": "Task"}, **copy})
        with pytest.raises(AssertionError, match="marker is on"):
            run.check(Step(0, "reorder", None))
        with state.lock:
            del state.issues[some_key]
            del state.issues[max(state.issues, key=lambda k: state.issues[k].number)]  # the copy
        with pytest.raises(AssertionError, match=r"marker is on None"):
            run.check(Step(0, "reorder", None))


@pytest.mark.postgres
def test_a_randomized_history_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    with team_under_test(tmp_path, "jira", postgres_url, documents=1, items=1) as team:
        _history(HistoryRun(team, History.start(3)), ON_POSTGRESQL)
