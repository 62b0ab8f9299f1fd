"""A shallow clone of a git repository, kept up to date with the `git` command.

Why the CLI and not a library: it is what operators debug with, and it speaks every transport
and proxy setting the host has. It runs isolated from the user's and the system's git
configuration, never prompts, and is killed after a timeout.

A token travels only as an HTTP header set through ``GIT_CONFIG_*`` environment variables: never
on a command line (visible in ``ps``), in a URL, in ``.git/config``, a log line or an error.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit, urlunsplit

from connectors.markdown.files import points_outside
from connectors.markdown.git_transport import ALLOWED_GIT_PROTOCOLS
from connectors.markdown.settings import GitSettings
from syncd.connector.logs import redactor
from syncd.connector.source import SourceError

DEFAULT_TIMEOUT_SECONDS = 120.0

# Environment variables of the parent that still apply: how to reach hosts, not how git behaves.
_KEPT_GIT_VARIABLES = frozenset(
    {"GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSL_CAINFO", "GIT_SSL_CAPATH", "GIT_PROXY_COMMAND"}
)

# Settings every git call gets, whatever the host's configuration says.
_FIXED_CONFIG = (
    ("advice.detachedHead", "false"),
    ("gc.autoDetach", "false"),  # a detached gc would outlive the timeout and hold the clone
    ("core.hooksPath", os.devnull),
    ("credential.helper", ""),
)


@dataclass(frozen=True, slots=True)
class GitResult:
    returncode: int
    stderr: str
    stdout: str = ""


class GitRunner(Protocol):
    """Runs ``git`` with these arguments; raises ``TimeoutError`` after ``timeout`` seconds and
    ``FileNotFoundError`` when git is not installed."""

    def __call__(
        self, args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float
    ) -> GitResult: ...


def run_git(
    args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float
) -> GitResult:
    # A session of its own, so a timeout kills git's helpers (git-remote-https, ssh) too: they
    # hold the pipes open, and waiting for them would defeat the timeout.
    process = subprocess.Popen(
        ["git", *args],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise TimeoutError(f"git {args[0]} did not finish within {timeout:.0f} s") from None
    return GitResult(
        process.returncode,
        stderr.decode("utf-8", errors="replace"),
        stdout.decode("utf-8", errors="replace"),
    )


def redact_url(url: str) -> str:
    """The URL without its user-info part, which may hold a password or token."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=f"***@{host}"))
    return url


def is_local_path(url: str) -> bool:
    """A path rather than a URL; git's own rule: no scheme, and no "host:" before the first "/"."""
    if "://" in url:
        return False
    head = url.split("/", 1)[0]
    return ":" not in head


