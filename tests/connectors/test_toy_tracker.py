"""The walk-through of a new connector: the toy tracker, built only on the kit, passes the
standard tracker suite with a harness of a few lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from syncd.connector.testing import TrackerHarness, TrackerSuite
from syncd.connector.testing.trackers import Garbage
from syncd.connector.tracker import Tracker, TrackerContext
from tests.connectors.toy_server import TOKEN, ToyServer
from tests.connectors.toy_tracker import ToySettings, ToyTracker

URL = "https://toy.example.com/api"


class ToyHarness(TrackerHarness):
    def __init__(self) -> None:
        self.server = ToyServer()

    def tracker(self, context: TrackerContext) -> Tracker:
        settings = ToySettings(url=URL, token=TOKEN, labels=("postmortem",))
        return ToyTracker(settings, context, transport=self.server.transport())

    def lose_next_create_answer(self) -> None:
        self.server.fault_next("POST", "lost")

    def fail_next_create(self) -> None:
        self.server.fault_next("POST", "500")

    def rate_limit_next_request(self, retry_after: int) -> None:
        self.server.fault_next("*", f"429:{retry_after}")

    def garble_next_request(self, garbage: Garbage) -> None:
        self.server.fault_next("*", garbage)

    def settings_with_secrets(self) -> ToySettings:
        return ToySettings(url=URL, token=TOKEN)


class TestToyTracker(TrackerSuite):
    @pytest.fixture
    def harness(self) -> TrackerHarness:
        return ToyHarness()


def test_the_toy_tracker_imports_nothing_of_syncd_but_the_kit() -> None:
    tree = ast.parse(Path(__file__).with_name("toy_tracker.py").read_text(encoding="utf-8"))
    modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    syncd_modules = {m for m in modules if m.split(".")[0] == "syncd"}
    assert syncd_modules and all(m.startswith("syncd.connector.") for m in syncd_modules)
