"""The markdown source over git: local repositories made in tmp_path, no network."""

from __future__ import annotations

import base64
import shutil
from collections.abc import Generator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pytest

from connectors.markdown.git import (
    GitRepository,
    GitResult,
    browse_url_prefix,
    clone_directory,
    git_environment,
    is_local_path,
    redact_url,
    run_git,
)
from connectors.markdown.settings import GitSettings
from syncd.model import DocumentFailure, ExtractedDocument
from syncd.plugins import SourceContext, SourceError
from tests.sources.markdown_support import (
    FakeExtractor,
    commit,
    documents,
    failures,
    git,
    make_repo,
    make_source,
    read_all,
)


class RecordingRunner:
    """The real git, with every call's arguments and environment kept for inspection."""

    def __init__(self, rewrite: Mapping[str, str] | None = None) -> None:
        self.calls: list[tuple[list[str], dict[str, str]]] = []
        self._rewrite = dict(rewrite or {})

    def __call__(
        self, args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float
    ) -> GitResult:
        self.calls.append((list(args), dict(env)))
        served = [self._rewrite.get(arg, arg) for arg in args]
        return run_git(served, cwd=cwd, env=env, timeout=timeout)


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "origin",
        {
            "README.md": "# Postmortems\n",
            "payments/2026-01-10-db.md": "# DB outage\n",
            "payments/2026-02-01-dns.md": "# DNS\n",
            "search/2026-01-05-index.md": "# Index\n",
            ".github/PULL_REQUEST_TEMPLATE.md": "x\n",
        },
    )


def git_settings(url: Path | str, **git_block: Any) -> dict[str, Any]:
    return {"git": {"url": str(url), **git_block}}


