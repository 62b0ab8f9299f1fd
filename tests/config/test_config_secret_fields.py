"""Finding where a Settings model reads secrets, from its annotations."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr

from connectors.jira import JiraSettings
from connectors.markdown import MarkdownSettings
from connectors.webhook import WebhookSettings
from syncd.config.secret_fields import secret_paths


def test_nested_model_secrets() -> None:
    data = {"url": "https://x", "auth": {"email": "a@b.c", "token": "t"}, "project": "PAY"}

    assert secret_paths(JiraSettings, data) == [("auth", "token")]


def test_optional_nested_and_absent_secrets() -> None:
    assert secret_paths(MarkdownSettings, {"path": "x"}) == []
    assert secret_paths(MarkdownSettings, {"git": {"url": "u", "token": "t"}}) == [("git", "token")]
    assert secret_paths(MarkdownSettings, {"git": {"url": "u", "token": None}}) == []


def test_mapping_of_secrets() -> None:
    data = {"webhook_url": "https://h", "headers": {"A": "1", "B": "2"}}

    assert secret_paths(WebhookSettings, data) == [
        ("headers", "A"),
        ("headers", "B"),
        ("webhook_url",),
    ]


def test_lists_of_secrets_and_wrong_shapes() -> None:
    class Model(BaseModel):
        keys: list[SecretStr] = []
        other: str = ""

    assert secret_paths(Model, {"keys": ["a", "b"], "other": "c"}) == [("keys", 0), ("keys", 1)]
    assert secret_paths(Model, {"keys": "not-a-list"}) == []
    assert secret_paths(Model, ["not", "a", "mapping"]) == []
