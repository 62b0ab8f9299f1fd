"""incident.io's public API as the source reads it: follow-ups, and one incident at a time.

Every request goes through the one HTTP policy (timeouts, retries honouring Retry-After,
redaction); the API key travels as a Bearer token. A 4xx is turned into the policy's errors,
and an answer that is not the JSON incident.io sends is a MalformedAnswerError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from syncd.connector.http import (
    Clock,
    HttpPolicy,
    PolicyEngine,
    PolicyTransport,
    ShapeCheck,
    parse_json,
    raise_for_policy,
)

SERVICE = "incident.io"
FOLLOW_UPS = "/v2/follow_ups"
# incident.io's published limit: 1,200 requests a minute per API key. Pacing to it means a first
# read of a large account takes longer rather than running into 429s.
DEFAULT_POLICY = HttpPolicy(min_interval=60 / 1200)


class IncidentIoClient:
    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        policy: HttpPolicy | None = None,
        clock: Clock | None = None,
        inner: httpx.BaseTransport | None = None,
    ) -> None:
        self._api_key = api_key
        engine = PolicyEngine(policy or DEFAULT_POLICY, service=SERVICE, clock=clock)
        self._http = httpx.Client(
            base_url=url,
            transport=PolicyTransport(engine, inner=inner),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def follow_ups(self, incident_mode: str | None) -> list[Any]:
        """Every follow-up of the organisation (of incidents in ``incident_mode``; None: what
        incident.io lists by default, standard and retrospective incidents). v2 does not page:
        one answer holds them all."""
        params = {"incident_mode": incident_mode} if incident_mode else {}
        data = self._get(FOLLOW_UPS, params, _list_of("follow_ups"))
        listed: list[Any] = data["follow_ups"]
        return listed

    def incident(self, incident_id: str) -> Mapping[str, Any]:
        path = f"/v2/incidents/{quote(incident_id, safe='')}"
        data = self._get(path, {}, _object_of("incident"))
        found: Mapping[str, Any] = data["incident"]
        return found

    def _get(self, path: str, params: Mapping[str, str], check: ShapeCheck) -> Mapping[str, Any]:
        response = self._http.get(path, params=params)
        raise_for_policy(response, SERVICE)
        data: Mapping[str, Any] = parse_json(
            tracker="incident.io",
            service=SERVICE,
            method="GET",
            url=str(response.request.url),
            status=response.status_code,
            headers=response.headers,
            body=response.content,
            check=check,
            secrets=(self._api_key,),
            hint="check the source's `url`: it should be incident.io's API, https://api.incident.io",
        )
        return data


def _list_of(key: str) -> ShapeCheck:
    def check(data: Any) -> str | None:
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            return f"an object with a list '{key}'"
        return None

    return check


def _object_of(key: str) -> ShapeCheck:
    def check(data: Any) -> str | None:
        if not isinstance(data, dict) or not isinstance(data.get(key), dict):
            return f"an object with an object '{key}'"
        return None

    return check
