"""Confluence Cloud through REST v2: which pages a source reads, and each page's body.

- ``space``: ``GET /spaces?keys=KEY`` once for its id (remembered), then
  ``GET /spaces/{id}/pages`` (current, archived and trashed pages, 250 a request, cursor
  paging by ``_links.next``): one request per 250 pages, with each page's version and parent.
- ``parent``: its descendants, from the parents in the space's listing: no request per page
  (v2 has no descendants endpoint; walking ``/pages/{id}/children`` costs one per page).
- ``label``: its id from ``GET /labels`` once (remembered), then ``GET /labels/{id}/pages``
  (in the space, when one is set).
- A page's body: ``GET /pages/{id}?body-format=storage``.
- Write-back: ``PUT /pages/{id}`` with the next version number.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from connectors.confluence.client import ConfluenceClient, Params, has_results, is_object
from connectors.confluence.pages import PageRef, cloud_page, descendants, storage_body
from connectors.confluence.selection import SelectionError, parent_id_in
from connectors.confluence.settings import ConfluenceSettings
from syncd.connector.http import PermanentError

API = "/api/v2"
PAGE_SIZE = 250  # the most v2 gives in one answer
MAX_LISTING_REQUESTS = 2_000  # 500,000 pages: a cursor that never ends stops here


class CloudPages:
    def __init__(
        self,
        client: ConfluenceClient,
        settings: ConfluenceSettings,
        ids: MutableMapping[str, str],
    ) -> None:
        self._client = client
        self._settings = settings
        self._ids = ids  # space and label ids by key and name, kept between cycles

    def list_pages(self) -> list[PageRef]:
        settings = self._settings
        space_id = self._space_id(settings.space) if settings.space else None
        labelled: list[PageRef] | None = None
        if settings.label is not None:
            params: dict[str, Any] = {"limit": PAGE_SIZE}
            if space_id is not None:
                params["space-id"] = space_id
            label_id = self._label_id(settings.label)
            labelled = list(self._paged(f"{API}/labels/{label_id}/pages", params))
            if settings.parent is None:
                return labelled
        if space_id is None:  # the settings make this unreachable: a label or a space is set
            raise SelectionError("neither space nor label is set")
        pages = list(
            self._paged(
                f"{API}/spaces/{space_id}/pages",
                {"limit": PAGE_SIZE, "status": ["current", "archived", "trashed"]},
            )
        )
        if settings.parent is not None:
            pages = descendants(pages, parent_id_in(pages, settings.parent, settings.space))
        if labelled is not None:
            carrying = {page.page_id for page in labelled}
            pages = [page for page in pages if page.page_id in carrying]
        return pages

    def fetch(self, ref: PageRef) -> tuple[PageRef, str | None]:
        raw = self._client.get(
            f"{API}/pages/{ref.page_id}", {"body-format": "storage"}, expect=is_object
        )
        read = cloud_page(raw) or ref
        return read, storage_body(raw)

    def update(self, ref: PageRef, body: str, message: str) -> None:
        """The page's body replaced, as version ``ref.version + 1``: Confluence refuses it
        (409) when the page is no longer at ``ref.version``. The title is sent unchanged."""
        page = {
            "id": ref.page_id,
            "status": "current",
            "title": ref.title,
            "body": {"representation": "storage", "value": body},
            "version": {"number": ref.version + 1, "message": message},
        }
        self._client.put(f"{API}/pages/{ref.page_id}", page, expect=is_object)

    def probe(self, page_id: str) -> PageRef | None:
        """What became of a page no longer listed; None when it is gone for good."""
        try:
            raw = self._client.get(
                f"{API}/pages/{page_id}",
                {"status": ["current", "archived", "trashed"]},
                expect=is_object,
            )
        except PermanentError as exc:
            if exc.status in (404, 410):
                return None
            raise
        return cloud_page(raw)

    def surely_selected(self, page: PageRef) -> bool:
        """Whether a page (as probed) is in the selection for certain: only a whole space
        can tell from the page alone (a parent or label may have been taken away)."""
        s = self._settings
        space_id = self._ids.get(f"space:{s.space}")
        return (
            s.parent is None
            and s.label is None
            and page.space is not None
            and (page.space == space_id)
        )

    def _space_id(self, key: str) -> str:
        remembered = self._ids.get(f"space:{key}")
        if remembered:
            return remembered
        found = self._client.get(f"{API}/spaces", {"keys": key, "limit": 1}, expect=has_results)
        for space in found["results"]:
            if isinstance(space, dict) and space.get("key") == key and space.get("id"):
                self._ids[f"space:{key}"] = str(space["id"])
                return str(space["id"])
        raise SelectionError(
            f"space {key!r} was not found, or the account may not see it: check space "
            "(the key, as in the space's URL) and the account's space permissions"
        )

    def _label_id(self, name: str) -> str:
        remembered = self._ids.get(f"label:{name}")
        if remembered:
            return remembered
        for label in self._paged_raw(f"{API}/labels", {"limit": PAGE_SIZE}):
            if isinstance(label, dict) and label.get("name") == name and label.get("id"):
                self._ids[f"label:{name}"] = str(label["id"])
                return str(label["id"])
        raise SelectionError(
            f"no page carries the label {name!r} (Confluence knows no such label): check label"
        )

    def _paged(self, path: str, params: Params) -> Iterator[PageRef]:
        for raw in self._paged_raw(path, params):
            page = cloud_page(raw)
            if page is not None:
                yield page

    def _paged_raw(self, path: str, params: Params) -> Iterator[Any]:
        answer = self._client.get(path, params, expect=has_results)
        seen: set[str] = set()
        for _ in range(MAX_LISTING_REQUESTS):
            yield from answer["results"]
            links = answer.get("_links")
            following = links.get("next") if isinstance(links, dict) else None
            if not isinstance(following, str) or not following or following in seen:
                return
            seen.add(following)
            answer = self._client.get_site_path(following, expect=has_results)
        raise SelectionError(
            f"the listing did not end after {MAX_LISTING_REQUESTS} requests: is a proxy "
            "rewriting Confluence's next-page links?"
        )
