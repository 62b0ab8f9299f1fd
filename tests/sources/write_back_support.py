"""Helpers for the write-back tests: a bare repository as the remote, edits as the core plans
them, and a git runner that lets a test act between syncd's git commands."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from connectors.markdown import MarkdownSettings, MarkdownSource
from connectors.markdown.extract import extract_document
from connectors.markdown.git import GitResult, run_git
from syncd.connector.http import HttpPolicy
from syncd.connector.write_back import WriteBackEdit
from syncd.plugins import SourceContext
from tests.sources.markdown_support import commit, git, make_repo

# No waits between attempts: the tests are about what is written, not about pacing.
FAST = HttpPolicy(max_attempts=2, backoff_base=0.001, backoff_cap=0.001, max_inline_wait=0)

DOCUMENT = "2026-03-01-db-failover.md"
TEXT = (
    "# DB failover\r\n"
    "\r\n"
    "## Action Items\r\n"
    "\r\n"
    "- [ ] Add replication lag alert @alice due 2026-12-01  \r\n"
    "- [ ] Write the failover runbook (owner: bob)\r\n"
    "\r\n"
    "| Action | Owner | Ticket | Status |\r\n"
    "|---|---|---|---|\r\n"
    "| Rotate the replica keys | carol |  | In progress |\r\n"
    "| Test restores monthly | dave | | Done |\r\n"
    "\r\n"
    "Trailing notes stay as they are.   \r\n"
)


def bare_origin(tmp_path: Path, files: Mapping[str, str] | None = None) -> Path:
    """A bare repository (what a hosting service keeps), seeded with ``files``."""
    work = make_repo(tmp_path / "seed", dict(files or {DOCUMENT: TEXT}))
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(work), str(bare))
    return bare


def show(bare: Path, path: str, branch: str = "main") -> str:
    return git(bare, "show", f"{branch}:{path}")


def show_bytes(bare: Path, path: str, branch: str = "main") -> bytes:
    import subprocess

    return subprocess.run(
        ["git", "show", f"{branch}:{path}"], cwd=bare, check=True, capture_output=True
    ).stdout


def commits(bare: Path, branch: str = "main") -> list[str]:
    """Each commit of the branch as "author: subject", newest first."""
    return git(bare, "log", "--format=%an: %s", branch).splitlines()


def branches(bare: Path) -> list[str]:
    return git(bare, "for-each-ref", "--format=%(refname:short)", "refs/heads").splitlines()


def push_upstream(
    tmp_path: Path,
    bare: Path,
    change: Callable[[str], str],
    name: str = "person",
    document: str = DOCUMENT,
) -> None:
    """A person's commit to main, made in a clone of their own and pushed."""
    work = tmp_path / f"{name}-clone"
    if not work.exists():
        git(tmp_path, "clone", "--quiet", str(bare), str(work))
    git(work, "pull", "--quiet", "--rebase")
    text = (work / document).read_bytes().decode("utf-8")
    commit(work, {document: change(text)}, f"{name} edits")
    git(work, "push", "--quiet")


def edits_for(
    text: str, keys: Mapping[str, str], *, done: Sequence[str] = (), document: str = DOCUMENT
) -> list[WriteBackEdit]:
    """The edits the core plans: ``keys`` by item title; ``done`` the titles to mark done."""
    items = extract_document(text, source="pm-repo", document=document).items
    by_title = {item.title: item for item in items}
    return [
        WriteBackEdit(
            item_id=f"id-{key}",
            document=document,
            line=by_title[title].line,
            title=title,
            key=key,
            url=f"https://jira.example.com/browse/{key}",
            done=title in done,
        )
        for title, key in keys.items()
    ]


class Runner:
    """The real git; ``before`` is called with each command's arguments before it runs."""

    def __init__(self, before: Callable[[list[str]], None] | None = None) -> None:
        self.calls: list[list[str]] = []
        self.before = before

    def __call__(
        self, args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float
    ) -> GitResult:
        self.calls.append(list(args))
        if self.before is not None:
            self.before(list(args))
        return run_git(args, cwd=cwd, env=env, timeout=timeout)

    def pushes(self) -> list[list[str]]:
        return [c for c in self.calls if c and c[0] == "push"]


def write_back_source(
    context: SourceContext,
    bare: Path,
    write_back: Mapping[str, Any],
    *,
    runner: Runner | None = None,
    name: str = "pm-repo",
) -> MarkdownSource:
    settings = MarkdownSettings.model_validate(
        {"git": {"url": str(bare), "branch": "main"}, "write_back": dict(write_back)}
    )
    return MarkdownSource(
        name,
        settings,
        context,
        git_runner=runner or Runner(),
        proposal_options={"policy": FAST},
    )
