"""Fixtures shared by every test directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from syncd.store import StateStore
from syncd.store.database_url import parse_database_url
from tests.fakes.github.fixtures import fake_github, github_client
from tests.fakes.jira.fixtures import fake_jira, fake_jira_dc
from tests.support.postgres import postgres_database, postgres_url
from tests.support.wall_clock import _wall_clock_travel
from tests.support.warm_caches import write_bytecode, write_rewrite_cache

# fixtures, re-exported for every directory
__all__ = [
    "_wall_clock_travel",
    "fake_github",
    "fake_jira",
    "fake_jira_dc",
    "github_client",
    "postgres_database",
    "postgres_url",
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on the real PostgreSQL."""
    name: str = request.param
    return name


@pytest.fixture
def store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL of an empty store, as a user would write it."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'state.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite store migrated to the head, copied for each test that wants a migrated one
    (replaying every migration per test cost the suite tens of CPU-seconds)."""
    path = tmp_path_factory.mktemp("store-template") / "state.db"
    with StateStore.open(f"sqlite:///{path}") as store:
        store.migrate()
    return path


@pytest.fixture
def migrated_store_url(store_url: str, request: pytest.FixtureRequest) -> str:
    """``store_url`` with the store migrated to the head (SQLite: a copy of one migrated once)."""
    path = parse_database_url(store_url).sqlite_path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite_template"), path)
    return store_url


# The proofs that run real processes take tens of seconds each, the rest milliseconds. xdist's
# work stealing first splits the tests into one contiguous share per worker; dealt evenly, each
# share starts with its part of the long proofs and ends with short tests, which idle workers
# steal. Left in file order, one worker got most of the long proofs, and they ran last, alone:
# on two cores that tail was a third of the suite's time.
_LONG = ("tests/test_any_day.py", "tests/e2e/", "tests/history/", "tests/service/", "tests/fuzz/")
# The longest of them (a minute or more each on a loaded machine) are dealt first, so that no
# worker gets two: one worker holding the replicas proof and the six-months rerun ended the
# suite 25 s after the others.
_LONGEST = (
    "tests/test_any_day.py",
    "tests/service/test_service_replicas_proof.py",
    "tests/fuzz/test_hostile_inputs.py::test_any_configuration",
    "tests/e2e/test_fenced_writers.py",
)


def _longest_first(item: pytest.Item) -> int:
    return next(
        (n for n, prefix in enumerate(_LONGEST) if item.nodeid.startswith(prefix)), len(_LONGEST)
    )


def pytest_configure(config: pytest.Config) -> None:
    # The xdist controller, before its workers start (see tests/support/warm_caches.py).
    if os.environ.get("PYTEST_XDIST_WORKER") is None and config.getoption("numprocesses", None):
        write_rewrite_cache(config, Path(__file__).resolve().parent)
        write_bytecode(Path(__file__).resolve().parents[1])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    long = sorted((item for item in items if item.nodeid.startswith(_LONG)), key=_longest_first)
    short = [item for item in items if not item.nodeid.startswith(_LONG)]
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for n, item in enumerate(long):
        shares[n % workers].append(item)
    # The short tests in contiguous runs, so that a module's fixtures are set up once a worker;
    # each share is topped up to an equal size, so that the scheduler's split falls on the
    # shares' boundaries.
    size = -(-len(items) // workers)
    rest = iter(short)
    for share in shares:
        share.extend(item for _, item in zip(range(size - len(share)), rest, strict=False))
    shares[-1].extend(rest)
    items[:] = [item for share in shares for item in share]
