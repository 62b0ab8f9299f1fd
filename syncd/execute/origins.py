"""Recording where each new issue came from, in trackers that keep it apart from the create.

The origin is the state store's backup (``syncd.cycle.recovery``); an issue without one is still
matched by its own text, so a failure here is logged, never fatal and never retried blindly.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from syncd.http import AuthError, HttpError
from syncd.mirror.model import IssueOrigin
from syncd.output.logs import (
    current_reporter,
    failures_reported_by_if,
    get_logger,
    shared_reporter,
)
from syncd.tracker import RecordsOrigins, Tracker

ORIGIN_WORKERS = 8  # independent writes: a few at a time, paced by the HTTP policy


def record_origins(created: Sequence[tuple[str, IssueOrigin]], tracker: Tracker, team: str) -> None:
    """One write per new issue (key, origin), for a tracker that needs one."""
    if not created or not isinstance(tracker, RecordsOrigins):
        return
    recorder: RecordsOrigins = tracker
    log = get_logger(team=team, tracker=tracker.system)
    # The pool's threads report HTTP failures to this cycle's reporter too (under ``syncd run``,
    # a failing request is news once, not on every tick).
    reporter = shared_reporter(current_reporter())

    def record(pair: tuple[str, IssueOrigin]) -> None:
        key, origin = pair
        try:
            with failures_reported_by_if(reporter):
                recorder.record_origin(key, origin)
        except AuthError:
            raise
        except HttpError as exc:
            log.warning("mirror.origin_not_recorded", key=key, item=origin.item_id, error=str(exc))

    with ThreadPoolExecutor(max_workers=min(ORIGIN_WORKERS, len(created))) as pool:
        list(pool.map(record, created))
