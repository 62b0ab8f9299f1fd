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
from prometheus_client.metrics import MetricWrapperBase

from syncd.config.loader import load_config
from syncd.service.metrics import ServiceMetrics
from syncd.service.readiness import STORE_CHECK_TIMEOUT
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
from tests.service.in_process import service_in_process
from tests.service.service_support import (
    JIRA_TOKEN,
    free_port,
    http_get,
    jira_tracker,
    wait_for,
    write_team,
)
from tests.support.configmap_volume import write_configmap_volume

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
            continue  # the Prometheus Operator's CRDs: checked against their fields below
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


_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
# The fields of monitoring.coreos.com/v1 PrometheusRule, as the Prometheus Operator's CRD
# defines them; unknown fields are refused.
PROMETHEUS_RULE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "monitoring.coreos.com/v1"},
        "kind": {"const": "PrometheusRule"},
        "metadata": SERVICE_MONITOR_SCHEMA["properties"]["metadata"],
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "groups": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string", "minLength": 1},
                            "interval": _DURATION,
                            "partial_response_strategy": {"type": "string"},
                            "rules": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["expr"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "alert": {"type": "string"},
                                        "record": {"type": "string"},
                                        "expr": {"type": ["string", "integer"]},
                                        "for": _DURATION,
                                        "keep_firing_for": _DURATION,
                                        "labels": _STRING_MAP,
                                        "annotations": _STRING_MAP,
                                    },
                                    "oneOf": [
                                        {"required": ["alert"]},
                                        {"required": ["record"]},
                                    ],
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def _alert_rules() -> dict[str, dict[str, Any]]:
    rule = one("PrometheusRule")
    return {r["alert"]: r for group in rule["spec"]["groups"] for r in group["rules"]}


def test_prometheus_rule_matches_its_crd_fields() -> None:
    rule = one("PrometheusRule")
    jsonschema.validate(rule, PROMETHEUS_RULE_SCHEMA)
    broken = yaml.safe_load(yaml.safe_dump(rule))
    broken["spec"]["groups"][0]["rules"][0]["fore"] = "5m"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, PROMETHEUS_RULE_SCHEMA)
    assert rule["metadata"]["labels"].items() >= APP_LABELS.items()


