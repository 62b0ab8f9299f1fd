"""The write-back stage's handling of a source's answer: counted, reported, and a crashing
source costing only its own write-back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from syncd.connector.write_back import (
    EditOutcome,
    EditResult,
    WriteBackEdit,
    WriteBackResult,
    WritesBack,
)
from syncd.cycle.write_back_stage import SourceWriteBack, _written
from syncd.output.logs import get_logger

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
EDITS = (
    WriteBackEdit(
        "a", "pm.md", 5, "Add an alert", "PAY-1", "https://j.example/browse/PAY-1", False
    ),
    WriteBackEdit("b", "pm.md", 6, "Write a runbook", "PAY-2", None, True),
)


class Answering:
    def __init__(self, result: WriteBackResult | Exception) -> None:
        self.result = result
        self.calls: list[Sequence[WriteBackEdit]] = []

    @property
    def writes_back(self) -> bool:
        return True

    def write_back(self, edits: Sequence[WriteBackEdit], now: datetime) -> WriteBackResult:
        self.calls.append(edits)
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_a_source_that_writes_is_counted_and_reported() -> None:
    source = Answering(
        WriteBackResult(
            (
                EditResult("a", EditOutcome.WRITTEN),
                EditResult("b", EditOutcome.FAILED, "no place on line 6"),
            ),
            "https://github.example/acme/pm/pull/7",
        )
    )
    assert isinstance(source, WritesBack)
    done = _written(source, "pm", EDITS, NOW, get_logger(team="payments"))
    assert source.calls == [EDITS]
    assert done.written == 1
    assert done.outcome_of("b") is EditOutcome.FAILED
    assert done.as_json() == {
        "source": "pm",
        "change": "https://github.example/acme/pm/pull/7",
        "error": None,
        "edits": [
            {**EDITS[0].as_json(), "outcome": "written"},
            {**EDITS[1].as_json(), "outcome": "failed", "reason": "no place on line 6"},
        ],
        "withdrawn": None,
    }


def test_a_crashing_source_is_a_retry_of_its_edits_only() -> None:
    done = _written(Answering(RuntimeError("boom")), "pm", EDITS, NOW, get_logger(team="payments"))
    assert done.error == "RuntimeError: boom"
    assert [r.outcome for r in done.result.results] == [EditOutcome.RETRY] * 2  # type: ignore[union-attr]
    assert done.written == 0


def test_planned_edits_show_as_planned() -> None:
    planned = SourceWriteBack("pm", EDITS)
    assert [e["outcome"] for e in planned.as_json()["edits"]] == ["planned", "planned"]
    assert planned.written == 0 and planned.outcome_of("a") is None


def test_write_backs_are_a_metric_forgotten_with_the_team() -> None:
    from prometheus_client import generate_latest

    from syncd.service.metrics import ServiceMetrics

    metrics = ServiceMetrics()
    metrics.write_backs.labels("payments", "written").inc(2)
    shown = generate_latest(metrics.registry).decode()
    assert 'syncd_write_backs_total{outcome="written",team="payments"} 2.0' in shown
    metrics.forget_team("payments")
    assert 'team="payments"' not in generate_latest(metrics.registry).decode()
