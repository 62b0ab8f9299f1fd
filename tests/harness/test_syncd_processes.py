"""The tests' ``python -m syncd`` (forked from a zygote) behaves as a fresh interpreter would."""

from __future__ import annotations

import os
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.writers_support import wait_for
from tests.service.service_support import free_port
from tests.support import syncd_process
from tests.support.syncd_process import EXEC_ENV, ForkedProcess

EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config"
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def _both(monkeypatch: pytest.MonkeyPatch, args: list[str], **kw: object) -> list[object]:
    """What ``run`` gives forked, then with a fresh interpreter."""
    results = []
    for exec_mode in ("", "1"):
        monkeypatch.setenv(EXEC_ENV, exec_mode)
        done = syncd_process.run(args, capture_output=True, text=True, timeout=60, **kw)  # type: ignore[arg-type]
        results.append((done.returncode, done.stdout, done.stderr))
    return results


def test_a_forked_run_answers_as_a_fresh_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    forked, fresh = _both(monkeypatch, ["--version"], env=ENV)
    assert forked == fresh
    assert forked[0] == 0 and forked[1].startswith("syncd ")  # type: ignore[index]


def test_errors_exit_codes_and_stderr_match(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    forked, fresh = _both(
        monkeypatch, ["check", "--config", str(tmp_path / "missing")], env=ENV, cwd=tmp_path
    )
    assert forked == fresh
    assert forked[0] == 2 and "does not exist" in forked[2]  # type: ignore[index,operator]


def test_the_child_sees_only_its_own_environment_and_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The config path is relative: found only when the child runs in the requested directory.
    (tmp_path / "teams").mkdir()
    monkeypatch.setenv("SYNCD_CONFIG", str(tmp_path / "elsewhere"))  # not passed to the child
    forked, fresh = _both(monkeypatch, ["check", "--config", "."], env=ENV, cwd=tmp_path)
    assert forked == fresh
    assert "elsewhere" not in str(forked)


def _service_env(tmp_path: Path) -> dict[str, str]:
    return {**ENV, "SYNCD_STATE_DIR": str(tmp_path / "state"), "SYNCD_HTTP_PORT": str(free_port())}


def test_a_forked_process_can_be_frozen_resumed_and_killed(tmp_path: Path) -> None:
    env = _service_env(tmp_path)
    process = syncd_process.popen(
        ["run", "--config", str(EXAMPLE_CONFIG)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert isinstance(process, ForkedProcess) and process.pid != os.getpid()
    wait_for("the service to answer", lambda: _answers(env["SYNCD_HTTP_PORT"]))
    process.send_signal(signal.SIGSTOP)
    process.send_signal(signal.SIGCONT)
    assert process.poll() is None
    process.kill()
    assert process.wait(timeout=30) == -signal.SIGKILL
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)


def test_a_timeout_kills_the_process_and_says_so(tmp_path: Path) -> None:
    env = _service_env(tmp_path)
    with pytest.raises(subprocess.TimeoutExpired):
        syncd_process.run(["run", "--config", str(EXAMPLE_CONFIG)], env=env, timeout=3)
    assert not _answers(env["SYNCD_HTTP_PORT"])  # killed, not left running


def _answers(port: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False
