"""A person's chat ids are one handle per connector type, validated by that connector."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from syncd import plugins
from syncd.cli.digest_command import digest_formats
from syncd.config.models import PersonConfig


def test_handles_are_kept_by_connector_type_as_written() -> None:
    person = PersonConfig.model_validate(
        {"slack": "U012ABCDEF", "teams": "alice@acme.example", "mattermost": None}
    )
    assert person.handles == {"slack": "U012ABCDEF", "teams": "alice@acme.example"}
    assert person.owner_names() == ("U012ABCDEF",)  # documents write owners as <@U012ABCDEF>


def test_every_declared_handle_is_a_key_of_a_person() -> None:
    assert set(PersonConfig.extra_keys()) == set(plugins.person_handles())
    assert {"slack", "teams", "mattermost", "discord"} <= set(PersonConfig.extra_keys())


@pytest.mark.parametrize(
    ("data", "loc", "message"),
    [
        ({"slack": "alice"}, ("slack",), "Slack member ID"),
        ({"discord": "alice"}, ("discord",), "Discord user ID"),
        ({"handles": {"slack": "U012ABCDEF"}}, ("handles",), "unknown key 'handles'"),
    ],
)
def test_a_connector_refuses_a_handle_at_its_key(
    data: dict[str, object], loc: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        PersonConfig.model_validate(data)
    [error] = caught.value.errors()
    assert error["loc"] == loc
    assert message in error["msg"]


def test_digest_formats_are_text_json_and_the_installed_notifiers() -> None:
    formats = digest_formats()
    assert formats[0] == "text" and formats[-1] == "json"
    assert set(formats[1:-1]) == set(plugins.available("notifier"))


def test_a_trackers_id_is_a_handle_of_its_connector() -> None:
    person = PersonConfig.model_validate({"jira": "5b10ac8d82e05b22cc7d4ef5", "github": "alice-gh"})
    assert person.handles == {"jira": "5b10ac8d82e05b22cc7d4ef5", "github": "alice-gh"}
    assert {"jira", "github"} <= set(PersonConfig.extra_keys())
    # documents may name an owner by their tracker id, as by an alias
    assert person.owner_names() == ("5b10ac8d82e05b22cc7d4ef5", "alice-gh")


@pytest.mark.parametrize("login", ["@alice", "alice_gh", "-alice", "alice--gh", "a" * 40])
def test_github_refuses_what_is_not_a_login(login: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PersonConfig.model_validate({"github": login})
    [error] = caught.value.errors()
    assert error["loc"] == ("github",)
    assert error["msg"] == "must be a GitHub login, without @"


def test_connectors_say_how_documents_mention_a_person() -> None:
    mentions = plugins.mention_patterns()
    assert any(p.match("<@U012ABCDEF|alice>") for p in mentions)  # Slack
    assert any(p.match("[~accountid:5b10ac8d82e05b22cc7d4ef5]") for p in mentions)  # Jira
    assert not any(p.match("alice") for p in mentions)
