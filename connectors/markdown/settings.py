"""The markdown source's block of a team file, validated before anything is read.

Every field carries a description: they feed the published JSON Schema of the team file, so
editors can complete and explain it.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from string import Formatter
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr, field_validator, model_validator

from connectors.markdown.git_transport import transport_problem
from connectors.markdown.hosting import hosting_problem
from syncd.connector.settings import ConnectorSettings

DEFAULT_GLOB = "**/*.md"
DEFAULT_MAX_DOCUMENT_BYTES = 1_048_576
DEFAULT_MAX_DOCUMENT_SECONDS = 10.0
# A postmortem is never this large; a larger setting would only let one file take the memory.
LARGEST_MAX_DOCUMENT_BYTES = 64 * 1_048_576

# What `git check-ref-format --branch` refuses, minus the rare cases git reports itself. A branch
# starting with "-" could otherwise be read by git as an option.
_BAD_BRANCH = re.compile(r"^-|\.\.|@\{|[\x00-\x20\x7f~^:?*\[\\]|^/|/$|\.lock$|\.$|//")


def _check_branch(branch: str) -> str:
    if _BAD_BRANCH.search(branch):
        raise ValueError(f"{branch!r} is not a valid git branch name")
    return branch


BranchName = Annotated[str, AfterValidator(_check_branch)]


def _check_relative_pattern(pattern: str, key: str) -> str:
    if not pattern.strip():
        raise ValueError(f"{key}: an empty pattern matches nothing; remove it")
    if pattern.startswith("/"):
        raise ValueError(f"{key}: {pattern!r} must be relative to the source root (no leading /)")
    if ".." in PurePosixPath(pattern).parts:
        raise ValueError(f"{key}: {pattern!r} must not leave the source root (no '..')")
    return pattern


class GitSettings(ConnectorSettings):
    """A git repository that syncd clones (shallow) and updates on every read."""

    url: str = Field(
        description=(
            "Repository to clone: https://…, ssh://…, git@host:org/repo.git, or a local path "
            "(relative to the team file's directory); other transports (http://, git://, "
            "ext::, fd::, …) are refused. Credentials belong in `token`, not in the URL."
        ),
        min_length=1,
    )
    branch: BranchName = Field(
        default="main",
        description="Branch to read. Changing it makes a fresh clone.",
        min_length=1,
    )
    subdir: str | None = Field(
        default=None,
        description=(
            "Folder inside the repository that holds the postmortems; document paths are "
            "relative to it. Default: the repository root."
        ),
    )
    token: SecretStr | None = Field(
        default=None,
        description=(
            'Access token for HTTPS (GitHub, GitLab, Gitea…); write it as "${GIT_TOKEN}". '
            "Sent as an HTTP Authorization header, never placed on a command line or in a URL."
        ),
    )

    @field_validator("url")
    @classmethod
    def _allowed_transport(cls, url: str) -> str:
        problem = transport_problem(url)
        if problem is not None:
            raise ValueError(problem)
        return url

    @field_validator("subdir")
    @classmethod
    def _relative_subdir(cls, subdir: str | None) -> str | None:
        if subdir is None:
            return None
        cleaned = subdir.strip().strip("/")
        if not cleaned or cleaned == ".":
            return None
        if subdir.startswith("/") or ".." in PurePosixPath(cleaned).parts:
            raise ValueError(
                f"{subdir!r} must be a folder inside the repository (relative, no '..')"
            )
        return cleaned

    @model_validator(mode="after")
    def _token_needs_encryption(self) -> GitSettings:
        if self.token is not None and urlsplit(self.url).scheme.lower() == "http":
            raise ValueError(
                "token: the url uses plain http, so the token would travel unencrypted; "
                "use an https:// url"
            )
        return self


DEFAULT_WRITE_BACK_BRANCH = "syncd/tracker-keys"


class WriteBackSettings(ConnectorSettings):
    """Tracker keys written back into the postmortems of a git source (off by default)."""

    mode: Literal["off", "commit", "pull_request"] = Field(
        default="off",
        description=(
            "off: never write to the repository. commit: push a commit to the source's branch. "
            "pull_request: push to `branch` (syncd's own, rebuilt each cycle) and open one "
            "pull request (GitHub) or merge request (GitLab) into the source's branch."
        ),
    )
    branch: BranchName = Field(
        default=DEFAULT_WRITE_BACK_BRANCH,
        description="The branch syncd pushes its proposal to (pull_request mode); syncd's alone.",
        min_length=1,
    )
    provider: Literal["github", "gitlab"] | None = Field(
        default=None,
        description="Where pull requests are opened; guessed from the git URL's host when absent.",
    )
    api_url: str | None = Field(
        default=None,
        description=(
            "The hosting API: derived from the git URL's host when absent (github.com: "
            "https://api.github.com; another GitHub host: https://HOST/api/v3; GitLab: "
            "https://HOST/api/v4)."
        ),
    )
    repository: str | None = Field(
        default=None,
        description=(
            "owner/name (GitHub) or the project's path (GitLab) the pull request is opened in; "
            "derived from the git URL when absent."
        ),
    )
    token: SecretStr | None = Field(
        default=None,
        description=(
            'Token for the hosting API (write it as "${GITHUB_TOKEN}"); default: git.token.'
        ),
    )

    @field_validator("api_url")
    @classmethod
    def _encrypted_api(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parts = urlsplit(url)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise ValueError(f"{url!r} must be an https:// URL (the token travels with it)")
        return url.rstrip("/")


class MarkdownSettings(ConnectorSettings):
    """Postmortems written in markdown, in a directory, a glob of files, or a git repository."""

    path: str | None = Field(
        default=None,
        description=(
            "A directory (read recursively), a single file, or a glob such as "
            "'../postmortems/**/*.md'; relative to the team file's directory. "
            "Exactly one of `path` and `git`."
        ),
    )
    git: GitSettings | None = Field(
        default=None,
        description=(
            "A git repository to read instead of a local path. Exactly one of `path` and `git`."
        ),
    )
    glob: str | list[str] = Field(
        default=DEFAULT_GLOB,
        description=(
            "Which files under the directory (or the repository's subdir) are read, matched "
            "against their path relative to it; '**' spans folders. Several patterns as a list, "
            "e.g. ['**/*.md', '**/*.markdown']. Not used when `path` is itself a glob."
        ),
    )
    exclude: list[str] = Field(
        default_factory=list,
        description=(
            "Patterns of files or folders not to read, e.g. ['TEMPLATE.md', 'drafts', "
            "'archive/2019/**']. A pattern without '/' matches a name at any depth; one with '/' "
            "matches the path relative to the source root. Hidden files and folders are never read."
        ),
    )
    max_document_bytes: int = Field(
        default=DEFAULT_MAX_DOCUMENT_BYTES,
        gt=0,
        le=LARGEST_MAX_DOCUMENT_BYTES,
        description="Larger files are reported and skipped without being read.",
    )
    max_document_seconds: float = Field(
        default=DEFAULT_MAX_DOCUMENT_SECONDS,
        gt=0,
        le=3600,
        description=(
            "A document whose reading takes longer is stopped, reported and skipped; the rest "
            "of the source is read. Real postmortems take milliseconds."
        ),
    )
    write_back: WriteBackSettings = Field(
        default_factory=WriteBackSettings,
        description=(
            "Write each item's tracker key (a link) back into its postmortem: in the item's "
            "tracker cell, else at the end of its line; done items marked as the document marks "
            "them. Needs `git`: a plain folder is never written to."
        ),
    )
    url_template: str | None = Field(
        default=None,
        description=(
            "Where people read a document on the web, with {path} standing for its path relative "
            "to the source root, e.g. 'https://github.com/acme/postmortems/blob/main/{path}'. "
            "For a git source on GitHub or GitLab over https it is derived when not given."
        ),
    )

    @field_validator("glob")
    @classmethod
    def _valid_glob(cls, value: str | list[str]) -> str | list[str]:
        patterns = [value] if isinstance(value, str) else value
        if not patterns:
            raise ValueError("an empty list reads nothing; give at least one pattern")
        for pattern in patterns:
            _check_relative_pattern(pattern, "glob")
        return value

    @field_validator("exclude")
    @classmethod
    def _valid_exclude(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            _check_relative_pattern(pattern, "exclude")
        return patterns

    @field_validator("url_template")
    @classmethod
    def _valid_template(cls, template: str | None) -> str | None:
        if template is None:
            return None
        try:
            fields = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
        except ValueError as exc:
            raise ValueError(f"{template!r} is not a valid template: {exc}") from None
        if fields != {"path"}:
            raise ValueError(f"{template!r} must contain {{path}} and no other placeholder")
        try:
            template.format(path="x")
        except (ValueError, KeyError, IndexError, AttributeError) as exc:
            raise ValueError(f"{template!r} is not a valid template: {exc}") from None
        return template

    @model_validator(mode="after")
    def _write_back_needs_git(self) -> MarkdownSettings:
        mode = self.write_back.mode
        if mode == "off" or (self.git is None and self.path is None):
            return self  # nothing to write, or no location: the error below says so
        if self.git is None:
            raise ValueError(
                f"write_back.mode: {mode} needs a `git` source; syncd never edits files in a "
                "plain folder (people may have them open). Use a git repository, or mode: off"
            )
        if mode == "pull_request":
            if self.write_back.branch == self.git.branch:
                raise ValueError(
                    "write_back.branch: must differ from git.branch (syncd rebuilds it each "
                    "cycle); use mode: commit to write to the source's branch"
                )
            if self.write_back.token is None and self.git.token is None:
                raise ValueError(
                    "write_back.token: pull_request mode needs a token for the hosting API "
                    '(or git.token); write it as "${GITHUB_TOKEN}"'
                )
            problem = hosting_problem(self.git.url, self.write_back)
            if problem is not None:
                raise ValueError(problem)
        return self

    @model_validator(mode="after")
    def _one_location(self) -> MarkdownSettings:
        if (self.path is None) == (self.git is None):
            raise ValueError("give exactly one of `path` (a directory or glob) and `git`")
        if self.path is not None and not self.path.strip():
            raise ValueError("path: must not be empty")
        if self.path is not None and has_glob_magic(self.path):
            if "glob" in self.model_fields_set:
                raise ValueError(
                    "glob: `path` is already a glob and selects the files; drop `glob`, or make "
                    "`path` a directory"
                )
            parts = PurePosixPath(self.path).parts
            first_glob = next(i for i, part in enumerate(parts) if has_glob_magic(part))
            if ".." in parts[first_glob:]:
                raise ValueError(f"path: {self.path!r} may use '..' only before its first wildcard")
        return self

    @property
    def globs(self) -> tuple[str, ...]:
        return (self.glob,) if isinstance(self.glob, str) else tuple(self.glob)


def has_glob_magic(text: str) -> bool:
    return any(char in text for char in "*?[")
