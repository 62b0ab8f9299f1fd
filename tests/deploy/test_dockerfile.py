"""Dockerfile and .dockerignore: multi-stage, slim, non-root, health-checked, no baked secrets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.deploy.dockerfile_reader import Instruction, read_dockerfile

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


def _instructions() -> list[Instruction]:
    return read_dockerfile(DOCKERFILE)


def _final_stage() -> list[Instruction]:
    instructions = _instructions()
    last = max(i.stage for i in instructions)
    return [i for i in instructions if i.stage == last]


def _only(keyword: str) -> Instruction:
    found = [i for i in _final_stage() if i.keyword == keyword]
    assert len(found) == 1, f"expected one {keyword} in the final stage, found {len(found)}"
    return found[0]


def test_the_reader_joins_continued_lines(tmp_path: Path) -> None:
    file = tmp_path / "Dockerfile"
    file.write_text("# c\nFROM a AS b\nRUN x \\\n    # note\n    && y\nFROM c\nUSER 1\n")
    assert [(i.keyword, i.value, i.stage) for i in read_dockerfile(file)] == [
        ("FROM", "a AS b", 0),
        ("RUN", "x && y", 0),
        ("FROM", "c", 1),
        ("USER", "1", 1),
    ]


def test_multi_stage_build_on_slim_python() -> None:
    froms = [i.words() for i in _instructions() if i.keyword == "FROM"]
    assert [words[0] for words in froms] == ["python:3.11-slim", "python:3.11-slim"]
    assert [words[-1] for words in froms] == ["build", "runtime"]
    build = [i for i in _instructions() if i.stage == 0]
    assert any(i.keyword == "RUN" and "pip wheel" in i.value for i in build)
    install = [i for i in _final_stage() if i.keyword == "RUN" and "pip install" in i.value]
    assert len(install) == 1
    assert "--mount=type=bind,from=build" in install[0].value
    assert "--no-index" in install[0].value  # only the wheels built above, nothing fetched


def test_runtime_installs_git_without_leaving_apt_lists() -> None:
    apt = next(i for i in _final_stage() if i.keyword == "RUN" and "apt-get install" in i.value)
    assert re.search(r"apt-get install -y --no-install-recommends .*\bgit\b", apt.value)
    assert "rm -rf /var/lib/apt/lists/*" in apt.value


def test_runs_as_the_numeric_non_root_user() -> None:
    # exactly one USER, so nothing switches back to root after it
    user = _only("USER")
    assert user.value == "10001:10001"  # numeric, so Kubernetes can check runAsNonRoot
    assert any("--uid 10001" in i.value for i in _final_stage() if i.keyword == "RUN")
    later = _final_stage()[_final_stage().index(user) + 1 :]
    assert [i.keyword for i in later if i.keyword == "RUN"] == []


def test_healthcheck_asks_healthz_with_the_standard_library() -> None:
    healthcheck = _only("HEALTHCHECK")
    assert "--interval=" in healthcheck.value and "--timeout=" in healthcheck.value
    command = healthcheck.value[healthcheck.value.index("CMD") + 3 :].strip()
    form = Instruction("CMD", command, 0, 0).exec_form()
    assert form is not None and form[:2] == ["python", "-c"]
    assert "urllib.request.urlopen" in form[2] and "/healthz" in form[2]
    assert "SYNCD_HTTP_PORT" in form[2]
    compile(form[2], "<healthcheck>", "exec")  # it is valid Python


def test_configuration_and_state_are_volumes() -> None:
    assert _only("VOLUME").exec_form() == ["/etc/syncd", "/var/lib/syncd"]
    env = " ".join(i.value for i in _final_stage() if i.keyword == "ENV")
    assert "SYNCD_STATE_DIR=/var/lib/syncd" in env
    assert "SYNCD_LOG_FORMAT=json" in env


def test_entrypoint_and_command_run_the_service() -> None:
    assert _only("ENTRYPOINT").exec_form() == ["syncd"]
    assert _only("CMD").exec_form() == ["run", "--config", "/etc/syncd"]
    assert _only("EXPOSE").value == "8080"


@pytest.mark.parametrize("keyword", ["ENV", "ARG", "LABEL"])
def test_no_secret_is_baked_into_the_image(keyword: str) -> None:
    for instruction in _instructions():
        if instruction.keyword == keyword:
            assert not re.search(
                r"TOKEN|PASSWORD|SECRET|WEBHOOK|DATABASE_URL|API_KEY", instruction.value, re.I
            ), instruction.line
    assert not any(i.keyword == "COPY" and ".env" in i.value for i in _instructions())


def test_dockerignore_lets_in_exactly_what_the_build_copies() -> None:
    lines = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*", "an allow-list: everything is excluded first"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    copied = {
        word.rstrip("/")
        for i in _instructions()
        if i.keyword == "COPY" and "--from" not in i.value
        for word in i.words()[:-1]
        if not word.startswith("--")
    }
    assert copied == allowed
    for path in copied:
        assert (ROOT / path).exists(), path
