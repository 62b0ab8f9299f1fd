"""The markdown source's settings: what a team file may say, and what it may not."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from connectors.markdown import GitSettings, MarkdownSettings, MarkdownSource
from syncd.plugins import Source, connector_class, settings_model


def test_registered_under_its_type() -> None:
    assert connector_class("source", "markdown") is MarkdownSource
    assert settings_model("source", "markdown") is MarkdownSettings
    assert MarkdownSource.kind == "source"


def test_defaults() -> None:
    settings = MarkdownSettings.model_validate({"path": "../postmortems"})
    assert settings.globs == ("**/*.md",)
    assert settings.exclude == []
    assert settings.max_document_bytes == 1_048_576
    assert settings.git is None


def test_git_defaults() -> None:
    settings = MarkdownSettings.model_validate({"git": {"url": "https://github.com/a/b.git"}})
    assert settings.git == GitSettings(url="https://github.com/a/b.git")
    assert settings.git.branch == "main"
    assert settings.git.subdir is None


def test_glob_list() -> None:
    settings = MarkdownSettings.model_validate({"path": "pm", "glob": ["**/*.md", "**/*.markdown"]})
    assert settings.globs == ("**/*.md", "**/*.markdown")


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({}, "exactly one of `path`"),
        ({"path": "pm", "git": {"url": "https://x/y.git"}}, "exactly one of `path`"),
        ({"path": ""}, "must not be empty"),
        ({"path": "pm/**/*.md", "glob": "*.md"}, "`path` is already a glob"),
        ({"path": "pm/*/../x.md"}, "only before its first wildcard"),
        ({"path": "pm", "glob": []}, "at least one pattern"),
        ({"path": "pm", "glob": "/abs/*.md"}, "relative to the source root"),
        ({"path": "pm", "exclude": ["../other"]}, "must not leave the source root"),
        ({"path": "pm", "max_document_bytes": 0}, "greater than 0"),
        ({"path": "pm", "url_template": "https://x/blob/main/"}, "must contain {path}"),
        ({"path": "pm", "url_template": "https://x/{path}/{branch}"}, "no other placeholder"),
        ({"path": "pm", "url_template": "https://x/{path"}, "not a valid template"),
        ({"path": "pm", "paht": "x"}, "Extra inputs are not permitted"),
        ({"git": {"url": "https://x/y.git", "branch": "--upload-pack=evil"}}, "not a valid git"),
        ({"git": {"url": "https://x/y.git", "branch": "a..b"}}, "not a valid git"),
        ({"git": {"url": "https://x/y.git", "subdir": "../etc"}}, "inside the repository"),
        ({"git": {"url": "https://x/y.git", "subdir": "/etc"}}, "inside the repository"),
        ({"git": {"url": "http://x/y.git", "token": "s3cret"}}, "unencrypted"),
        ({"git": {"url": ""}}, "at least 1 character"),
        ({"git": {"url": "https://x/y.git", "password": "x"}}, "Extra inputs"),
    ],
)
def test_refused(block: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MarkdownSettings.model_validate(block)


def test_subdir_is_normalised() -> None:
    git = GitSettings(url="https://x/y.git", subdir="payments/")
    assert git.subdir == "payments"
    assert GitSettings(url="https://x/y.git", subdir="./").subdir is None


def test_token_is_masked_when_printed() -> None:
    settings = MarkdownSettings.model_validate(
        {"git": {"url": "https://github.com/a/b.git", "token": "ghp_s3cret"}}
    )
    assert "ghp_s3cret" not in repr(settings)
    assert "ghp_s3cret" not in str(settings.model_dump(mode="json"))
    assert settings.git is not None and settings.git.token is not None
    assert settings.git.token.get_secret_value() == "ghp_s3cret"


def test_every_field_is_described_in_the_schema() -> None:
    schema = MarkdownSettings.model_json_schema()
    models = [schema, schema["$defs"]["GitSettings"]]
    for model in models:
        for name, field in model["properties"].items():
            assert field.get("description"), f"{name} has no description"
    assert schema["additionalProperties"] is False


def test_satisfies_the_source_protocol(tmp_path: Any) -> None:
    from datetime import UTC, datetime

    from syncd.plugins import SourceContext

    context = SourceContext("t", tmp_path, tmp_path, datetime(2026, 1, 1, tzinfo=UTC))
    source = MarkdownSource("pm", MarkdownSettings(path="pm"), context)
    assert isinstance(source, Source)
    assert source.name == "pm"
