"""Reading processes per container: no more than its CPU quota, whatever the node's cores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from syncd.workers.pool import usable_cores

NODE = len(os.sched_getaffinity(0))


def v2(tmp_path: Path, text: str) -> Path:
    (tmp_path / "cpu.max").write_text(text)
    return tmp_path


def v1(tmp_path: Path, quota: str, period: str) -> Path:
    (tmp_path / "cpu").mkdir(parents=True)
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text(quota)
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text(period)
    return tmp_path


@pytest.mark.parametrize(
    ("quota", "expected"),
    [("50000 100000\n", 1), ("100000 100000\n", 1), ("150000 100000\n", 2), ("max 100000\n", NODE)],
)
def test_a_cgroup_v2_quota_caps_the_cores(tmp_path: Path, quota: str, expected: int) -> None:
    assert usable_cores(v2(tmp_path, quota)) == min(expected, NODE)


def test_a_cgroup_v1_quota_caps_the_cores_and_minus_one_is_unlimited(tmp_path: Path) -> None:
    assert usable_cores(v1(tmp_path / "a", "50000\n", "100000\n")) == 1
    assert usable_cores(v1(tmp_path / "b", "-1\n", "100000\n")) == NODE


def test_no_cgroup_files_or_garbage_in_them_leave_the_cores_as_they_are(tmp_path: Path) -> None:
    assert usable_cores(tmp_path) == NODE
    assert usable_cores(v2(tmp_path, "lots of cpu\n")) == NODE