def _exported_series() -> dict[str, set[str]]:
    """Every series name syncd exports, with the labels it carries."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
    found: dict[str, set[str]] = {}
    for metric in vars(ServiceMetrics()).values():
        # prometheus_client publishes neither a metric's name nor its label names but here
        if isinstance(metric, MetricWrapperBase):
            for suffix in suffixes.get(metric._type, ("",)):
                found[metric._name + suffix] = set(metric._labelnames)
    return found


def test_alert_rules_watch_the_teams_through_series_syncd_exports() -> None:
    """/readyz ignores failing teams on purpose; these alerts are where they show. Every
    series an expression names exists, and the team alerts keep the `team` label."""
    exported = _exported_series()
    rules = _alert_rules()
    assert {"SyncdTeamSyncFailing", "SyncdTeamNotSynced"} <= set(rules)
    for name, rule in rules.items():
        used = set(re.findall(r"\bsyncd_[a-z0-9_]+", rule["expr"]))
        assert used <= set(exported), f"{name}: {used - set(exported)} is not exported"
        assert rule["labels"]["severity"] in {"warning", "critical"}, name
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], name
        if name.startswith("SyncdTeam"):
            assert "by (namespace, team)" in rule["expr"], name
            # The service's sync interval is one figure for all teams: the alert's yardstick.
            per_team = used - {"syncd_sync_interval_seconds"}
            assert per_team and all("team" in exported[series] for series in per_team), name
            assert "{{ $labels.team }}" in rule["annotations"]["summary"], name
    failing = rules["SyncdTeamSyncFailing"]["expr"]
    assert "syncd_sync_consecutive_failures" in failing


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


def _mounts() -> dict[str, dict[str, Any]]:
    """Each mount path of the container, with the volume mounted there."""
    (container,) = pod_spec()["containers"]
    volumes = {v["name"]: v for v in pod_spec()["volumes"]}
    return {m["mountPath"]: {**m, "volume": volumes[m["name"]]} for m in container["volumeMounts"]}


def test_the_service_command_and_config_mounts() -> None:
    (container,) = pod_spec()["containers"]
    assert container["args"] == ["run", "--config", "/etc/syncd"]
    teams_dir = _env(container)["SYNCD_TEAMS_DIR"]["value"]
    mounts = _mounts()
    for path, config_map in [("/etc/syncd", "syncd-config"), (teams_dir, "syncd-teams")]:
        assert mounts[path]["readOnly"] is True
        assert mounts[path]["volume"]["configMap"]["name"] == config_map


def test_the_deployment_names_no_team() -> None:
    """A new team is one key in the team ConfigMap: the Deployment lists no key, projects no
    item, and mounts nothing inside the read-only ConfigMap mounts (fragile, and a subPath
    mount would never see the ConfigMap change)."""
    teams = one("ConfigMap", "syncd-teams")["data"]
    text = yaml.safe_dump(one("Deployment"))
    for key in teams:
        team = yaml.safe_load(teams[key])["team"]
        assert key not in text and Path(key).stem not in text and team not in text, key
    for mount in _mounts().values():
        assert "subPath" not in mount and "subPathExpr" not in mount
        volume = mount["volume"]
        assert "items" not in volume.get("configMap", {}), "a ConfigMap volume lists its keys"
        assert "projected" not in volume
    paths = sorted(_mounts())
    nested = [(a, b) for a in paths for b in paths if a != b and b.startswith(a.rstrip("/") + "/")]
    assert nested == []


def _pod_config(root: Path, teams: dict[str, str] | None = None) -> tuple[Path, dict[str, str]]:
    """The ConfigMaps as the kubelet lays them out in the pod, under ``root`` instead of /;
    the --config path and the environment the container gets (with the example Secret)."""
    (container,) = pod_spec()["containers"]
    env = {k: v["value"] for k, v in _env(container).items() if "value" in v}
    (secret,) = yaml_documents(SECRET_EXAMPLE)
    env.update(secret["stringData"])
    for path, mount in _mounts().items():
        config_map = mount["volume"].get("configMap")
        if config_map is not None:
            data = one("ConfigMap", config_map["name"])["data"]
            if config_map["name"] == "syncd-teams" and teams is not None:
                data = teams
            write_configmap_volume(root / path.lstrip("/"), data)
    env["SYNCD_TEAMS_DIR"] = str(root / env["SYNCD_TEAMS_DIR"].lstrip("/"))
    config = root / container["args"][container["args"].index("--config") + 1].lstrip("/")
    return config, env


def test_a_new_team_is_one_key_in_the_team_configmap(tmp_path: Path) -> None:
    teams = dict(one("ConfigMap", "syncd-teams")["data"])
    (example,) = teams.values()
    teams["search.yaml"] = example.replace("team: payments", "team: search").replace(
        "project: PAY", "project: SRCH"
    )

    config, env = _pod_config(tmp_path, teams)

    loaded = load_config(config, env=env)
    assert loaded.errors == []
    assert [team.config.team for team in loaded.teams] == ["payments", "search"]
    # the kubelet's hidden `..data` entries are not team files
    assert all(not team.file.name.startswith(".") for team in loaded.teams)


def test_resources_are_requested_and_limited() -> None:
    for container in containers():
        resources = container["resources"]
        assert resources["requests"] == {"cpu": "100m", "memory": "128Mi"}
        assert resources["limits"] == {"cpu": "500m", "memory": "512Mi"}


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
    config, env = _pod_config(tmp_path)
    loaded = load_config(config, env=env)
    assert loaded.errors == []
    assert [team.config.team for team in loaded.teams] == ["payments"]
    assert loaded.service.database_url.startswith("postgresql://")
    assert loaded.service.http_port == 8080
    assert str(loaded.service.state_dir) == "/var/lib/syncd"


# ------------------------------------------------------------------------------- probes


def test_the_probes_are_served_and_readiness_ignores_a_tracker_that_is_down(
    tmp_path: Path,
) -> None:
    """The paths the Deployment probes answer, with /readyz's meaning: this replica can work,
    whatever the team's tracker does (here, nothing listens on its port)."""
    (container,) = pod_spec()["containers"]
    readiness = container["readinessProbe"]
    # The probe must wait longer than /readyz waits for the state store.
    assert readiness["timeoutSeconds"] > STORE_CHECK_TIMEOUT.total_seconds()
    config = tmp_path / "config"
    closed = f"http://127.0.0.1:{free_port()}"
    write_team(config, tmp_path / "docs", "payments", tracker=jira_tracker(closed))
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state"), "JIRA_TOKEN": JIRA_TOKEN}
    with service_in_process(config, env) as service:
        wait_for(
            "a failed cycle",
            lambda: service.metric("syncd_sync_consecutive_failures", team="payments"),
            timeout=60,
        )
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            status, _ = http_get(service.port, container[probe]["httpGet"]["path"])
            assert status == 200, probe
        status, body = service.readyz()
        assert body["ready"] is True
        assert body["checks"] == {
            "config": "ok",
            "store": "ok",
            "scheduler": "ok",
            "leases": "ok",
        }
