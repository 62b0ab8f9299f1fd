"""What the fake Confluence holds: spaces, pages (with their versions, parents, labels and
storage-format bodies) and labels, and how it renders them as Cloud v2 and Data Center do."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class Space:
    id: str
    key: str
    name: str


@dataclass
class Page:
    id: str
    space: Space
    title: str
    body: str
    created: dt.datetime
    modified: dt.datetime
    parent_id: str | None = None
    version: int = 1
    status: str = "current"  # current, archived, trashed
    labels: set[str] = field(default_factory=set)
    # Listed, but reading it fails as if it had changed between the listing and the read:
    restricted: bool = False  # 403
    vanished: bool = False  # 404 (deleted since it was listed)


@dataclass
class ConfluenceState:
    clock: Callable[[], dt.datetime]
    spaces: dict[str, Space] = field(default_factory=dict)  # by key
    pages: dict[str, Page] = field(default_factory=dict)  # by id, in creation order
    label_ids: dict[str, str] = field(default_factory=dict)  # by name
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(65537))

    def next_id(self) -> str:
        return str(next(self._ids))

    def space(self, key: str) -> Space:
        if key not in self.spaces:
            self.spaces[key] = Space(self.next_id(), key, f"{key} space")
        return self.spaces[key]

    def space_by_id(self, space_id: str) -> Space | None:
        return next((s for s in self.spaces.values() if s.id == space_id), None)

    def add_page(
        self,
        space: str,
        title: str,
        body: str,
        *,
        parent: str | None = None,
        labels: tuple[str, ...] = (),
        created: dt.datetime | None = None,
    ) -> Page:
        when = created or self.clock()
        page = Page(self.next_id(), self.space(space), title, body, when, when, parent)
        self.pages[page.id] = page
        for label in labels:
            self.label(page, label)
        return page

    def label(self, page: Page, name: str) -> None:
        page.labels.add(name)
        self.label_ids.setdefault(name, self.next_id())

    def edit(self, page_id: str, *, body: str | None = None, title: str | None = None) -> Page:
        page = self.pages[page_id]
        page.body = body if body is not None else page.body
        page.title = title if title is not None else page.title
        page.version += 1
        page.modified = self.clock()
        return page

    def purge(self, page_id: str) -> None:
        del self.pages[page_id]

    # --- renderings ---------------------------------------------------------------------------

    def cloud_page(self, page: Page, *, body: bool) -> dict[str, Any]:
        rendered: dict[str, Any] = {
            "id": page.id,
            "status": page.status,
            "title": page.title,
            "spaceId": page.space.id,
            "parentId": page.parent_id,
            "parentType": "page",
            "position": 0,
            "authorId": "557058:00000000-0000-4000-8000-000000000001",
            "ownerId": "557058:00000000-0000-4000-8000-000000000001",
            "lastOwnerId": None,
            "createdAt": _iso(page.created),
            "version": {
                "createdAt": _iso(page.modified),
                "message": "",
                "number": page.version,
                "minorEdit": False,
                "authorId": "557058:00000000-0000-4000-8000-000000000001",
            },
            "_links": {
                "webui": f"/spaces/{page.space.key}/pages/{page.id}/{page.title.replace(' ', '+')}",
                "editui": f"/pages/resumedraft.action?draftId={page.id}",
                "tinyui": f"/x/{page.id}",
            },
        }
        if page.parent_id is None:
            del rendered["parentId"]
        if body:
            rendered["body"] = {"storage": {"representation": "storage", "value": page.body}}
        return rendered

    def dc_page(self, page: Page, base: str, *, body: bool) -> dict[str, Any]:
        rendered: dict[str, Any] = {
            "id": page.id,
            "type": "page",
            "status": page.status,
            "title": page.title,
            "space": {"id": int(page.space.id), "key": page.space.key, "name": page.space.name},
            "version": {"number": page.version, "when": _iso(page.modified), "minorEdit": False},
            "history": {"latest": True, "createdDate": _iso(page.created)},
            "_links": {
                "webui": f"/display/{page.space.key}/{page.title.replace(' ', '+')}",
                "self": f"{base}/rest/api/content/{page.id}",
                "tinyui": f"/x/{page.id}",
            },
            "_expandable": {"ancestors": "", "children": "", "container": ""},
        }
        if body:
            rendered["body"] = {"storage": {"value": page.body, "representation": "storage"}}
        return rendered

    def ancestors(self, page: Page) -> list[str]:
        found: list[str] = []
        parent = page.parent_id
        while parent is not None and parent in self.pages and parent not in found:
            found.append(parent)
            parent = self.pages[parent].parent_id
        return found
