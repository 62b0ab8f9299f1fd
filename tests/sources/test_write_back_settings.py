"""The write_back block of a markdown source: what a team file may say, and what is derived."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from connectors.markdown.hosting import Hosting, host_and_path, resolve_hosting
from connectors.markdown.settings import MarkdownSettings, WriteBackSettings


def settings(**block: Any) -> MarkdownSettings:
    return MarkdownSettings.model_validate(block)


def test_off_by_default_and_on_a_plain_folder() -> None:
    assert settings(path="pm").write_back.mode == "off"
    assert settings(path="pm", write_back={"mode": "off"}).write_back.mode == "off"


@pytest.mark.parametrize("mode", ["commit", "pull_request"])
def test_a_plain_folder_is_never_written_to(mode: str) -> None:
    with pytest.raises(ValidationError, match="needs a `git` source; syncd never edits files"):
        settings(path="pm", write_back={"mode": mode, "token": "t"})


def test_pull_request_needs_its_own_branch_and_a_token() -> None:
    git = {"url": "https://github.com/acme/pm.git", "branch": "main"}
    with pytest.raises(ValidationError, match=r"write_back\.branch: must differ from git\.branch"):
        settings(git=git, write_back={"mode": "pull_request", "branch": "main", "token": "t"})
    with pytest.raises(ValidationError, match="pull_request mode needs a token"):
        settings(git=git, write_back={"mode": "pull_request"})
    ok = settings(git={**git, "token": "t"}, write_back={"mode": "pull_request"})
    assert ok.write_back.branch == "syncd/tracker-keys"


def test_an_unknown_host_must_name_its_provider() -> None:
    git = {"url": "https://git.acme.internal/sre/pm.git", "token": "t"}
    with pytest.raises(ValidationError, match=r"write_back\.provider: cannot tell"):
        settings(git=git, write_back={"mode": "pull_request"})
    ok = settings(git=git, write_back={"mode": "pull_request", "provider": "gitlab"})
    assert resolve_hosting(git["url"], ok.write_back) == Hosting(
        "gitlab", "https://git.acme.internal/api/v4", "sre/pm"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/acme/pm.git", Hosting("github", "https://api.github.com", "acme/pm")),
        (
            "git@github.example.com:acme/pm.git",
            Hosting("github", "https://github.example.com/api/v3", "acme/pm"),
        ),
        (
            "ssh://git@gitlab.com/group/sub/pm",
            Hosting("gitlab", "https://gitlab.com/api/v4", "group/sub/pm"),
        ),
    ],
)
def test_provider_api_and_repository_are_derived(url: str, expected: Hosting) -> None:
    assert resolve_hosting(url, WriteBackSettings(mode="pull_request")) == expected


def test_a_local_repository_names_everything_itself() -> None:
    assert host_and_path("/srv/git/pm.git") == (None, None)
    assert "provider" in str(resolve_hosting("/srv/git/pm.git", WriteBackSettings()))
    given = WriteBackSettings(
        provider="github", api_url="https://ghe.example.com/api/v3/", repository="acme/pm"
    )
    assert resolve_hosting("/srv/git/pm.git", given) == Hosting(
        "github", "https://ghe.example.com/api/v3", "acme/pm"
    )


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"mode": "sometimes"}, "Input should be 'off', 'commit' or 'pull_request'"),
        ({"branch": "-x"}, "is not a valid git branch name"),
        ({"branch": "a..b"}, "is not a valid git branch name"),
        ({"api_url": "http://ghe.example.com/api/v3"}, "must be an https:// URL"),
        ({"provider": "bitbucket"}, "Input should be 'github' or 'gitlab'"),
        ({"colour": "blue"}, "Extra inputs are not permitted"),
    ],
)
def test_bad_values_are_named(block: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        WriteBackSettings.model_validate(block)


def test_the_token_is_never_shown() -> None:
    block = WriteBackSettings(mode="pull_request", token="ghp_secretvalue")  # type: ignore[arg-type]
    assert "ghp_secretvalue" not in repr(block) and "ghp_secretvalue" not in str(block)
