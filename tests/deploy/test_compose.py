"""deploy/compose: two syncd replicas on a health-checked PostgreSQL, secrets from .env."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_DIR = ROOT / "deploy" / "compose"
COMPOSE = COMPOSE_DIR / "compose.yaml"
ENV_EXAMPLE = COMPOSE_DIR / ".env.example"
SECRET_KEY = re.compile(r"TOKEN|PASSWORD|SECRET|WEBHOOK|API_KEY", re.I)


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # resolves the << merges
    assert isinstance(loaded, dict)
    return loaded


def _syncd_services() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in _compose()["services"].items() if name.startswith("syncd")}


def test_two_syncd_replicas_and_postgres() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "syncd-1", "syncd-2"}
    assert services["postgres"]["image"].startswith("postgres:")


def test_postgres_has_a_healthcheck_and_a_volume() -> None:
    postgres = _compose()["services"]["postgres"]
    assert postgres["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "pg_isready" in postgres["healthcheck"]["test"][1]
    volume, _, target = postgres["volumes"][0].partition(":")
    assert target == "/var/lib/postgresql/data"
    assert volume in _compose()["volumes"]
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_syncd_waits_for_a_healthy_database_and_shares_it() -> None:
    urls = set()
    for name, service in _syncd_services().items():
        assert service["depends_on"] == {"postgres": {"condition": "service_healthy"}}, name
        assert service["build"] == {"context": "../..", "dockerfile": "Dockerfile"}
        assert (COMPOSE_DIR / service["build"]["context"] / "Dockerfile").is_file()
        urls.add(service["environment"]["SYNCD_DATABASE_URL"])
    (url,) = urls  # one database for every replica
    assert url.startswith("postgresql://syncd:${POSTGRES_PASSWORD")
    assert url.endswith("@postgres:5432/syncd")


def test_each_replica_has_config_state_and_its_own_port() -> None:
    ports = set()
    for name, service in _syncd_services().items():
        mounts = dict(reversed(v.split(":", 1)) for v in service["volumes"])
        assert mounts["/etc/syncd:ro"] == "../../config", name
        assert (COMPOSE_DIR / "../../config/teams").is_dir()
        assert mounts["/var/lib/syncd"] in _compose()["volumes"], name
        assert service["environment"]["SYNCD_STATE_DIR"] == "/var/lib/syncd"
        (port,) = service["ports"]
        assert port.startswith("127.0.0.1:") and port.endswith(":8080")
        ports.add(port)
    assert len(ports) == 2
    state_volumes = {
        dict(reversed(v.split(":", 1)) for v in s["volumes"])["/var/lib/syncd"]
        for s in _syncd_services().values()
    }
    assert len(state_volumes) == 2, "each replica has its own clones and caches"


def test_syncd_runs_locked_down() -> None:
    for name, service in _syncd_services().items():
        assert service["user"] == "10001:10001", name
        assert service["read_only"] is True
        assert service["cap_drop"] == ["ALL"]
        assert "no-new-privileges:true" in service["security_opt"]
        assert service["stop_grace_period"] == "15s"


def test_secrets_come_only_from_the_env_file() -> None:
    for name, service in _syncd_services().items():
        assert service["env_file"] == ".env", name
        for key, value in service["environment"].items():
            assert not SECRET_KEY.search(key), f"{name}: {key} set in compose.yaml"
            assert "REPLACE_ME" not in str(value)
    example = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            example[key] = value
    assert "POSTGRES_PASSWORD" in example
    for key, value in example.items():
        if SECRET_KEY.search(key):
            assert "REPLACE_ME" in value, key
    # every ${VAR} the compose file needs is in the example
    text = "\n".join(
        line
        for line in COMPOSE.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    )
    needed = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    assert needed == {"POSTGRES_PASSWORD"}
    assert needed <= example.keys()
