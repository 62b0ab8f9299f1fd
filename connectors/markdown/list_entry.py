"""One entry of a markdown list as the extraction reads it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ListEntry:
    line: int  # 0-based line of the list item in the parsed body
    head: str | None = None  # raw markdown of the first paragraph, when the item opens with one
    paragraphs: list[str] = field(default_factory=list)  # further paragraphs
    children: list[ListEntry] = field(default_factory=list)  # items of nested lists
