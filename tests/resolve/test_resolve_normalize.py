from __future__ import annotations

import pytest

from syncd.model import ItemType, Priority
from syncd.resolve.normalize import normalize_priority, normalize_type


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("P0", Priority.P0),
        ("P1", Priority.P1),
        ("p1", Priority.P1),
        ("P2", Priority.P2),
        ("P3", Priority.P3),
        ("P4", Priority.P3),  # schemes with more levels fold into the lowest
        ("P5", Priority.P3),
        ("P-1", Priority.P1),
        ("p 2", Priority.P2),
        ("**P1**", Priority.P1),
        ("`P0`", Priority.P0),
        ("P1 - High", Priority.P1),
        ("High (P2)", Priority.P2),  # the code wins over the word
        ("critical", Priority.P0),
        ("Critical", Priority.P0),
        ("blocker", Priority.P0),
        ("Highest", Priority.P0),
        ("URGENT", Priority.P0),
        ("high", Priority.P1),
        ("High priority", Priority.P1),
        ("medium", Priority.P2),
        ("Normal", Priority.P2),
        ("moderate", Priority.P2),
        ("low", Priority.P3),
        ("Lowest", Priority.P3),
        ("minor", Priority.P3),
        ("nice to have", Priority.P3),
        ("Nice-to-have", Priority.P3),
        ("\U0001f534 Critical", Priority.P0),
    ],
)
def test_priorities_as_written(written: str, expected: Priority) -> None:
    assert normalize_priority(written) is expected


@pytest.mark.parametrize(
    "written",
    [
        None,
        "",
        "  ",
        "1",  # bare digits: P1 or severity 1? refused
        "2",
        "4",
        "Sev1",  # incident severity, not item priority
        "SEV-2",
        "sev 1",
        "severity 2",
        "S1",
        "P6",
        "P10",
        "priority",
        "important",
        "medium-high",
        "TBD",
        "ap1",
    ],
)
def test_what_is_not_a_priority_is_none(written: str | None) -> None:
    assert normalize_priority(written) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("mitigate", ItemType.MITIGATE),
        ("Mitigation", ItemType.MITIGATE),
        ("prevent", ItemType.PREVENT),
        ("Prevention", ItemType.PREVENT),
        ("preventive", ItemType.PREVENT),
        ("preventative", ItemType.PREVENT),
        ("detect", ItemType.DETECT),
        ("Detection", ItemType.DETECT),
        ("monitoring", ItemType.DETECT),
        ("Alerting", ItemType.DETECT),
        ("repair", ItemType.REPAIR),
        ("Corrective", ItemType.REPAIR),
        ("fix", ItemType.REPAIR),
        ("bugfix", ItemType.REPAIR),
        ("Bug fix", ItemType.REPAIR),
        ("bug-fix", ItemType.REPAIR),
        ("process", ItemType.PROCESS),
        ("Procedure", ItemType.PROCESS),
        ("documentation", ItemType.PROCESS),
        ("docs", ItemType.PROCESS),
        ("Runbook", ItemType.PROCESS),
        ("investigate", ItemType.INVESTIGATE),
        ("Investigation", ItemType.INVESTIGATE),
        ("spike", ItemType.INVESTIGATE),
        ("research", ItemType.INVESTIGATE),
        ("**Prevent**", ItemType.PREVENT),
        ("Mitigate / Prevent", ItemType.MITIGATE),  # the first known word decides
        ("Detection (monitoring)", ItemType.DETECT),
        ("other", ItemType.OTHER),
        ("improvement", ItemType.OTHER),  # written, but not one of ours
        ("Tech debt", ItemType.OTHER),
    ],
)
def test_types_as_written(written: str, expected: ItemType) -> None:
    assert normalize_type(written) is expected


@pytest.mark.parametrize("written", [None, "", "   ", "****", "?", "-", "TBD", "n/a", "N/A"])
def test_no_type_written_is_none(written: str | None) -> None:
    assert normalize_type(written) is None
