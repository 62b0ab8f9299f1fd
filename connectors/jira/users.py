"""Who a person of the people map is in Jira: an account id (Cloud) or a username (Data Center).

The people map's ``jira`` entry wins and costs nothing. Otherwise one user search by e-mail,
remembered for the tracker's lifetime (a cycle), found or not. A search that finds nobody or
several people is a problem to report, never a reason to clear or guess an assignee.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from connectors.jira.answers import user_list
from connectors.jira.connection import JiraConnection
from syncd.connector.http import AuthError, MalformedAnswerError, PermanentError
from syncd.connector.settings import PersonHandle
from syncd.connector.tracker import AssigneeLookup, Person

TYPE = "jira"

HANDLE = PersonHandle(
    "Jira Cloud accountId, or the Jira Data Center username.",
    names_owner=True,  # documents may write an owner as their id
    # Jira's wiki markup: [~accountid:5b10ac8d82e05b22cc7d4ef5] (Cloud), [~alice] (Data Center)
    mention=re.compile(r"^\[~(?:accountid:)?(?P<id>[^\]]+)\]$", re.IGNORECASE),
)


class UserDirectory:
    def __init__(self, connection: JiraConnection) -> None:
        self._connection = connection
        self._by_email: dict[str, AssigneeLookup] = {}

    def lookup(self, person: Person) -> AssigneeLookup:
        if user := person.handles.get(TYPE):
            return AssigneeLookup(user)
        if not person.email:
            return AssigneeLookup(
                None,
                problem=f"{person.key}: no jira user and no e-mail in the people map",
            )
        email = person.email.strip().casefold()
        found = self._by_email.get(email)
        if found is None:
            found = self._search(person.key, email)
            self._by_email[email] = found
        return found

    def _search(self, key: str, email: str) -> AssigneeLookup:
        deployment = self._connection.deployment
        # Cloud searches by `query`; Data Center's `username` also matches e-mail addresses.
        params = {"query": email} if deployment.is_cloud else {"username": email}
        try:
            users = self._connection.get("user/search", params, expect=user_list)
        except (AuthError, MalformedAnswerError):
            raise  # not a refusal: nothing can be said of the person from a proxy's page
        except PermanentError as exc:
            return AssigneeLookup(None, problem=f"{key}: Jira's user search refused: {exc.reason}")
        candidates = _matching(users, email)
        ids = sorted({i for i in (deployment.user_id_of(u) for u in candidates) if i})
        if not ids:
            return AssigneeLookup(None, problem=f"{key}: no active Jira user with e-mail {email}")
        if len(ids) > 1:
            return AssigneeLookup(
                None, problem=f"{key}: {len(ids)} Jira users match e-mail {email}; set people.jira"
            )
        return AssigneeLookup(ids[0])


def _matching(users: Sequence[Mapping[str, Any]], email: str) -> list[Mapping[str, Any]]:
    """Active human users whose address is ``email``. Cloud hides addresses by privacy setting:
    for a user whose address is hidden, the search's own match is all there is to go by."""
    people = [
        u
        for u in users
        if isinstance(u, Mapping)
        and u.get("active", True)
        and u.get("accountType", "atlassian") == "atlassian"
    ]
    exact = [u for u in people if str(u.get("emailAddress") or "").strip().casefold() == email]
    return exact or [u for u in people if not u.get("emailAddress")]