def browse_url_prefix(url: str, branch: str, subdir: str | None) -> str | None:
    """The web address files of an https GitHub or GitLab repository are shown at, or None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "https" or not host:
        return None
    repository = parts.path.strip("/").removesuffix(".git")
    if repository.count("/") < 1:
        return None
    if host == "github.com" or host.startswith("github."):
        marker = "blob"
    elif host == "gitlab.com" or host.startswith("gitlab."):
        marker = "-/blob"
    else:
        return None
    port = f":{parts.port}" if parts.port else ""
    folder = f"{quote(subdir, safe='/')}/" if subdir else ""
    return f"https://{host}{port}/{repository}/{marker}/{quote(branch, safe='/')}/{folder}"


def clone_directory(cache_dir: Path, owner: str, url: str, branch: str) -> Path:
    """Where the clone of ``url``@``branch`` for ``owner`` (team and source) lives.

    One clone per source, so two sources never update a working tree the other is reading;
    the readable part (repository and branch) helps an operator find it, the hash keeps it unique.
    """
    redacted = redact_url(url)
    digest = hashlib.sha256(f"{owner}\n{redacted}\n{branch}".encode()).hexdigest()[:12]
    tail = redacted.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{tail}-{branch}").strip("-.")[:80]
    return cache_dir / "git" / f"{readable}-{digest}"


def basic_credentials(token: str) -> str:
    # "x-access-token" is what GitHub documents for tokens over HTTPS; GitLab and Gitea accept
    # any user name alongside a personal access token.
    return base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")


def git_environment(token: str | None, base: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in base.items() if not k.startswith("GIT_") or k in _KEPT_GIT_VARIABLES}
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        SSH_ASKPASS_REQUIRE="never",
        LC_ALL="C",  # error messages in English, as the operator's search engine knows them
        GIT_ALLOW_PROTOCOL=ALLOWED_GIT_PROTOCOLS,  # also for redirects the settings never saw
    )
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    config = list(_FIXED_CONFIG)
    if token is not None:
        config.append(("http.extraHeader", f"Authorization: Basic {basic_credentials(token)}"))
    env["GIT_CONFIG_COUNT"] = str(len(config))
    for index, (key, value) in enumerate(config):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env


class GitRepository:
    """Brings the clone of one source's repository up to date, then lends it for reading."""

    def __init__(
        self,
        settings: GitSettings,
        *,
        clone_dir: Path,
        config_dir: Path,
        run: GitRunner = run_git,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._settings = settings
        self._clone_dir = clone_dir
        self._run = run
        self._timeout = timeout
        url = settings.url
        if is_local_path(url):
            # As a file:// URL, so that --depth applies to local repositories too.
            url = (config_dir / Path(url).expanduser()).resolve().as_uri()
        self._url = url
        token = settings.token.get_secret_value() if settings.token is not None else None
        self._env = git_environment(token, os.environ if environ is None else environ)
        # Everything that must never appear in a message, in any form git might print it.
        self._secrets = [token, basic_credentials(token)] if token else []
        if token:
            redactor.register_basic("x-access-token", token)
        redactor.register_url(url)

    @property
    def described(self) -> str:
        return f"{redact_url(self._url)} (branch {self._settings.branch})"

    @property
    def url(self) -> str:
        """What git fetches from and pushes to (a local path as a file:// URL)."""
        return self._url

    @property
    def clone_dir(self) -> Path:
        return self._clone_dir

    @contextlib.contextmanager
    def checkout(self) -> Iterator[Path]:
        """The up-to-date folder to read (the clone, or its subdir), locked while in use."""
        with self._locked():
            with self._cache_errors():
                self._update()
            yield self._documents_root()

    def refresh(self) -> None:
        """Within ``checkout``: the clone brought up to the branch's newest commit again, any
        local commit or change dropped (after a push was refused for a newer one)."""
        with self._cache_errors():
            self._update()

    def run(self, args: list[str]) -> tuple[str | None, str]:
        """Within ``checkout``: git run in the clone; (what went wrong or None, its output)."""
        return self._git_output(args, cwd=self._clone_dir)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        lock_path = self._clone_dir.with_name(self._clone_dir.name + ".lock")
        with self._cache_errors():
            self._clone_dir.parent.mkdir(parents=True, exist_ok=True)
            lock = open(lock_path, "a+b")  # noqa: SIM115 - closed below, after the reading
        with lock:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SourceError(
                    f"the clone of {self.described} at {self._clone_dir} is being used by another "
                    "syncd process; this source is skipped this cycle"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _cache_errors(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise SourceError(
                f"the cache folder {self._clone_dir.parent} cannot be used for the clone of "
                f"{self.described}: {exc}; check that it is writable by the user syncd runs as"
            ) from None

    def _documents_root(self) -> Path:
        subdir = self._settings.subdir
        if subdir is None:
            return self._clone_dir
        root = self._clone_dir / subdir
        if points_outside(root, self._clone_dir):
            # A symlink committed to the repository must not turn the source into any folder.
            raise SourceError(
                f"subdir {subdir!r} points outside the source: in {self.described} it is (or "
                "passes through) a symlink whose real path is not in the repository; check "
                "git.subdir"
            )
        if not root.is_dir():
            raise SourceError(
                f"subdir {subdir!r} is not a folder in {self.described}; check git.subdir"
            )
        return root

    def _update(self) -> None:
        if (self._clone_dir / ".git").is_dir():
            self._fetch()
        else:
            self._clone()

    def _clone(self) -> None:
        # Clone beside the final place and rename: an interrupted clone never passes for one.
        partial = self._clone_dir.with_name(self._clone_dir.name + ".partial")
        for leftover in (partial, self._clone_dir):
            if leftover.exists():
                shutil.rmtree(leftover)
        branch = self._settings.branch
        args = ["clone", "--quiet", "--depth", "1", "--branch", branch, "--single-branch"]
        args += ["--no-tags", "--", self._url, str(partial)]
        failure = self._git(args, cwd=None)
        if failure is not None:
            shutil.rmtree(partial, ignore_errors=True)
            raise SourceError(f"git clone of {self.described} failed: {failure}")
        partial.rename(self._clone_dir)

    def _fetch(self) -> None:
        # Fetched by URL, not "origin": the settings are the truth, even after the URL changed.
        branch = self._settings.branch
        fetch = ["fetch", "--quiet", "--depth", "1", "--no-tags", "--", self._url, branch]
        failure = self._git(fetch, cwd=self._clone_dir)
        if failure is not None:
            raise SourceError(
                f"git fetch of {self.described} failed: {failure}. The earlier clone was not "
                "read, so that stale documents do not pass for current ones"
            )
        for step in (["reset", "--quiet", "--hard", "FETCH_HEAD"], ["clean", "-ffdxq"]):
            failure = self._git(step, cwd=self._clone_dir)
            if failure is not None:
                shutil.rmtree(self._clone_dir, ignore_errors=True)
                raise SourceError(
                    f"git {step[0]} in the clone of {self.described} failed: {failure}. The "
                    "clone was removed and is made afresh next cycle"
                )

    def _git(self, args: list[str], *, cwd: Path | None) -> str | None:
        """None when git succeeded, else what went wrong, fit for a person to read."""
        return self._git_output(args, cwd=cwd)[0]

    def _git_output(self, args: list[str], *, cwd: Path | None) -> tuple[str | None, str]:
        try:
            result = self._run(args, cwd=cwd, env=self._env, timeout=self._timeout)
        except TimeoutError:
            return f"timed out after {self._timeout:.0f} s", ""
        except FileNotFoundError:
            return "the git command is not installed (not found on PATH)", ""
        except OSError as exc:
            return f"git could not be started: {exc.strerror or exc}", ""
        if result.returncode == 0:
            return None, result.stdout
        failure = _last_lines(result.stderr) or f"exit status {result.returncode}"
        return self._redact(failure).rstrip("."), result.stdout

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        if self._url != redact_url(self._url):
            text = text.replace(self._url, redact_url(self._url))
        return re.sub(r"(?<=://)[^/@\s]+@", "***@", text)


def _last_lines(stderr: str, count: int = 3) -> str:
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    return " / ".join(lines[-count:])
