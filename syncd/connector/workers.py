"""Worker processes for CPU-bound reads of untrusted input (a parser on a hostile document).

:func:`shared_pool` gives the pool of a worker target; a job past its budget comes back as
:class:`Overran`, a crashed one as :class:`WorkerFailed`; :class:`WorkersStopped` is raised when
the service ends the workers. :func:`freeze_on_document` is the test-only freeze point of a
reading process (never set in production).
"""

from __future__ import annotations

from syncd.test_hooks import freeze_on_document
from syncd.workers.pool import Overran, WorkerFailed, WorkersStopped, shared_pool, usable_cores

__all__ = [
    "Overran",
    "WorkerFailed",
    "WorkersStopped",
    "freeze_on_document",
    "shared_pool",
    "usable_cores",
]
