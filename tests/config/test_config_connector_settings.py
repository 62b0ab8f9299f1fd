"""The Settings of the built-in trackers and notifiers."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, SecretStr, ValidationError

from connectors.discord import DiscordNotifier, DiscordSettings
from connectors.github import GitHubSettings, GitHubTracker
from connectors.jira import JiraSettings, JiraTracker
from connectors.mattermost import MattermostNotifier, MattermostSettings
from connectors.msteams import TeamsNotifier, TeamsSettings
from connectors.slack import SlackNotifier, SlackSettings
from connectors.webhook import WebhookNotifier, WebhookSettings
from syncd.plugins import ConnectorSettings, connector_class, settings_model
from syncd.tracker import NamesIssueKeys

JIRA: dict[str, Any] = {
    "url": "https://acme.atlassian.net",
    "auth": {"email": "bot@acme.com", "token": "t"},
    "project": "PAY",
}
GITHUB: dict[str, Any] = {"repo": "acme/payments", "token": "t"}


def messages(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [
        (".".join(str(part) for part in error["loc"]), error["msg"])
        for error in caught.value.errors()
    ]


@pytest.mark.parametrize(
    ("cls", "kind", "type_", "settings"),
    [
        (JiraTracker, "tracker", "jira", JiraSettings),
        (GitHubTracker, "tracker", "github", GitHubSettings),
        (SlackNotifier, "notifier", "slack", SlackSettings),
        (TeamsNotifier, "notifier", "teams", TeamsSettings),
        (MattermostNotifier, "notifier", "mattermost", MattermostSettings),
        (DiscordNotifier, "notifier", "discord", DiscordSettings),
        (WebhookNotifier, "notifier", "webhook", WebhookSettings),
    ],
)
def test_connectors_are_registered(
    cls: type[Any], kind: Any, type_: str, settings: type[ConnectorSettings]
) -> None:
    assert connector_class(kind, type_) is cls
    assert settings_model(kind, type_) is settings
    assert issubclass(settings, ConnectorSettings)
    assert cls.__doc__
    for name, field in settings.model_fields.items():
        assert field.description, f"{settings.__name__}.{name} has no description"


# --------------------------------------------------------------------------------------- jira


def test_jira_defaults() -> None:
    settings = JiraSettings.model_validate(JIRA)

    assert settings.deployment == "auto"
    assert settings.issue_type == "Task"
    assert settings.labels == []
    assert settings.priorities == {"P0": "Highest", "P1": "High", "P2": "Medium", "P3": "Low"}
    assert settings.timeout_seconds == 30.0
    assert isinstance(settings.auth.token, SecretStr)


def test_jira_cloud_needs_the_email() -> None:
    no_email = {**JIRA, "auth": {"token": "t"}}

    expected = [
        (
            "auth.email",
            "Jira Cloud needs the account's e-mail with the API token: "
            'auth: {email: bot@example.com, token: "${JIRA_TOKEN}"}',
        )
    ]
    assert messages(JiraSettings, {**no_email, "deployment": "cloud"}) == expected
    # an atlassian.net site is Jira Cloud, even before serverInfo is asked
    assert messages(JiraSettings, no_email) == expected


def test_jira_data_center_uses_a_token_alone() -> None:
    dc = {**JIRA, "url": "https://jira.acme.internal/jira", "auth": {"token": "pat"}}

    assert JiraSettings.model_validate(dc).auth.email is None
    assert JiraSettings.model_validate({**dc, "deployment": "datacenter"}).deployment == (
        "datacenter"
    )
    assert messages(JiraSettings, {**JIRA, "deployment": "datacenter"}) == [
        ("auth.email", "Jira Data Center uses a personal access token alone: remove auth.email")
    ]


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (
            ["post mortem"],
            "Value error, Jira labels cannot be empty or contain spaces (use - or _)",
        ),
        ([""], "Value error, Jira labels cannot be empty or contain spaces (use - or _)"),
        (
            ["syncd-abc"],
            "Value error, labels starting with 'syncd-' are reserved for syncd's markers",
        ),
    ],
)
def test_jira_labels(labels: list[str], message: str) -> None:
    assert messages(JiraSettings, {**JIRA, "labels": labels}) == [("labels.0", message)]


def test_jira_priorities_not_listed_keep_their_default() -> None:
    settings = JiraSettings.model_validate({**JIRA, "priorities": {"P0": "Blocker"}})

    assert settings.priorities == {"P0": "Blocker", "P1": "High", "P2": "Medium", "P3": "Low"}
    assert (
        messages(JiraSettings, {**JIRA, "priorities": {"P5": "x"}})[0][0] == "priorities.P5.[key]"
    )


@pytest.mark.parametrize("project", ["pay", "P", "PAY-1", "1PAY"])
def test_jira_project_key(project: str) -> None:
    assert messages(JiraSettings, {**JIRA, "project": project}) == [
        ("project", "Value error, must be a Jira project key: capitals, digits, _ (e.g. PAY)")
    ]


def test_jira_reference_projects_name_the_teams_issue_keys() -> None:
    assert JiraSettings.model_validate(JIRA).issue_key_projects() == {"PAY"}
    settings = JiraSettings.model_validate({**JIRA, "reference_projects": ["SEC", "OPS"]})
    assert settings.issue_key_projects() == {"PAY", "SEC", "OPS"}
    assert isinstance(settings, NamesIssueKeys)
    assert not isinstance(GitHubSettings.model_validate(GITHUB), NamesIssueKeys)


def test_jira_reference_projects_are_project_keys() -> None:
    assert messages(JiraSettings, {**JIRA, "reference_projects": ["SEC", "kip"]}) == [
        (
            "reference_projects.1",
            "Value error, must be a Jira project key: capitals, digits, _ (e.g. PAY)",
        )
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("acme.atlassian.net", "must be an http:// or https:// URL with a host"),
        ("ftp://acme", "must be an http:// or https:// URL with a host"),
        (
            "https://bot:pw@acme.atlassian.net",
            "must not contain credentials; put them in auth",
        ),
    ],
)
def test_jira_url(url: str, message: str) -> None:
    assert messages(JiraSettings, {**JIRA, "url": url}) == [("url", "Value error, " + message)]


def test_jira_url_keeps_a_context_path_without_trailing_slash() -> None:
    dc = {**JIRA, "url": "https://tools.acme.com/jira/", "auth": {"token": "t"}}

    assert JiraSettings.model_validate(dc).url == "https://tools.acme.com/jira"


# ------------------------------------------------------------------------------------- github


def test_github_defaults() -> None:
    settings = GitHubSettings.model_validate(GITHUB)

    assert settings.api_url == "https://api.github.com"
    assert settings.due_dates == "body"
    assert settings.labels == []


@pytest.mark.parametrize(
    "api_url",
    [
        "https://ghe.example.com/api/v3",
        "https://ghe.example.com/api/v3/",
        "https://api.acme.ghe.com",
        "http://127.0.0.1:8080",  # a proxy, or an API mounted at a root path
        "https://tools.acme.com/github-proxy/",
        "https://ghe.example.com",  # `check --online` says whether it is a GitHub API
    ],
)
def test_github_api_urls_any_http_base(api_url: str) -> None:
    settings = GitHubSettings.model_validate({**GITHUB, "api_url": api_url})

    assert settings.api_url == api_url.rstrip("/")


@pytest.mark.parametrize(
    ("api_url", "message"),
    [
        ("https://github.com", "the API of github.com is https://api.github.com"),
        ("ftp://ghe.example.com/api/v3", "must be an http:// or https:// URL with a host"),
        ("https://ghe.example.com/api/v3?x=1", "must be a base URL, without ?query or #fragment"),
        (
            "https://bot:secret@ghe.example.com/api/v3",
            "must not contain credentials; the token is sent in a header",
        ),
    ],
)
def test_github_api_url_mistakes(api_url: str, message: str) -> None:
    assert messages(GitHubSettings, {**GITHUB, "api_url": api_url}) == [
        ("api_url", "Value error, " + message)
    ]


@pytest.mark.parametrize("repo", ["payments", "acme/", "/payments", "acme/pay/ments", "-acme/x"])
def test_github_repo(repo: str) -> None:
    assert messages(GitHubSettings, {**GITHUB, "repo": repo}) == [
        ("repo", "Value error, must be owner/name of a repository (e.g. acme/payments)")
    ]


def test_github_labels_may_have_spaces_but_not_more_than_50_characters() -> None:
    assert GitHubSettings.model_validate({**GITHUB, "labels": ["post mortem"]}).labels == [
        "post mortem"
    ]
    assert messages(GitHubSettings, {**GITHUB, "labels": ["x" * 51]}) == [
        ("labels.0", "Value error, GitHub labels are at most 50 characters long")
    ]


# ---------------------------------------------------------------------------------- notifiers


@pytest.mark.parametrize(
    "model", [SlackSettings, TeamsSettings, MattermostSettings, DiscordSettings, WebhookSettings]
)
def test_notifier_webhook_url_is_a_secret_https_url(model: type[BaseModel]) -> None:
    url = "https://hooks.example.com/T000/B000/secret-0008"
    settings = model.model_validate({"webhook_url": url})

    assert settings.webhook_url.get_secret_value() == url  # type: ignore[attr-defined]
    assert "secret-0008" not in repr(settings) + str(settings)
    # empty, from `${VAR:-}`, is fine while loading: the notifier complains when it is used
    assert model.model_validate({"webhook_url": ""}).webhook_url.get_secret_value() == ""  # type: ignore[attr-defined]
    errors = messages(model, {"webhook_url": "hooks.example.com/secret-0008"})
    assert errors == [("webhook_url", "Value error, must be an http:// or https:// URL")]
    assert messages(model, {})[0] == ("webhook_url", "Field required")


def test_slack_options() -> None:
    settings = SlackSettings.model_validate(
        {"webhook_url": "https://h", "username": "syncd", "icon_emoji": ":memo:"}
    )
    assert (settings.username, settings.icon_emoji) == ("syncd", ":memo:")
    assert messages(SlackSettings, {"webhook_url": "https://h", "icon_emoji": "memo"}) == [
        ("icon_emoji", "Value error, must be an emoji name like :memo:")
    ]


def test_mattermost_options() -> None:
    settings = MattermostSettings.model_validate(
        {"webhook_url": "https://h", "channel": "town-square", "icon_url": "https://x/i.png"}
    )
    assert (settings.channel, settings.icon_url) == ("town-square", "https://x/i.png")
    assert messages(MattermostSettings, {"webhook_url": "https://h", "channel": "Town Square"})


def test_discord_refuses_usernames_discord_refuses() -> None:
    assert DiscordSettings.model_validate({"webhook_url": "https://h", "username": "syncd"})
    assert messages(DiscordSettings, {"webhook_url": "https://h", "username": "Discord bot"}) == [
        (
            "username",
            "Value error, Discord refuses usernames containing 'discord', or 'everyone'/'here'",
        )
    ]


def test_webhook_headers_are_secrets_with_valid_names() -> None:
    settings = WebhookSettings.model_validate(
        {"webhook_url": "https://h", "headers": {"Authorization": "Bearer secret-0008"}}
    )
    assert settings.headers["Authorization"].get_secret_value() == "Bearer secret-0008"
    assert "secret-0008" not in repr(settings)

    assert messages(
        WebhookSettings, {"webhook_url": "https://h", "headers": {"Bad Name": "x"}}
    ) == [("headers", "Value error, 'Bad Name' is not a valid HTTP header name")]
    assert messages(
        WebhookSettings, {"webhook_url": "https://h", "headers": {"Content-Type": "x"}}
    ) == [
        ("headers", "Value error, header 'Content-Type' is set by syncd and cannot be configured")
    ]


@pytest.mark.parametrize("model", [JiraSettings, GitHubSettings, SlackSettings, WebhookSettings])
def test_unknown_keys_are_refused(model: type[BaseModel]) -> None:
    data = {**JIRA, **GITHUB, "webhook_url": "https://h"}
    allowed = {key: value for key, value in data.items() if key in model.model_fields}

    assert messages(model, {**allowed, "surprise": 1}) == [
        ("surprise", "Extra inputs are not permitted")
    ]
