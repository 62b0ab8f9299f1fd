"""What differs between Jira Cloud and Jira Data Center, in one place.

Cloud speaks REST v3: users are account ids, descriptions are Atlassian Document Format, and
searches go to ``/search/jql`` with ``nextPageToken``. Data Center speaks REST v2: users are
usernames, descriptions are plain (wiki) text, and searches go to ``/search`` with ``startAt``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from connectors.jira.adf import adf_to_text, text_to_adf

DeploymentName = Literal["cloud", "datacenter"]


@dataclass(frozen=True, slots=True)
class Deployment:
    name: DeploymentName

    @property
    def is_cloud(self) -> bool:
        return self.name == "cloud"

    @property
    def api_version(self) -> str:
        return "3" if self.is_cloud else "2"

    @property
    def user_id_field(self) -> str:
        """How the API names a user: ``accountId`` on Cloud, ``name`` (username) on Data Center."""
        return "accountId" if self.is_cloud else "name"

    def user_ref(self, user_id: str) -> dict[str, str]:
        return {self.user_id_field: user_id}

    def user_id_of(self, user: Mapping[str, Any] | None) -> str | None:
        if not user:
            return None
        value = user.get(self.user_id_field)
        return None if value is None else str(value)

    def description_out(self, text: str) -> Any:
        return text_to_adf(text) if self.is_cloud else text

    @staticmethod
    def description_in(value: Any) -> str:
        return adf_to_text(value)


def deployment_of_server_info(info: Mapping[str, Any]) -> Deployment:
    """``serverInfo.deploymentType`` is "Cloud" on Cloud, "Server" or "DataCenter" otherwise."""
    kind = str(info.get("deploymentType") or "")
    return Deployment("cloud" if kind.casefold() == "cloud" else "datacenter")
