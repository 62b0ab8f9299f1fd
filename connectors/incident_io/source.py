"""The incident.io source: one document per incident with follow-ups, one item per follow-up.

A cycle lists the follow-ups (one request per incident mode read) and fetches only the
incidents it has not cached (see ``cache``). Failures stay as small as they are: an incident
that cannot be fetched is a ``DocumentFailure`` (its items kept, never taken as deleted), a
follow-up with garbage fields a problem of its document; only a listing that fails raises
``SourceError``, so the core keeps every item of the source as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, ClassVar, Literal

import httpx

from connectors.incident_io.cache import IncidentCache
from connectors.incident_io.client import IncidentIoClient
from connectors.incident_io.grouping import group_by_incident
from connectors.incident_io.mapping import (
    BadIncident,
    Incident,
    document_id,
    extract_document,
    incident_from_answer,
)
from connectors.incident_io.settings import IncidentIoSettings
from syncd.connector.http import AuthError, Clock, HttpError, HttpPolicy, TransientError
from syncd.connector.model import DocumentFailure, ExtractedDocument
from syncd.connector.source import SourceContext, SourceError

Read = Iterator[ExtractedDocument | DocumentFailure]


class IncidentIoSource:
    kind: ClassVar[Literal["source"]] = "source"
    Settings: ClassVar[type[IncidentIoSettings]] = IncidentIoSettings
    type: ClassVar[str] = "incidentio"

    def __init__(
        self,
        name: str,
        settings: IncidentIoSettings,
        context: SourceContext,
        *,
        policy: HttpPolicy | None = None,
        clock: Clock | None = None,
        inner: httpx.BaseTransport | None = None,
    ) -> None:
        self.name = name
        self._settings = settings
        self._context = context
        self._client_options: dict[str, Any] = {"policy": policy, "clock": clock, "inner": inner}
        url_key = hashlib.sha256(settings.api_url.encode()).hexdigest()[:12]
        self._cache = IncidentCache(
            context.cache_dir / f"incidents-{url_key}.json",
            timedelta(hours=settings.incident_refresh_hours),
        )

    def read(self) -> Read:
        client = IncidentIoClient(
            self._settings.api_url,
            self._settings.api_key.get_secret_value(),
            **self._client_options,
        )
        try:
            grouped = group_by_incident(self._list(client))
            for bad in grouped.unattributed:
                yield DocumentFailure(self.name, f"incident.io:follow-up:{bad.id}", bad.error)
            for incident_id, follow_ups in grouped.by_incident.items():
                yield from self._document(client, incident_id, follow_ups)
            self._cache.keep_only(set(grouped.by_incident))
            self._cache.save()
        finally:
            client.close()

    def _list(self, client: IncidentIoClient) -> list[Any]:
        listed: list[Any] = []
        for mode in self._settings.listed_modes:
            try:
                listed += client.follow_ups(mode)
            except AuthError as exc:
                raise SourceError(
                    f"incident.io source {self.name!r}: the API key was refused "
                    f"(HTTP {exc.status}) when listing follow-ups. Check that the variable "
                    "named in `api_key` holds a current key whose role may view incidents and "
                    "follow-ups. Nothing was read from this source; its items are kept"
                ) from None
            except HttpError as exc:
                raise SourceError(
                    f"incident.io source {self.name!r}: the follow-ups could not be listed "
                    f"({exc.reason}). Nothing was read from this source; its items are kept"
                ) from None
        return listed

    def _document(
        self, client: IncidentIoClient, incident_id: str, follow_ups: list[Mapping[str, Any]]
    ) -> Read:
        found = self._incident(client, incident_id)
        if isinstance(found, str):
            yield DocumentFailure(self.name, document_id(incident_id), found)
            return
        if not self._wanted(found):
            return
        limit = self._settings.max_follow_ups
        if len(follow_ups) > limit:
            yield DocumentFailure(
                self.name,
                document_id(incident_id),
                f"{found.reference} has {len(follow_ups)} follow-ups, over the source's "
                f"max_follow_ups ({limit}); skipped, its items are kept as they were",
            )
            return
        yield extract_document(self.name, found, follow_ups, not_doing=self._settings.not_doing)

    def _incident(self, client: IncidentIoClient, incident_id: str) -> Incident | str:
        """The incident, from the cache or fetched; else why it could not be had."""
        now = self._context.now
        cached = self._cache.fresh(incident_id, now)
        if cached is not None:
            return cached
        try:
            incident = incident_from_answer(client.incident(incident_id))
        except TransientError as exc:
            # A refresh that fails for a while keeps the copy it had: the incident is there.
            stale = self._cache.stale(incident_id)
            return stale if stale is not None else _why(incident_id, exc.reason)
        except HttpError as exc:
            return _why(incident_id, exc.reason)
        except BadIncident as exc:
            return _why(incident_id, str(exc))
        self._cache.put(incident, now)
        return incident

    def _wanted(self, incident: Incident) -> bool:
        settings = self._settings
        if settings.severities and not _named_in(incident.severity, settings.severities):
            return False
        if settings.incident_types and not _named_in(
            incident.incident_type, settings.incident_types
        ):
            return False
        return settings.since is None or (
            incident.created is not None and incident.created >= settings.since
        )


def _why(incident_id: str, reason: str) -> str:
    return (
        f"incident {incident_id} could not be read: {reason}. Its follow-ups are kept as they "
        "were; it is read again next cycle"
    )


def _named_in(name: str | None, names: list[str]) -> bool:
    return name is not None and name.casefold() in {n.casefold() for n in names}
