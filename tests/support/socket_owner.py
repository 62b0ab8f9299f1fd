"""Which local process owns the client end of a loopback TCP connection (Linux ``/proc``).

For the fakes' request logs in the proofs with several ``syncd`` processes: a write the fake
received is attributed to the process that sent it, not guessed from timings. Best effort:
None when ``/proc`` does not say (another OS, the process already gone).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def _socket_inode(port: int) -> str | None:
    """The inode of the IPv4/IPv6 TCP socket whose local port is ``port``."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rpartition(":")[2], 16)
            if local_port == port and fields[9] != "0":
                return fields[9]
    return None


def owner_of_port(port: int, candidates: Iterable[int]) -> int | None:
    """Which of the pids ``candidates`` holds the TCP socket bound to local ``port``, or None.
    (Only the candidates' descriptors are read: scanning every process takes long enough to
    change the timings the proofs are about.)"""
    inode = _socket_inode(port)
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in candidates:
        try:
            for fd in os.scandir(f"/proc/{pid}/fd"):
                try:
                    if os.readlink(fd.path) == target:
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None