def test_first_read_clones_and_reads(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    results = read_all(make_source(context, git_settings(origin), fake_extract))
    assert documents(results) == [
        "README.md",
        "payments/2026-01-10-db.md",
        "payments/2026-02-01-dns.md",
        "search/2026-01-05-index.md",
    ]
    clones = list((context.cache_dir / "git").iterdir())
    assert [p.name for p in clones if p.is_dir()] == [
        clone_directory(context.cache_dir, "payments-pm-repo", str(origin), "main").name
    ]


def test_subdir_roots_the_documents(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    source = make_source(context, git_settings(origin, subdir="payments"), fake_extract)
    assert documents(read_all(source)) == ["2026-01-10-db.md", "2026-02-01-dns.md"]


def test_missing_subdir_is_a_source_error(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    source = make_source(context, git_settings(origin, subdir="billing"), fake_extract)
    with pytest.raises(SourceError, match="subdir 'billing' is not a folder"):
        read_all(source)


def test_new_commit_is_seen_on_the_next_read(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    source = make_source(context, git_settings(origin, subdir="payments"), fake_extract)
    assert documents(read_all(source)) == ["2026-01-10-db.md", "2026-02-01-dns.md"]
    commit(
        origin,
        {"payments/2026-03-01-cdn.md": "# CDN\n", "payments/2026-02-01-dns.md": None},
        "second",
    )
    fake_extract.calls.clear()
    assert documents(read_all(source)) == ["2026-01-10-db.md", "2026-03-01-cdn.md"]
    commit(origin, {"payments/2026-01-10-db.md": "# DB outage, revised\n"}, "third")
    fake_extract.calls.clear()
    read_all(source)
    assert fake_extract.calls[0][2] == "# DB outage, revised\n"


def test_local_edits_in_the_clone_are_discarded(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    source = make_source(context, git_settings(origin), fake_extract)
    read_all(source)
    clone = clone_directory(context.cache_dir, "payments-pm-repo", str(origin), "main")
    (clone / "stray.md").write_text("left behind\n")
    (clone / "README.md").write_text("edited in the cache\n")
    fake_extract.calls.clear()
    results = read_all(source)
    assert "stray.md" not in documents(results)
    assert ("pm-repo", "README.md", "# Postmortems\n") in fake_extract.calls


def test_changed_branch_reads_that_branch(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    git(origin, "checkout", "--quiet", "-b", "archive")
    commit(origin, {"payments/2019-old.md": "# Old\n"}, "archive only")
    git(origin, "checkout", "--quiet", "main")
    main = make_source(context, git_settings(origin, subdir="payments"), fake_extract)
    assert "2019-old.md" not in documents(read_all(main))
    archive = make_source(
        context, git_settings(origin, subdir="payments", branch="archive"), fake_extract
    )
    assert "2019-old.md" in documents(read_all(archive))


def test_missing_branch_is_a_source_error(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    source = make_source(context, git_settings(origin, branch="nope"), fake_extract)
    with pytest.raises(SourceError, match=r"git clone of .* \(branch nope\) failed: .*nope"):
        read_all(source)
    assert not [p for p in (context.cache_dir / "git").iterdir() if p.is_dir()]


def test_missing_repository_is_a_source_error(
    context: SourceContext, tmp_path: Path, fake_extract: FakeExtractor
) -> None:
    source = make_source(context, git_settings(tmp_path / "no-such-repo"), fake_extract)
    with pytest.raises(SourceError, match=r"git clone of .*no-such-repo.* failed"):
        read_all(source)


def test_failed_fetch_does_not_fall_back_to_the_old_clone(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    source = make_source(context, git_settings(origin), fake_extract)
    assert len(documents(read_all(source))) == 4
    shutil.rmtree(origin)
    fake_extract.calls.clear()
    with pytest.raises(SourceError, match=r"git fetch .* failed.*earlier clone was not read"):
        read_all(source)
    assert fake_extract.calls == []


def test_relative_local_url_is_relative_to_the_team_file(
    context: SourceContext, fake_extract: FakeExtractor
) -> None:
    make_repo(context.config_dir.parent / "pm-origin", {"a.md": "# A\n"})
    source = make_source(context, git_settings("../pm-origin"), fake_extract)
    assert documents(read_all(source)) == ["a.md"]


def test_glob_and_exclude_apply_inside_the_clone(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    settings = {**git_settings(origin), "glob": "*/*.md", "exclude": ["search"]}
    source = make_source(context, settings, fake_extract)
    assert documents(read_all(source)) == [
        "payments/2026-01-10-db.md",
        "payments/2026-02-01-dns.md",
    ]


def test_clone_in_use_by_another_read_is_refused(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    first = cast(
        Generator[ExtractedDocument | DocumentFailure, None, None],
        make_source(context, git_settings(origin), fake_extract).read(),
    )
    next(first)  # holds the clone while its documents are being read
    second = make_source(context, git_settings(origin), fake_extract)
    with pytest.raises(SourceError, match="being used by another syncd process"):
        read_all(second)
    first.close()
    assert len(documents(read_all(second))) == 4


def test_host_git_configuration_has_no_influence(
    context: SourceContext, origin: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # A user config that would send every clone of the origin elsewhere, and a GIT_DIR that
    # would point git at another repository.
    (home / ".gitconfig").write_text(f'[url "{tmp_path}/elsewhere"]\n\tinsteadOf = {origin}\n')
    environ = {"PATH": "/usr/bin:/bin", "HOME": str(home), "GIT_DIR": str(tmp_path / "bogus")}
    repository = GitRepository(
        GitSettings(url=str(origin)),
        clone_dir=tmp_path / "clone",
        config_dir=tmp_path,
        environ=environ,
    )
    with repository.checkout() as root:
        assert (root / "README.md").read_text() == "# Postmortems\n"


# --- the token -------------------------------------------------------------------------------


def test_token_travels_only_in_the_environment(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    token = "ghp_TopSecretToken123"
    runner = RecordingRunner(rewrite={"https://github.com/acme/postmortems.git": str(origin)})
    settings = git_settings("https://github.com/acme/postmortems.git", token=token)
    source = make_source(context, settings, fake_extract, git_runner=runner)
    read_all(source)
    read_all(source)  # clone, then fetch + reset + clean
    assert [args[0] for args, _ in runner.calls] == ["clone", "fetch", "reset", "clean"]
    encoded = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    for args, env in runner.calls:
        assert not any(token in arg or encoded in arg for arg in args)
        headers = [
            env[f"GIT_CONFIG_VALUE_{i}"]
            for i in range(int(env["GIT_CONFIG_COUNT"]))
            if env[f"GIT_CONFIG_KEY_{i}"] == "http.extraHeader"
        ]
        assert headers == [f"Authorization: Basic {encoded}"]
        assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GIT_CONFIG_NOSYSTEM"] == "1"
    clone = clone_directory(
        context.cache_dir, "payments-pm-repo", "https://github.com/acme/postmortems.git", "main"
    )
    assert token not in (clone / ".git" / "config").read_text()


def test_token_never_appears_in_errors(context: SourceContext, fake_extract: FakeExtractor) -> None:
    token = "glpat-VerySecret987"
    # Port 1 on loopback refuses at once: the clone fails without leaving the machine.
    url = "https://deploy:UrlPassword55@127.0.0.1:1/acme/postmortems.git"
    source = make_source(context, git_settings(url, token=token), fake_extract)
    with pytest.raises(SourceError) as raised:
        read_all(source)
    message = str(raised.value)
    encoded = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    assert "git clone of https://***@127.0.0.1:1/acme/postmortems.git" in message
    for secret in (token, encoded, "UrlPassword55", "deploy:"):
        assert secret not in message


def test_runner_output_echoing_secrets_is_redacted(tmp_path: Path) -> None:
    token = "tok_abcdef123456"
    url = "https://user:pw999@git.example.com/pm.git"

    def leaky(
        args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float
    ) -> GitResult:
        header = next(v for k, v in env.items() if v.startswith("Authorization"))
        return GitResult(128, f"fatal: {header} rejected for {url} ({token})\n")

    repository = GitRepository(
        GitSettings(url=url, token=token), clone_dir=tmp_path / "c", config_dir=tmp_path, run=leaky
    )
    with pytest.raises(SourceError) as raised, repository.checkout():
        pass
    message = str(raised.value)
    assert token not in message and "pw999" not in message
    assert base64.b64encode(f"x-access-token:{token}".encode()).decode() not in message
    assert "rejected for https://***@git.example.com/pm.git" in message


def test_timeout_is_a_source_error(tmp_path: Path) -> None:
    def slow(
        args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float
    ) -> GitResult:
        raise TimeoutError(f"git {args[0]} did not finish within {timeout:.0f} s")

    repository = GitRepository(
        GitSettings(url="https://github.com/a/b.git"),
        clone_dir=tmp_path / "c",
        config_dir=tmp_path,
        run=slow,
        timeout=120,
    )
    with pytest.raises(SourceError, match="timed out after 120 s"), repository.checkout():
        pass


def test_git_not_installed_is_a_source_error(tmp_path: Path) -> None:
    def missing(
        args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float
    ) -> GitResult:
        raise FileNotFoundError(2, "No such file or directory", "git")

    repository = GitRepository(
        GitSettings(url="https://github.com/a/b.git"),
        clone_dir=tmp_path / "c",
        config_dir=tmp_path,
        run=missing,
    )
    with pytest.raises(SourceError, match="git command is not installed"), repository.checkout():
        pass


# --- browse URLs -------------------------------------------------------------------------------


def test_derived_github_url_on_documents(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    url = "https://github.com/acme/postmortems.git"
    runner = RecordingRunner(rewrite={url: str(origin)})
    source = make_source(
        context, git_settings(url, subdir="payments"), fake_extract, git_runner=runner
    )
    results = read_all(source)
    assert isinstance(results[0], ExtractedDocument)
    assert results[0].postmortem.url == (
        "https://github.com/acme/postmortems/blob/main/payments/2026-01-10-db.md"
    )


def test_url_template_wins_over_the_derived_url(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    url = "https://github.com/acme/postmortems.git"
    settings = {**git_settings(url), "url_template": "https://docs.acme.com/pm/{path}"}
    runner = RecordingRunner(rewrite={url: str(origin)})
    results = read_all(make_source(context, settings, fake_extract, git_runner=runner))
    assert isinstance(results[0], ExtractedDocument)
    assert results[0].postmortem.url == "https://docs.acme.com/pm/README.md"
    assert failures(results) == {}


@pytest.mark.parametrize(
    ("url", "branch", "subdir", "expected"),
    [
        ("https://github.com/acme/pm.git", "main", None, "https://github.com/acme/pm/blob/main/"),
        (
            "https://github.com/acme/pm",
            "rel/1",
            "a b",
            "https://github.com/acme/pm/blob/rel/1/a%20b/",
        ),
        (
            "https://x:tok@github.acme.com/acme/pm.git",
            "main",
            None,
            "https://github.acme.com/acme/pm/blob/main/",
        ),
        (
            "https://gitlab.com/group/sub/pm.git",
            "main",
            "p",
            "https://gitlab.com/group/sub/pm/-/blob/main/p/",
        ),
        ("git@github.com:acme/pm.git", "main", None, None),
        ("ssh://git@github.com/acme/pm.git", "main", None, None),
        ("https://bitbucket.org/acme/pm.git", "main", None, None),
        ("https://github.com/acme", "main", None, None),
        ("/srv/git/pm", "main", None, None),
    ],
)
def test_browse_url_prefix(url: str, branch: str, subdir: str | None, expected: str | None) -> None:
    assert browse_url_prefix(url, branch, subdir) == expected


# --- small pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pw@host/r.git", "https://***@host/r.git"),
        ("https://tok@host:8443/r.git", "https://***@host:8443/r.git"),
        ("https://host/r.git", "https://host/r.git"),
        ("git@github.com:acme/r.git", "git@github.com:acme/r.git"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/srv/git/pm", True),
        ("../pm", True),
        ("pm", True),
        ("git@github.com:acme/pm.git", False),
        ("github.com:acme/pm.git", False),
        ("https://github.com/acme/pm.git", False),
        ("file:///srv/git/pm", False),
        ("./a:b/pm", True),
    ],
)
def test_is_local_path(url: str, expected: bool) -> None:
    assert is_local_path(url) is expected


def test_environment_drops_git_variables_but_keeps_transport() -> None:
    env = git_environment(
        None,
        {
            "PATH": "/bin",
            "HOME": "/home/syncd",
            "HTTPS_PROXY": "http://proxy:3128",
            "GIT_DIR": "/elsewhere",
            "GIT_CONFIG_COUNT": "5",
            "GIT_SSH_COMMAND": "ssh -i /keys/deploy",
        },
    )
    assert "GIT_DIR" not in env
    assert env["HTTPS_PROXY"] == "http://proxy:3128"
    assert env["GIT_SSH_COMMAND"] == "ssh -i /keys/deploy"
    assert env["HOME"] == "/home/syncd"
    assert not any(
        env[f"GIT_CONFIG_KEY_{i}"] == "http.extraHeader"
        for i in range(int(env["GIT_CONFIG_COUNT"]))
    )


def test_clone_directory_is_per_source_and_branch(tmp_path: Path) -> None:
    a = clone_directory(tmp_path, "payments-pm", "https://github.com/acme/pm.git", "main")
    b = clone_directory(tmp_path, "search-pm", "https://github.com/acme/pm.git", "main")
    c = clone_directory(tmp_path, "payments-pm", "https://github.com/acme/pm.git", "archive")
    d = clone_directory(tmp_path, "payments-pm", "https://x:tok@github.com/acme/pm.git", "main")
    assert len({a, b, c}) == 3
    assert a.parent == tmp_path / "git"
    assert a.name.startswith("pm-main-")
    assert "tok" not in d.name


def test_unusable_cache_folder_is_a_source_error(
    context: SourceContext, origin: Path, fake_extract: FakeExtractor
) -> None:
    context.cache_dir.write_text("a file where the cache folder should be\n")
    source = make_source(context, git_settings(origin), fake_extract)
    with pytest.raises(SourceError, match=r"cache folder .* cannot be used"):
        read_all(source)
