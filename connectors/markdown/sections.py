"""The walk over a document's blocks: which section each block is in, and what to read.

Headings and bold labels open sections; a sub-heading under an action section stays inside it.
Lists under an action section, action tables anywhere, and lists labelled as actions are read;
everything else (narrative, code, HTML comments) is passed over.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it.token import Token

from connectors.markdown.context import ExtractionContext
from connectors.markdown.labels import Label, is_action_label, read_label, strip_markup
from connectors.markdown.lists import (
    action_list_items,
    labelled_action_items,
    may_hold_labels,
    read_list,
    skip_block,
)
from connectors.markdown.plain_lines import plain_line_items
from connectors.markdown.shape_limits import MarkupBudgetSpent
from connectors.markdown.tables import (
    TableRows,
    read_table,
    table_from_paragraph,
    table_from_tokens,
)
from syncd.connector.model import DocumentRejected

# A heading longer than this is no section name; the rest is not read (its label patterns
# would cost a second a megabyte).
_MAX_LABEL_CHARS = 1_000
_LABEL_LEVEL = 7  # a bold label ranks below every heading: the next heading of any level ends it
_BOLD_LABEL = re.compile(r"^\s*(\*\*|__)(?P<label>[^*_\n]{1,80}?)\s*:?\s*\1\s*:?\s*$")
_PLAIN_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z &/-]{1,40}):\s*$")


_LIST_OPEN = ("bullet_list_open", "ordered_list_open")
_TAKEN = "a bold label of actions taken (so done)"
_LINE = "an action label line"


@dataclass(frozen=True, slots=True)
class _Scope:
    level: int
    label: str
    action: str | None  # the section name its items get, when it is (inside) an action section
    status: str | None = None  # the status its heading gives the items ("Done", "(all done)")
    story: bool = False  # it (or a heading above) tells the story: no label opens actions
    opened_by: str = "an action heading"  # what made it an action section, for --explain


class SectionWalker:
    def __init__(self, tokens: list[Token], ctx: ExtractionContext) -> None:
        self.tokens = tokens
        self.ctx = ctx
        self.stack: list[_Scope] = []
        self.first_h1: str | None = None
        self.seen_heading = False

    @property
    def action(self) -> str | None:
        return self.stack[-1].action if self.stack else None

    @property
    def opened_by(self) -> str:
        return self.stack[-1].opened_by if self.stack else "an action heading"

    @property
    def in_story(self) -> bool:
        return bool(self.stack) and self.stack[-1].story

    @property
    def status(self) -> str | None:
        return self.stack[-1].status if self.stack else None

    @property
    def nearest_heading(self) -> str:
        return self.stack[-1].label if self.stack else ""

    def walk(self) -> None:
        tokens = self.tokens
        n = len(tokens)
        i = 0
        while i < n:
            tok = tokens[i]
            kind = tok.type
            if kind == "heading_open":
                self._heading(tok, tokens[i + 1].content if i + 1 < n else "")
                i += 3
            elif kind == "paragraph_open":
                if i + 1 < n:
                    self._guarded(tok, "paragraph", self._paragraph, tok, tokens[i + 1])
                i += 3
            elif kind in _LIST_OPEN:
                end = skip_block(tokens, i)
                if self.action is not None:
                    # "1. Add the alert" then "- threshold: ..." then "2. ...": a change of
                    # marker starts a new list, but the author wrote one; read them as one.
                    while end < n and tokens[end].type in _LIST_OPEN:
                        end = skip_block(tokens, end)
                self._guarded(tok, "list", self._list, i, end)
                i = end
            elif kind == "table_open":
                end = skip_block(tokens, i)
                self._guarded(tok, "table", self._table, i)
                i = end
            elif kind == "hr":
                self._pop_labels()
                i += 1
            else:
                # Quotes are walked into; code, HTML blocks (comments included) are not read.
                i += 1

    def _guarded(self, tok: Token, what: str, read: Callable[..., None], *args: object) -> None:
        """One block that cannot be read never stops the rest of the document."""
        self.ctx.reading_line = None
        try:
            read(*args)
        except MarkupBudgetSpent as exc:  # the whole document is refused, named on its item
            line = self.ctx.reading_line
            if line is None and tok.map:
                line = tok.map[0]
            where = f"line {self.ctx.line(line)}: " if line is not None else ""
            raise DocumentRejected(f"{where}{exc}") from None
        except DocumentRejected:  # refused whole (too many items), already named on its line
            raise
        except Exception as exc:  # any bug or surprise in one block: report it, go on
            line = tok.map[0] if tok.map else None
            self.ctx.problem(line, f"could not read this {what}: {type(exc).__name__}: {exc}")

    def _heading(self, tok: Token, raw: str) -> None:
        raw = raw[:_MAX_LABEL_CHARS]
        level = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 6
        if level == 1 and self.first_h1 is None:
            self.first_h1 = strip_markup(raw)
        # A document's title heading often mentions follow-ups without being the section.
        title_heading = not self.seen_heading and level == 1
        self.seen_heading = True
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        label = read_label(raw, exact=title_heading)
        if title_heading and label.story:  # "Incident summary: DB outage" names the document
            label = dataclasses.replace(label, story=False)
        self.stack.append(self._scope(level, label))

    def _scope(
        self, level: int, label: Label, *, as_label: bool = False, bare: bool = False
    ) -> _Scope:
        """The scope a heading or bold label opens. Under an action section everything is
        part of it, a status in its name ("Done") applying below; outside, only an action
        name opens one, or, as a bold label, a name of actions taken ("What we did:"). In a
        section telling the story only a ``bare`` bold line naming the actions exactly
        ("**Action items**", no colon: a heading as some editors export it) opens one."""
        parent = self.action
        if parent is not None:
            section = f"{parent} / {label.name}" if label.name else parent
            opened_by = self.opened_by
            return _Scope(level, label.name, section, label.status or self.status, False, opened_by)
        in_story = self.in_story
        if as_label and in_story and not (bare and is_action_label(label.name, exact=True)):
            return _Scope(level, label.name, None, story=True)
        if label.is_action:
            opened_by = "a bold action label" if as_label else "an action heading"
            return _Scope(level, label.name, label.name, label.status, False, opened_by)
        if as_label and label.taken:
            return _Scope(level, label.name, label.name, "done", False, _TAKEN)
        return _Scope(level, label.name, None, story=label.story or in_story)

    def _pop_labels(self) -> None:
        while self.stack and self.stack[-1].level == _LABEL_LEVEL:
            self.stack.pop()

    def _paragraph(self, tok: Token, inline: Token) -> None:
        content = inline.content
        if "\n" not in content and len(content) <= 100:
            bold = _BOLD_LABEL.match(content)
            if bold:
                self._pop_labels()
                label = read_label(bold.group("label"))
                bare = ":" not in content
                self.stack.append(self._scope(_LABEL_LEVEL, label, as_label=True, bare=bare))
                return
            plain = _PLAIN_LABEL.match(content)
            # A plain "Action items:" line opens a section only where none is open already;
            # "Note:" and the like inside a section are not labels.
            if plain and self.action is None:
                label = read_label(plain.group("label"), exact=True)
                if label.is_action:
                    self._pop_labels()
                    name, status = label.name, label.status
                    self.stack.append(_Scope(_LABEL_LEVEL, name, name, status, False, _LINE))
                    return
        if "|" in content and "\n" in content:
            table = table_from_paragraph(content, tok.map[0] if tok.map else 0)
            if table is not None:
                self._read_table(table)
                return
        section = self.action
        if section is not None:
            first = tok.map[0] if tok.map else 0
            plain_line_items(content, first, section, self.status, self.ctx)

    def _list(self, start: int, end: int) -> None:
        section = self.action
        opening = self.tokens[start].map
        line = opening[0] if opening else None
        if section is None and (self.in_story or not may_hold_labels(self.tokens, start, end)):
            self._skipped_list(line)
            return
        entries, after = read_list(self.tokens, start)
        while after < end:  # lists written one after the other
            more, after = read_list(self.tokens, after)
            entries += more
        if section is not None:
            found_by = f"list item under {self.opened_by}"
            action_list_items(entries, section, self.ctx, self.status, found_by)
        elif not labelled_action_items(entries, self.ctx):
            self._skipped_list(line)

    def _skipped_list(self, line: int | None) -> None:
        heading = self.nearest_heading
        if self.in_story:
            why = "this section tells the story (summary, timeline, root cause, impact...)"
        elif heading:
            why = f'"{heading}" is not an action section, and no item in the list labels actions'
        else:
            why = "no action heading above, and no item in the list labels actions"
        self.ctx.skipped(line, "list", heading, why)

    def _table(self, start: int) -> None:
        self._read_table(table_from_tokens(self.tokens, start, self.ctx))

    def _read_table(self, table: TableRows) -> None:
        section = self.action
        read_table(
            table,
            section=section if section is not None else self.nearest_heading,
            in_action=section is not None,
            ctx=self.ctx,
            status=self.status,
        )
