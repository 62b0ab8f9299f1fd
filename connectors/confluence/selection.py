"""Which pages a source's settings select: the parts Cloud and Data Center share."""

from __future__ import annotations

from connectors.confluence.pages import TRASHED, PageRef


class SelectionError(Exception):
    """The settings name something Confluence does not have (a space, label or parent page):
    nothing can be read, and the message says what to fix."""


def parent_id_in(pages: list[PageRef], parent: str, space: str | None) -> str:
    """The id of the page ``parent`` names (an id, else a title) among ``pages``."""
    if any(page.page_id == parent for page in pages):
        return parent
    wanted = parent.strip().casefold()
    # A trashed copy of the parent (Cloud lists the trash) is not the page meant by its title.
    titled = [
        page.page_id
        for page in pages
        if page.title.strip().casefold() == wanted and page.status != TRASHED
    ]
    if len(titled) == 1:
        return titled[0]
    where = f"space {space!r}" if space else "the space"
    if titled:
        raise SelectionError(
            f"{len(titled)} pages of {where} are titled {parent!r}: set parent to the page id"
        )
    raise SelectionError(
        f"parent page {parent!r} is not in {where} (or the account may not see it): set "
        "parent to the page's id or exact title"
    )


def cql_string(value: str) -> str:
    """A CQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
