"""SIGTERM and SIGINT ask the service to stop; SIGHUP asks it to reload its configuration.

Handlers only set events: the main thread does the work, outside the signal handler.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType


class ServiceSignals:
    def __init__(self) -> None:
        self.stop = threading.Event()
        self.reload = threading.Event()
        self.wake = threading.Event()  # set by either, so the main loop wakes at once

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)

    def _on_stop(self, _signum: int, _frame: FrameType | None) -> None:
        self.stop.set()
        self.wake.set()

    def _on_reload(self, _signum: int, _frame: FrameType | None) -> None:
        self.reload.set()
        self.wake.set()
