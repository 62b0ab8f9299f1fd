"""deploy/systemd: the unit parses, is hardened, passes `systemd-analyze`, and Python runs in it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.unit_file import UnitSyntaxError, read_unit

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD_DIR = ROOT / "deploy" / "systemd"
UNIT = SYSTEMD_DIR / "syncd.service"
ENV_EXAMPLE = SYSTEMD_DIR / "syncd.env.example"

# Hardening that must be present, with the value it must have.
REQUIRED = {
    "DynamicUser": "yes",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "StateDirectory": "syncd",
    "ConfigurationDirectory": "syncd",
    "ReadWritePaths": "%S/syncd",
    "CapabilityBoundingSet": "",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    "LockPersonality": "yes",
    "MemoryDenyWriteExecute": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "RestrictNamespaces": "yes",
    "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes",
    "Restart": "on-failure",
    "TimeoutStopSec": "15",
    "KillSignal": "SIGTERM",
    "EnvironmentFile": "/etc/syncd/syncd.env",
}


def _service() -> dict[str, list[str]]:
    return read_unit(UNIT)["Service"]


def test_unit_parses_into_its_sections() -> None:
    unit = read_unit(UNIT)
    assert set(unit) == {"Unit", "Service", "Install"}
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]
    assert "network-online.target" in unit["Unit"]["After"][0].split()


def test_the_reader_refuses_a_broken_unit(tmp_path: Path) -> None:
    broken = tmp_path / "broken.service"
    broken.write_text("[Service]\nExecStart /bin/true\n", encoding="utf-8")
    with pytest.raises(UnitSyntaxError, match="not a Key=value"):
        read_unit(broken)


@pytest.mark.parametrize(("key", "value"), sorted(REQUIRED.items()))
def test_hardening_option_is_set(key: str, value: str) -> None:
    assert _service().get(key) == [value], key


def test_system_calls_are_filtered_to_a_service_set() -> None:
    filters = _service()["SystemCallFilter"]
    assert "@system-service" in filters
    assert any(f.startswith("~") and "@privileged" in f for f in filters)
    assert _service()["SystemCallArchitectures"] == ["native"]


def test_service_runs_syncd_run_on_etc_syncd_and_reloads_with_sighup() -> None:
    (command,) = _service()["ExecStart"]
    executable, *args = command.split()
    assert executable.endswith("/syncd") and executable.startswith("/")
    assert args == ["run", "--config", "/etc/syncd"]
    assert _service()["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    # SIGTERM ends syncd within 10 s: the stop timeout leaves room, but not minutes
    assert 10 < int(_service()["TimeoutStopSec"][0]) <= 30


def test_state_is_in_the_state_directory_and_secrets_only_in_the_environment_file() -> None:
    environment = dict(line.split("=", 1) for line in _service()["Environment"])
    assert environment["SYNCD_STATE_DIR"] == "%S/syncd"
    assert environment["SYNCD_LOG_FORMAT"] == "json"
    for name in environment:
        assert not any(word in name for word in ("TOKEN", "PASSWORD", "WEBHOOK", "DATABASE"))


def test_environment_file_example_holds_only_placeholders() -> None:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, equals, value = line.partition("=")
            assert equals, line
            values[name] = value
    for name in ("SYNCD_DATABASE_URL", "JIRA_TOKEN", "GITHUB_TOKEN", "SLACK_WEBHOOK_PAYMENTS"):
        assert "REPLACE_ME" in values[name], name


def _verifiable_copy(tmp_path: Path) -> Path:
    """The unit with ExecStart pointing at an executable that exists on this machine.

    `systemd-analyze verify` checks that the program exists; /opt/syncd is where an install
    puts it, not where this test runs. Everything else stays as shipped.
    """
    program = tmp_path / "syncd"
    program.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    program.chmod(0o755)
    (command,) = _service()["ExecStart"]
    shipped = command.split()[0]
    copy = tmp_path / "syncd.service"
    copy.write_text(
        UNIT.read_text(encoding="utf-8").replace(f"ExecStart={shipped} ", f"ExecStart={program} "),
        encoding="utf-8",
    )
    return copy


def _systemd_analyze(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("systemd-analyze")
    assert tool is not None
    return subprocess.run(
        [tool, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_PAGER": ""},
    )


def test_systemd_analyze_verify_finds_nothing_where_it_exists(tmp_path: Path) -> None:
    # The reader above already checked the syntax everywhere; this adds systemd's own opinion.
    if shutil.which("systemd-analyze") is None:
        assert read_unit(UNIT)["Service"]["ExecStart"]
        return
    copy = _verifiable_copy(tmp_path)
    done = _systemd_analyze("verify", str(copy))
    assert done.returncode == 0, done.stdout + done.stderr
    # verify reports unknown keys and bad values as warnings, with exit status 0
    assert done.stdout.strip() == "" and done.stderr.strip() == "", done.stdout + done.stderr

    misspelt = tmp_path / "misspelt.service"
    misspelt.write_text(
        copy.read_text(encoding="utf-8").replace("NoNewPrivileges=", "NoNewPrivilege="),
        encoding="utf-8",
    )
    assert "Unknown key" in _systemd_analyze("verify", str(misspelt)).stderr

    # exposure 0 (locked down) .. 10 (unsafe); the threshold is in tenths
    security = _systemd_analyze("security", "--offline=yes", "--threshold=20", str(copy))
    assert security.returncode == 0, security.stdout[-2000:]
    assert "Overall exposure level" in security.stdout


def test_python_and_syncd_run_under_memory_deny_write_execute(tmp_path: Path) -> None:
    """MemoryDenyWriteExecute=yes: CPython and syncd's native extensions never need W+X memory.

    The kernel's PR_SET_MDWE (Linux 6.3+) enforces the same rule that systemd's
    MemoryDenyWriteExecute= does; the child sets it on itself, proves it is in force, then
    imports the libraries of the service and runs a dry sync of the example configuration.
    """
    script = tmp_path / "mdwe.py"
    script.write_text(
        "import ctypes, mmap, runpy, sys\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1\n"
        "if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:\n"
        "    sys.exit(f'PR_SET_MDWE failed, errno {ctypes.get_errno()} (needs Linux 6.3+)')\n"
        "try:\n"
        "    mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\n"
        "    sys.exit('MDWE is not in force: W+X memory was mapped')\n"
        "except PermissionError:\n"
        "    pass\n"
        "import apscheduler, github, httpx, jira, prometheus_client\n"
        "import psycopg, sqlalchemy, structlog\n"
        "sys.argv = ['syncd', 'sync', '--config', sys.argv[1], '--dry-run', '--json']\n"
        "runpy.run_module('syncd', run_name='__main__')\n",
        encoding="utf-8",
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SYNCD_") and key not in ("JIRA_TOKEN", "GITHUB_TOKEN")
    }
    env.update(HOME=str(tmp_path), SYNCD_STATE_DIR=str(tmp_path / "state"), NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, str(script), str(ROOT / "config")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["teams"]["payments"]["errors"] == []
    assert result["teams"]["payments"]["tracked"] > 0
