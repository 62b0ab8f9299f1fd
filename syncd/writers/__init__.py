"""One writer per team: whoever writes a team (``sync``, ``digest``, a cycle of ``run``)
holds it first, and a second writer waits a bounded time, then says who holds it and leaves.

SQLite: an OS file lock per team beside the database (``file_lock``); the kernel frees it when
the process ends, however it ends. PostgreSQL: the team's lease, the one ``syncd run`` replicas
share (``lease_writer``), with a fencing epoch that every store write of the cycle checks.
"""

from __future__ import annotations

from syncd.writers.claim import Holder, TeamBusyError, TeamWriter
from syncd.writers.take import take_team

__all__ = ["Holder", "TeamBusyError", "TeamWriter", "take_team"]
