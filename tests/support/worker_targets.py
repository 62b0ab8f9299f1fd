"""Jobs for the worker-pool tests, run inside ``python -m syncd.workers.main``."""

from __future__ import annotations

import os
import signal
from typing import Any

from connectors.markdown.files import FoundFile, PathProblem
from connectors.markdown.worker import load_and_extract
from syncd.model import ExtractedDocument


def echo(job: Any) -> Any:
    return job


def forever(job: Any) -> Any:
    """Never returns: only the budget ends it. The pid lets a test see the process end."""
    pid_file = str(job)
    with open(pid_file, "w", encoding="utf-8") as out:
        out.write(str(os.getpid()))
    while True:
        pass


def allocate(job: Any) -> Any:
    """Asks for more memory than a worker may use."""
    return len(bytearray(int(job)))


def die(job: Any) -> Any:
    os.kill(os.getpid(), signal.SIGKILL)
    return job


def raise_error(job: Any) -> Any:
    raise ValueError(f"no good: {job}")


def extract_or_hang(job: tuple[FoundFile, int, str]) -> ExtractedDocument | PathProblem:
    """The markdown worker, except that a document named ``*hang*`` never finishes."""
    if "hang" in job[0].document:
        while True:
            pass
    return load_and_extract(job)
