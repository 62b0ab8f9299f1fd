"""deploy/kubernetes: valid against the Kubernetes schemas (offline), and safe to run."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from syncd.config.loader import load_config
from tests.deploy.manifests import (
    KUBERNETES_DIR,
    SECRET_EXAMPLE,
    containers,
    kustomization,
    manifests,
    one,
    pod_spec,
    resource_files,
    yaml_documents,
)

# The oldest Kubernetes still commonly run, and a recent one.
KUBERNETES_VERSIONS = ["1.29.0", "1.33.0"]
APP_LABELS = {"app.kubernetes.io/name": "syncd", "app.kubernetes.io/component": "service"}
SECRET_NAME = "syncd-secrets"
# Names of environment variables and config values that carry credentials.
SECRET_NAME_PATTERN = re.compile(r"TOKEN|PASSWORD|PASSWD|SECRET|WEBHOOK|API_KEY|DATABASE_URL", re.I)
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}")


# ------------------------------------------------------------------------------- schemas


def test_every_file_in_the_directory_is_accounted_for() -> None:
    listed = {path.name for path in resource_files()}
    present = {path.name for path in KUBERNETES_DIR.glob("*.yaml")}
    assert present - listed == {"kustomization.yaml", SECRET_EXAMPLE.name}
    assert listed <= present


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_core_manifests_match_the_kubernetes_schemas(version: str) -> None:
    checked = []
    for manifest in [*manifests(), *yaml_documents(SECRET_EXAMPLE)]:
        if manifest["apiVersion"].startswith("monitoring.coreos.com/"):
            continue  # a CRD: checked against its own schema below
        # strict: unknown fields (a typo like `readinesProbe`) are errors too
        kubernetes_validate.validate(manifest, version, strict=True)
        checked.append(manifest["kind"])
    assert sorted(checked) == sorted(
        [
            "ServiceAccount",
            "ConfigMap",
            "ConfigMap",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "Secret",
        ]
    )


def test_a_broken_manifest_is_caught_by_the_schema_check() -> None:
    broken = one("Deployment")
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)


# The fields of monitoring.coreos.com/v1 ServiceMonitor that this deployment uses, as the
# Prometheus Operator's CRD defines them; unknown fields are refused, as a typo would be.
_LABEL_SELECTOR = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
        "matchExpressions": {"type": "array"},
    },
}
_DURATION = {  # the CRD's Duration pattern
    "type": "string",
    "pattern": (
        r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?"
        r"(([0-9]+)s)?(([0-9]+)ms)?)$"
    ),
}
SERVICE_MONITOR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "monitoring.coreos.com/v1"},
        "kind": {"const": "ServiceMonitor"},
        "metadata": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "spec": {
            "type": "object",
            "required": ["selector", "endpoints"],
            "additionalProperties": False,
            "properties": {
                "selector": _LABEL_SELECTOR,
                "namespaceSelector": {"type": "object"},
                "jobLabel": {"type": "string"},
                "endpoints": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "port": {"type": "string"},
                            "targetPort": {"type": ["string", "integer"]},
                            "path": {"type": "string", "pattern": "^/"},
                            "scheme": {"enum": ["http", "https", "HTTP", "HTTPS"]},
                            "interval": _DURATION,
                            "scrapeTimeout": _DURATION,
                            "honorLabels": {"type": "boolean"},
                            "relabelings": {"type": "array"},
                            "metricRelabelings": {"type": "array"},
                        },
                    },
                },
            },
        },
    },
}


def test_service_monitor_matches_its_crd_fields() -> None:
    monitor = one("ServiceMonitor")
    jsonschema.validate(monitor, SERVICE_MONITOR_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**monitor, "spec": {**monitor["spec"], "endpoint": []}}, SERVICE_MONITOR_SCHEMA
        )


def test_service_monitor_scrapes_metrics_of_the_service() -> None:
    monitor = one("ServiceMonitor")
    service = one("Service")
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )
    port_names = {port["name"] for port in service["spec"]["ports"]}
    for endpoint in monitor["spec"]["endpoints"]:
        assert endpoint["port"] in port_names
        assert endpoint["path"] == "/metrics"


def test_kustomize_renders_the_same_objects_when_kubectl_is_here() -> None:
    objects = {(m["kind"], m["metadata"]["name"]) for m in manifests()}
    assert ("Deployment", "syncd") in objects
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        # No kubectl: the kustomization must stay within what this test renders itself.
        assert set(kustomization()) <= {"apiVersion", "kind", "resources", "images"}
        return
    done = subprocess.run(
        [kubectl, "kustomize", str(KUBERNETES_DIR)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rendered = [doc for doc in yaml.safe_load_all(done.stdout) if doc]
    assert {(m["kind"], m["metadata"]["name"]) for m in rendered} == objects
    image = next(m for m in rendered if m["kind"] == "Deployment")["spec"]["template"]["spec"][
        "containers"
    ][0]["image"]
    assert image == "syncd:0.1.0"


# ------------------------------------------------------------------------------- workload


def test_deployment_runs_at_least_two_replicas_spread_over_nodes() -> None:
    deployment = one("Deployment")
    assert deployment["spec"]["replicas"] >= 2
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    spread = pod_spec()["topologySpreadConstraints"]
    assert any(c["topologyKey"] == "kubernetes.io/hostname" for c in spread)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"] == APP_LABELS
    assert APP_LABELS.items() <= labels.items()


def test_pdb_keeps_a_replica_and_selects_the_pods() -> None:
    pdb = one("PodDisruptionBudget")
    assert pdb["spec"]["minAvailable"] == 1
    assert pdb["spec"]["selector"]["matchLabels"] == APP_LABELS
    assert pdb["spec"]["minAvailable"] < one("Deployment")["spec"]["replicas"]


def test_service_selects_the_pods_on_the_http_port() -> None:
    service = one("Service")
    assert service["spec"]["selector"] == APP_LABELS
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] == "http"
    (container,) = pod_spec()["containers"]
    assert {"name": "http", "containerPort": 8080, "protocol": "TCP"} in container["ports"]


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


def test_probes_ask_healthz_and_readyz_on_the_http_port() -> None:
    (container,) = pod_spec()["containers"]
    assert _env(container)["SYNCD_HTTP_PORT"]["value"] == "8080"
    for probe, path in [
        ("livenessProbe", "/healthz"),
        ("startupProbe", "/healthz"),
        ("readinessProbe", "/readyz"),
    ]:
        http_get = container[probe]["httpGet"]
        assert http_get["path"] == path, probe
        assert http_get["port"] == "http", probe


def test_the_service_command_and_config_mount() -> None:
    (container,) = pod_spec()["containers"]
    assert container["args"] == ["run", "--config", "/etc/syncd"]
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert mounts["/etc/syncd"]["readOnly"] is True
    volumes = {v["name"]: v for v in pod_spec()["volumes"]}
    sources = volumes[mounts["/etc/syncd"]["name"]]["projected"]["sources"]
    assert {s["configMap"]["name"] for s in sources} == {"syncd-config", "syncd-teams"}


def test_every_team_file_is_projected_under_teams() -> None:
    teams = one("ConfigMap", "syncd-teams")["data"]
    volumes = {v["name"]: v for v in pod_spec()["volumes"]}
    projected = {
        s["configMap"]["name"]: s["configMap"]["items"]
        for s in volumes["config"]["projected"]["sources"]
    }
    assert {item["key"]: item["path"] for item in projected["syncd-teams"]} == {
        key: f"teams/{key}" for key in teams
    }
    settings = one("ConfigMap", "syncd-config")["data"]
    assert {item["key"]: item["path"] for item in projected["syncd-config"]} == {
        key: key for key in settings
    }


def test_resources_are_requested_and_limited() -> None:
    for container in containers():
        resources = container["resources"]
        assert resources["requests"] == {"cpu": "100m", "memory": "128Mi"}
        assert resources["limits"] == {"cpu": "500m", "memory": "256Mi"}


def test_pods_run_non_root_with_a_read_only_root() -> None:
    spec = pod_spec()
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] == 10001
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["automountServiceAccountToken"] is False
    assert spec.get("hostNetwork", False) is False
    assert spec.get("hostPID", False) is False
    for container in containers():
        context = container["securityContext"]
        assert context["runAsNonRoot"] is True
        assert context["runAsUser"] == 10001
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False
        assert context.get("privileged", False) is False
        assert context["capabilities"] == {"drop": ["ALL"]}
        assert context["seccompProfile"] == {"type": "RuntimeDefault"}


def test_the_state_dir_is_a_writable_empty_dir() -> None:
    (container,) = pod_spec()["containers"]
    state_dir = _env(container)["SYNCD_STATE_DIR"]["value"]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec()["volumes"]}
    assert "emptyDir" in volumes[mounts[state_dir]]
    assert "emptyDir" in volumes[mounts["/tmp"]]
    # git and Python write nowhere else: HOME and TMPDIR point into the writable mounts
    assert _env(container)["HOME"]["value"] == state_dir
    assert _env(container)["TMPDIR"]["value"] == "/tmp"


def test_secrets_reach_the_pod_only_through_the_secret() -> None:
    (container,) = pod_spec()["containers"]
    env = _env(container)
    database = env["SYNCD_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert database == {"name": SECRET_NAME, "key": "SYNCD_DATABASE_URL"}
    assert container["envFrom"] == [{"secretRef": {"name": SECRET_NAME}}]
    for name, item in env.items():
        if SECRET_NAME_PATTERN.search(name):
            assert "value" not in item, f"{name} is set in plain text"
            assert "secretKeyRef" in item["valueFrom"], name
    assert "Secret" not in {m["kind"] for m in manifests()}, "apply -k must not ship a Secret"


# ------------------------------------------------------------------------------- examples


def _config_maps_text() -> str:
    return "\n".join(
        value for m in manifests() if m["kind"] == "ConfigMap" for value in m["data"].values()
    )


def test_config_maps_hold_no_secret_values() -> None:
    text = _config_maps_text()
    for document in [m["data"] for m in manifests() if m["kind"] == "ConfigMap"]:
        for key, value in document.items():
            parsed = yaml.safe_load(value)
            for path, leaf in _leaves(parsed):
                if SECRET_NAME_PATTERN.search(path[-1] if path else ""):
                    assert isinstance(leaf, str), f"{key}: {path}"
                    assert VARIABLE.fullmatch(leaf), f"{key}: {'.'.join(path)} is not ${{VAR}}"
    assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", text), "a URL with a password"
    assert not re.search(r"hooks\.slack\.com|ghp_|github_pat_|xox[abpr]-", text)


def _leaves(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, str(k)))]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v, path)]
    return [(path, value)]


def test_secret_example_holds_placeholders_for_every_variable_the_config_uses() -> None:
    (secret,) = yaml_documents(SECRET_EXAMPLE)
    values = secret["stringData"]
    assert secret["metadata"]["name"] == SECRET_NAME
    needed = set(VARIABLE.findall(_config_maps_text()))
    assert needed <= values.keys(), f"missing from the example Secret: {needed - values.keys()}"
    assert "SYNCD_DATABASE_URL" in values
    for key, value in values.items():
        assert "REPLACE_ME" in value, f"{key} is not a marked placeholder"
    assert values["SYNCD_DATABASE_URL"].startswith("postgresql://")


def test_example_config_loads_without_errors(tmp_path: Path) -> None:
    """The ConfigMaps, laid out as the pod sees them, are a valid syncd configuration."""
    root = tmp_path / "etc-syncd"
    (root / "teams").mkdir(parents=True)
    for name, value in one("ConfigMap", "syncd-config")["data"].items():
        (root / name).write_text(value, encoding="utf-8")
    for name, value in one("ConfigMap", "syncd-teams")["data"].items():
        (root / "teams" / name).write_text(value, encoding="utf-8")
    (secret,) = yaml_documents(SECRET_EXAMPLE)
    (container,) = pod_spec()["containers"]
    env = {k: v["value"] for k, v in _env(container).items() if "value" in v}
    env.update(secret["stringData"])
    loaded = load_config(root, env=env)
    assert loaded.errors == []
    assert [team.config.team for team in loaded.teams] == ["payments"]
    assert loaded.service.database_url.startswith("postgresql://")
    assert loaded.service.http_port == 8080
    assert str(loaded.service.state_dir) == "/var/lib/syncd"
