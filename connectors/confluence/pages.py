"""What a listing says of a page, the same for Cloud and Data Center, and how the listings'
JSON is read into it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

# Cloud's page statuses that are read; a trashed page is listed too, to be reported rather
# than taken for a deleted one (see ``source``).
READABLE = frozenset({"current", "archived"})
TRASHED = "trashed"


@dataclass(frozen=True, slots=True)
class PageRef:
    page_id: str
    title: str
    version: int
    created: date | None
    webui: str | None  # the page's web path, relative to the site's base URL
    parent_id: str | None
    status: str
    space: str | None = None  # Cloud: the space's id; Data Center: its key


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def cloud_page(raw: Any) -> PageRef | None:
    """A page of a Cloud v2 listing or read (``PageBulk``/``PageSingle``); None when it has no
    id (nothing can be done with it)."""
    if not isinstance(raw, dict) or raw.get("id") is None:
        return None
    version = _object(raw.get("version"))
    links = _object(raw.get("_links"))
    parent = raw.get("parentId")
    return PageRef(
        page_id=str(raw["id"]),
        title=_text(raw.get("title")) or "",
        version=_int(version.get("number")),
        created=_date(raw.get("createdAt")),
        webui=_text(links.get("webui")),
        parent_id=str(parent) if parent is not None else None,
        status=_text(raw.get("status")) or "current",
        space=str(raw["spaceId"]) if raw.get("spaceId") is not None else None,
    )


def datacenter_page(raw: Any) -> PageRef | None:
    """A page of ``/rest/api/content`` (with ``expand=version,history``)."""
    if not isinstance(raw, dict) or raw.get("id") is None:
        return None
    version = _object(raw.get("version"))
    history = _object(raw.get("history"))
    links = _object(raw.get("_links"))
    return PageRef(
        page_id=str(raw["id"]),
        title=_text(raw.get("title")) or "",
        version=_int(version.get("number")),
        created=_date(history.get("createdDate")),
        webui=_text(links.get("webui")),
        parent_id=None,
        status=_text(raw.get("status")) or "current",
        space=_text(_object(raw.get("space")).get("key")),
    )


def storage_body(raw: Any) -> str | None:
    """``body.storage.value`` of a page read with its storage body, if there is one."""
    body = raw.get("body") if isinstance(raw, dict) else None
    storage = body.get("storage") if isinstance(body, dict) else None
    value = storage.get("value") if isinstance(storage, dict) else None
    return value if isinstance(value, str) else None


def descendants(pages: list[PageRef], root_id: str) -> list[PageRef]:
    """The pages under ``root_id`` (not itself), by their parents, in listing order."""
    by_parent: dict[str, list[str]] = {}
    for page in pages:
        if page.parent_id is not None:
            by_parent.setdefault(page.parent_id, []).append(page.page_id)
    wanted: set[str] = set()
    stack = [root_id]
    while stack:
        for child in by_parent.get(stack.pop(), []):
            if child not in wanted:  # a cycle in a corrupt tree ends here
                wanted.add(child)
                stack.append(child)
    return [page for page in pages if page.page_id in wanted]
