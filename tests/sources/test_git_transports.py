"""Only https, ssh and local-path git transports: refused in the team file, refused by the child."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from pydantic import ValidationError

from connectors.markdown.git import GitResult, git_environment, run_git
from connectors.markdown.git_transport import transport_problem
from connectors.markdown.settings import GitSettings, MarkdownSettings


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/pm.git",
        "HTTPS://github.com/acme/pm.git",
        "ssh://git@github.com/acme/pm.git",
        "git+ssh://git@github.com/acme/pm.git",
        "git@github.com:acme/pm.git",
        "github.com:acme/pm.git",
        "file:///srv/git/pm",
        "/srv/git/pm",
        "../pm",
        "pm",
        "./a:b/pm",
    ],
)
def test_allowed_transports(url: str) -> None:
    assert transport_problem(url) is None
    assert GitSettings(url=url).url == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ext::sh -c touch% /tmp/pwned", "'ext::' transport is not allowed"),
        ("fd::0,1", "'fd::' transport is not allowed"),
        ("file::/srv/git/pm", "'file::' transport is not allowed"),
        ("::x", "'::' transport is not allowed"),
        ("testgit::/srv/git/pm", "'testgit::' transport is not allowed"),
        ("http://git.acme.com/pm.git", "http:// is unencrypted"),
        ("git://git.acme.com/pm.git", "git:// is unencrypted"),
        ("ftp://git.acme.com/pm.git", "the ftp:// transport is not allowed"),
        ("-uhelp", "starts with '-'"),
        ("-oProxyCommand=evil:pm", "starts with '-'"),
        ("git@-oProxyCommand=evil:pm", "the host starts with '-'"),
        ("https://github.com/a\n/b.git", "control character"),
    ],
)
def test_other_transports_are_a_configuration_error(url: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        MarkdownSettings.model_validate({"git": {"url": url}})
    assert "https://" in str(raised.value)  # the error says what to use instead


def test_the_child_git_refuses_other_transports_quickly(tmp_path: Path) -> None:
    # Should a URL reach git without the settings (a redirect, a submodule), git itself refuses.
    marker = tmp_path / "pwned"
    env = git_environment(None, {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert env["GIT_ALLOW_PROTOCOL"] == "https:ssh:file"
    started = time.monotonic()
    for url in (f"ext::sh -c touch% {marker}", "fd::0"):
        result = run_git(["ls-remote", "--", url], cwd=tmp_path, env=env, timeout=60)
        assert result.returncode != 0
        assert "not allowed" in result.stderr
    assert not marker.exists()
    assert time.monotonic() - started < 30  # refused, not waited out


def test_the_child_git_still_clones_a_local_repository(tmp_path: Path) -> None:
    env = git_environment(None, {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    origin = tmp_path / "origin"
    result = run_git(["init", "--quiet", str(origin)], cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    clone = run_git(
        ["clone", "--quiet", "--", origin.as_uri(), str(tmp_path / "copy")],
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert clone.returncode == 0, clone.stderr
    assert (tmp_path / "copy" / ".git").is_dir()


def test_every_git_call_of_a_clone_and_a_fetch_has_a_timeout(tmp_path: Path) -> None:
    from connectors.markdown.git import GitRepository
    from tests.sources.markdown_support import make_repo

    origin = make_repo(tmp_path / "origin", {"a.md": "# A\n"})
    timeouts: list[float] = []

    def recording(
        args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float
    ) -> GitResult:
        timeouts.append(timeout)
        assert env["GIT_ALLOW_PROTOCOL"] == "https:ssh:file"
        return run_git(args, cwd=cwd, env=env, timeout=timeout)

    repository = GitRepository(
        GitSettings(url=str(origin)),
        clone_dir=tmp_path / "clone",
        config_dir=tmp_path,
        run=recording,
        timeout=45,
    )
    for _ in range(2):  # a clone, then a fetch, reset and clean
        with repository.checkout() as root:
            assert (root / "a.md").is_file()
    assert len(timeouts) >= 4 and set(timeouts) == {45}


def test_a_git_that_hangs_is_killed_at_its_timeout(tmp_path: Path) -> None:
    env = git_environment(None, {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    env["GIT_SSH_COMMAND"] = "sleep 600 #"  # a server that never answers (# drops its args)
    with pytest.raises(TimeoutError, match="did not finish within 1 s"):
        run_git(["ls-remote", "--", "ssh://git@127.0.0.1/pm.git"], cwd=tmp_path, env=env, timeout=1)
