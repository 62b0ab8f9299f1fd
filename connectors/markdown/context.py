"""What the readers of one document share while they walk it."""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it.utils import EnvType

from connectors.markdown.clean_text import clean_line
from connectors.markdown.shape_limits import check_items
from syncd.connector.model import DocumentProblem, ExtractionStep, RawItem


@dataclass(slots=True)
class ExtractionContext:
    body: str  # the markdown after front matter, as parsed
    line_offset: int  # lines before ``body`` in the original text (the front matter)
    env: EnvType = field(default_factory=dict)
    items: list[RawItem] = field(default_factory=list)
    problems: list[DocumentProblem] = field(default_factory=list)
    # Why each item was taken and each candidate block passed over (``--explain``): one small
    # record per item or block, cheap enough to keep always.
    steps: list[ExtractionStep] = field(default_factory=list)
    _lines: list[str] | None = None
    # The 0-based body line of the item being read, for a document refused part-way through a
    # block (its inline markup over budget): named on the item, not on the list or table.
    reading_line: int | None = None
    _visible_items: int = 0

    def add_item(self, item: RawItem, rule: str) -> None:
        """Keep ``item``, taken by ``rule``; past ``MAX_ITEMS`` visible ones the document is
        refused at once, before the rest of an export or index is read."""
        self.items.append(item)
        self.steps.append(ExtractionStep(item.line, True, item.title, item.section, rule))
        if clean_line(item.title) is not None:
            self._visible_items += 1
            check_items(self._visible_items, item.line)

    def skipped(self, body_line: int | None, what: str, section: str, reason: str) -> None:
        """A candidate block (a list, a table, a line) that gave no items, and why."""
        line = None if body_line is None else self.line(body_line)
        self.steps.append(ExtractionStep(line, False, what, section, reason))

    def line(self, body_line: int) -> int:
        """1-based line in the original text of a 0-based line of ``body``."""
        return body_line + self.line_offset + 1

    def source_line(self, body_line: int) -> str:
        if self._lines is None:
            self._lines = self.body.split("\n")
        if 0 <= body_line < len(self._lines):
            return self._lines[body_line]
        return ""

    def report_long_item(self, body_line: int, raw: str, limit: int) -> None:
        if len(raw) > limit:
            self.problem(
                body_line,
                f"this action item's text is {len(raw):,} characters long; only its first "
                f"{limit:,} were read (shorten it, and put the details in the tracker)",
            )

    def problem(self, body_line: int | None, message: str) -> None:
        line = None if body_line is None else self.line(body_line)
        self.problems.append(DocumentProblem(line=line, message=message))
