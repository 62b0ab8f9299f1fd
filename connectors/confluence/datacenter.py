"""Confluence Data Center through ``/rest/api/content``: which pages, and each page's body.

The selection is a CQL search, ``GET /rest/api/content/search`` with
``type=page AND space="KEY" AND label="…" AND ancestor=ID`` and ``expand=version,history``
(each page's version and creation date), 200 a request, ``start``/``limit`` paging; once the
pages are known, their ids (1,000 a request) and the most recently modified ones instead
(``list_pages``). A parent
given by title is looked up once (``GET /rest/api/content?spaceKey&title``) and remembered. A
page's body: ``GET /rest/api/content/{id}?expand=body.storage,version``. The space is looked up
once (``GET /rest/api/space/{key}``), as a search of an unknown space finds nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, MutableMapping
from typing import Any

from connectors.confluence.client import ConfluenceClient, has_results, is_object
from connectors.confluence.pages import PageRef, datacenter_page, storage_body
from connectors.confluence.selection import SelectionError, cql_string
from connectors.confluence.settings import ConfluenceSettings
from syncd.connector.http import PermanentError

# Data Center caps a content search by what it expands: 200 with a version, 1,000 with nothing
# (Atlassian KB, "Searching for content with the REST API and CQL always limits results to 50").
PAGE_SIZE = 200
BARE_PAGE_SIZE = 1_000
MAX_LISTING_REQUESTS = 2_500  # 500,000 pages: a listing that never ends stops here


class DataCenterPages:
    def __init__(
        self,
        client: ConfluenceClient,
        settings: ConfluenceSettings,
        ids: MutableMapping[str, str],
    ) -> None:
        self._client = client
        self._settings = settings
        self._ids = ids

    def cql(self) -> str:
        settings = self._settings
        terms = ["type=page"]
        if settings.space is not None:
            self._check_space(settings.space)
            terms.append(f"space={cql_string(settings.space)}")
        if settings.label is not None:
            terms.append(f"label={cql_string(settings.label)}")
        if settings.parent is not None:
            terms.append(f"ancestor={self._parent_id(settings.parent)}")
        return " AND ".join(terms)

    def list_pages(self, known: Mapping[str, int] | None = None) -> list[PageRef]:
        """The selected pages with their versions. With ``known`` (each page's version as last
        read) of more pages than one request lists, a cycle in which nothing changed costs two
        requests whatever the space's size:
        the pages' ids (1,000 a request without expansions), then the pages most recently
        modified, newest first, until one still has its known version: every page modified
        before it is unchanged too. A page not known (new, restored, moved in) means the full
        listing with versions (200 a request)."""
        cql = self.cql()
        if known and len(known) > PAGE_SIZE:  # up to 200 pages, one full request is cheaper
            ids = self._search(cql, expand=None, size=BARE_PAGE_SIZE)
            if all(ref.page_id in known for ref in ids):
                changed = self._recently_changed(cql, known)
                return [changed.get(ref.page_id) or _as_known(ref, known) for ref in ids]
        return self._search(cql, expand="version,history", size=PAGE_SIZE)

    def _recently_changed(self, cql: str, known: Mapping[str, int]) -> dict[str, PageRef]:
        changed: dict[str, PageRef] = {}
        start = 0
        for _ in range(MAX_LISTING_REQUESTS):
            answer = self._client.get(
                "/rest/api/content/search",
                {
                    "cql": f"{cql} ORDER BY lastmodified DESC",
                    "expand": "version,history",
                    "start": start,
                    "limit": PAGE_SIZE,
                },
                expect=has_results,
            )
            results = [page for raw in answer["results"] if (page := datacenter_page(raw))]
            for page in results:
                if known.get(page.page_id) == page.version:
                    return changed  # modified before the last read: so is every page after it
                changed[page.page_id] = page
            if len(answer["results"]) < PAGE_SIZE and not _has_next(answer):
                return changed
            start += len(answer["results"])
        raise SelectionError(f"the listing did not end after {MAX_LISTING_REQUESTS} requests")

    def _search(self, cql: str, *, expand: str | None, size: int) -> list[PageRef]:
        pages: list[PageRef] = []
        start = 0
        for _ in range(MAX_LISTING_REQUESTS):
            params: dict[str, str | int] = {"cql": cql, "start": start, "limit": size}
            if expand is not None:
                params["expand"] = expand
            answer = self._client.get("/rest/api/content/search", params, expect=has_results)
            results = answer["results"]
            pages += [page for raw in results if (page := datacenter_page(raw)) is not None]
            if not results or (not _has_next(answer) and len(results) < size):
                return pages
            start += len(results)
        raise SelectionError(f"the listing did not end after {MAX_LISTING_REQUESTS} requests")

    def update(self, ref: PageRef, body: str, message: str) -> None:
        """The page's body replaced, as version ``ref.version + 1``: Confluence refuses it
        (409) when the page is no longer at ``ref.version``. The title is sent unchanged."""
        page = {
            "id": ref.page_id,
            "type": "page",
            "title": ref.title,
            "body": {"storage": {"value": body, "representation": "storage"}},
            "version": {"number": ref.version + 1, "message": message},
        }
        self._client.put(f"/rest/api/content/{ref.page_id}", page, expect=is_object)

    def fetch(self, ref: PageRef) -> tuple[PageRef, str | None]:
        raw = self._client.get(
            f"/rest/api/content/{ref.page_id}",
            {"expand": "body.storage,version"},
            expect=is_object,
        )
        read = datacenter_page(raw)
        if read is None:
            return ref, storage_body(raw)
        # The listing's creation date stands: this read does not expand history.
        return PageRef(
            read.page_id, read.title, read.version, ref.created, read.webui, None, read.status
        ), storage_body(raw)

    def probe(self, page_id: str) -> PageRef | None:
        """What became of a page no longer listed; None when it is gone for good."""
        try:
            raw = self._client.get(
                f"/rest/api/content/{page_id}", {"status": "any", "expand": "version,space"},
                expect=is_object,
            )  # fmt: skip
        except PermanentError as exc:
            if exc.status in (404, 410):
                return None
            raise
        return datacenter_page(raw)

    def surely_selected(self, page: PageRef) -> bool:
        """Whether a page (as probed) is in the selection for certain: only a whole space
        can tell from the page alone (a parent or label may have been taken away)."""
        s = self._settings
        return (
            s.parent is None
            and s.label is None
            and page.space is not None
            and page.space.casefold() == (s.space or "").casefold()  # keys: any case in CQL
        )

    def _check_space(self, key: str) -> None:
        """A search of an unknown space finds nothing, which would read as every page gone:
        the space is looked up once (remembered) so that a wrong key fails the source."""
        if self._ids.get(f"space:{key}"):
            return
        try:
            space = self._client.get(f"/rest/api/space/{key}", expect=is_object)
        except PermanentError as exc:
            if exc.status != 404:
                raise
            raise SelectionError(
                f"space {key!r} was not found, or the account may not see it: check space "
                "(the key, as in the space's URL) and the account's space permissions"
            ) from None
        self._ids[f"space:{key}"] = str(space["id"])

    def _parent_id(self, parent: str) -> str:
        if parent.isdigit():
            return parent
        remembered = self._ids.get(f"parent:{parent}")
        if remembered:
            return remembered
        found = self._client.get(
            "/rest/api/content",
            {"spaceKey": self._settings.space or "", "title": parent, "type": "page", "limit": 2},
            expect=has_results,
        )
        ids = [str(r["id"]) for r in found["results"] if isinstance(r, dict) and r.get("id")]
        if len(ids) != 1:
            raise SelectionError(
                f"parent page {parent!r} is not in space {self._settings.space!r} (or the "
                "account may not see it): set parent to the page's id or exact title"
            )
        self._ids[f"parent:{parent}"] = ids[0]
        return ids[0]


def _has_next(answer: Any) -> bool:
    links = answer.get("_links")
    return isinstance(links, dict) and bool(links.get("next"))


def _as_known(ref: PageRef, known: Mapping[str, int]) -> PageRef:
    """A page listed without its version, unchanged since it was read: its known version."""
    return dataclasses.replace(ref, version=known[ref.page_id])
