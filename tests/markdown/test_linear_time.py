"""Every pattern and loop that took super-linear time, run on a megabyte-scale hostile input.

No timing is measured: each case runs in a worker process under a budget (the per-document
budget's own machinery) of a minute, for work that now takes well under a second and took the
old code hours or forever. A regression comes back as ``Overran`` instead of hanging the suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.workers.pool import WorkerPool
from tests.support.linear_cases import CASES

ROOT = Path(__file__).resolve().parents[2]
BUDGET_SECONDS = 60.0


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(ROOT))
        workers = WorkerPool("tests.support.linear_cases:run_case", memory_bytes=4 << 30)
        try:
            yield workers
        finally:
            workers.stop()


def test_every_hostile_input_is_read_within_the_budget(pool: WorkerPool) -> None:
    names = list(CASES)
    results = dict(zip(names, pool.map(names, budget=BUDGET_SECONDS, workers=2), strict=True))
    failed = {name: result for name, result in results.items() if result != name}
    assert failed == {}


def test_the_cases_still_mean_something() -> None:
    # The inputs are the hostile ones, and the fixed functions still do their job on them.
    from connectors.markdown import labels, refs
    from connectors.markdown.annotations import extract_annotations, tidy

    assert tidy("x and and and") == "x"
    assert refs.strip_url_punctuation("https://x/a_(b))).") == "https://x/a_(b)"
    assert labels.display_label("## Action items %%%") == "Action items"
    assert labels.strip_markup("[a](b) [[c") == "a [[c"
    found = extract_annotations("@alice @bob fix the pool @carol")
    assert found.owner == "@alice @bob @carol"
    assert found.title == "fix the pool"
