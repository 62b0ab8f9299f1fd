"""CPU time and memory of a running process, read from Linux's /proc."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class ProcStats:
    cpu_seconds: float  # user + system time so far
    rss_kib: int  # VmRSS
    peak_rss_kib: int  # VmHWM: the high-water mark of RSS
    threads: int


def proc_stats(pid: int) -> ProcStats:
    proc = Path("/proc") / str(pid)
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    fields = (proc / "stat").read_text().rpartition(")")[2].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of stat(5)
    status: dict[str, str] = {}
    for line in (proc / "status").read_text().splitlines():
        key, _, value = line.partition(":")
        status[key] = value.strip()
    return ProcStats(
        cpu_seconds=(utime + stime) / _TICKS,
        rss_kib=int(status["VmRSS"].split()[0]),
        peak_rss_kib=int(status["VmHWM"].split()[0]),
        threads=int(status["Threads"]),
    )
