"""Who a person of the people map is in GitHub: their login, written ``github: octocat``."""

from __future__ import annotations

from syncd.connector.settings import PersonHandle
from syncd.connector.tracker import Person

TYPE = "github"
LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"

HANDLE = PersonHandle.matching(
    LOGIN,
    "a GitHub login, without @",
    "GitHub login (without @).",
    names_owner=True,  # documents may write an owner as their login
)


def login_of(person: Person) -> str | None:
    """The person's login from the people map; None when it has none."""
    login = person.handles.get(TYPE)
    return login.strip().lstrip("@") if login else None
