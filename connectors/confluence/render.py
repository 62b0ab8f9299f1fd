"""A page's storage format turned into the markdown the markdown source's extraction reads.

Headings stay headings, tables pipe tables, lists lists, and Confluence task lists become
``- [ ]`` / ``- [x]`` items, so that a table or a task list means the same in a Confluence page
as in a markdown file. What markdown has no place for is kept beside the text, by line: each
task's id, assignee (its first mention, as Confluence assigns it) and due date (its
``<time datetime>``). The page properties macro (``details``) becomes ``Key: value`` lines (a
``Date:`` line is the postmortem's date, as in markdown), and its values are returned too.

Pure: elements in, text out.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field

from lxml import etree

from connectors.confluence.inline import Taken, escape, inline_text, task_status
from connectors.confluence.storage import all_text, attribute, children, macro_parameter, tag_of

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_CONTAINERS = frozenset(
    {
        "div",
        "section",
        "article",
        "blockquote",
        "center",
        "ac:layout",
        "ac:layout-section",
        "ac:layout-cell",
        "ac:rich-text-body",
        "ac:adf-extension",
        "ac:adf-node",
        "ac:adf-content",
    }
)
_BLOCKS = frozenset(
    {"p", "ul", "ol", "ac:task-list", "table", "pre", "hr", *_HEADINGS, *_CONTAINERS}
)
# Macros whose body is part of the page's text (panels, expand sections, layouts of columns).
_BODY_MACROS = frozenset(
    {
        "info",
        "note",
        "tip",
        "warning",
        "panel",
        "expand",
        "section",
        "column",
        "excerpt",
        "ui-expand",
    }
)
_CODE_MACROS = frozenset({"code", "noformat"})
_LEADING_MARKER = re.compile(
    r"^(\s*)(#|>|[-+*](?=\s|$)|[-*_=]{3,}|~{3,}|`{3,}|\d{1,9}[.)](?=\s|$))"
)


@dataclass(frozen=True, slots=True)
class TaskLine:
    """What the storage format says about the task written on one line of the markdown."""

    task_id: str | None
    assignee: str | None
    due: str | None
    done: bool


@dataclass(frozen=True, slots=True)
class ItemPlace:
    """The element a line of the markdown was written from, for write-back to find it again:
    an ``ac:task``, an ``li``, or a table row (``element`` its first cell) with its cells as the
    markdown columns them (a cell spanning columns is followed by stand-ins that are not in the
    page) and the texts of the table's header row."""

    element: etree._Element
    cells: tuple[etree._Element, ...] = ()
    header: tuple[str, ...] = ()


@dataclass(slots=True)
class ConvertedPage:
    text: str
    tasks: dict[int, TaskLine]  # by 1-based line of ``text``
    properties: dict[str, str]  # the page properties macro's rows, keys in lower case
    places: dict[int, ItemPlace] = field(default_factory=dict)  # by 1-based line of ``text``


@dataclass(slots=True)
class _Writer:
    lines: list[str] = field(default_factory=list)
    tasks: dict[int, TaskLine] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    places: dict[int, ItemPlace] = field(default_factory=dict)
    in_properties: int = 0

    def emit(self, line: str) -> None:
        self.lines.append(line)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def paragraph(self, text: str, indent: str = "") -> None:
        if text.strip():
            self.emit(indent + _escape_leading(text.strip()))
            self.blank()


def convert(root: etree._Element, *, title: str) -> ConvertedPage:
    """The page (its parsed body, see ``storage.parse_storage``) as markdown with front matter
    holding its title."""
    writer = _Writer()
    _blocks(writer, root, "")
    front = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    for key in ("severity", "service", "team", "incident"):
        if writer.properties.get(key):
            front.append(f"{key}: {json.dumps(writer.properties[key], ensure_ascii=False)}")
    front.append("---")
    shift = len(front)
    tasks = {line + shift: task for line, task in writer.tasks.items()}
    places = {line + shift: place for line, place in writer.places.items()}
    text = "\n".join([*front, *writer.lines]).rstrip("\n") + "\n"
    return ConvertedPage(text, tasks, dict(writer.properties), places)


def _escape_leading(text: str) -> str:
    """A paragraph line that would read as a heading, quote, list or fence is escaped."""
    return _LEADING_MARKER.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text, count=1)


def _is_block(element: etree._Element) -> bool:
    tag = tag_of(element)
    if tag == "ac:structured-macro":
        name = attribute(element, "ac:name") or ""
        return name in _BODY_MACROS or name in _CODE_MACROS or name == "details"
    return tag in _BLOCKS


def _blocks(writer: _Writer, container: etree._Element, indent: str) -> None:
    """The container's children: block elements each in turn, runs of inline content (text and
    inline elements between blocks) as paragraphs."""
    run = etree.Element("p")
    run.text = container.text
    for child in container:
        if _is_block(child):
            writer.paragraph(inline_text(run), indent)
            _block(writer, child, indent)
            run = etree.Element("p")
            run.text = child.tail
        else:
            run.append(_copy_inline(child))
    writer.paragraph(inline_text(run), indent)


def _copy_inline(child: etree._Element) -> etree._Element:
    # A copy (with its tail), so that gathering a paragraph never moves nodes of the page.
    return copy.deepcopy(child)


def _block(writer: _Writer, element: etree._Element, indent: str) -> None:
    tag = tag_of(element)
    if tag in _HEADINGS:
        text = inline_text(element)
        if text:
            writer.blank()
            writer.emit(f"{indent}{'#' * _HEADINGS[tag]} {text}")
            writer.blank()
    elif tag == "p":
        writer.paragraph(inline_text(element), indent)
    elif tag in ("ul", "ol"):
        _list(writer, element, indent, ordered=tag == "ol")
        writer.blank()
    elif tag == "ac:task-list":
        _task_list(writer, element, indent)
        writer.blank()
    elif tag == "table":
        _table(writer, element, indent)
    elif tag == "pre":
        _code(writer, all_text(element), indent)
    elif tag == "hr":
        writer.blank()
        writer.emit(indent + "***")
        writer.blank()
    elif tag == "ac:structured-macro":
        _macro(writer, element, indent)
    else:
        _blocks(writer, element, indent)


def _macro(writer: _Writer, macro: etree._Element, indent: str) -> None:
    name = attribute(macro, "ac:name") or ""
    if name in _CODE_MACROS:
        for body in children(macro, "ac:plain-text-body"):
            _code(writer, all_text(body), indent)
        return
    if name == "expand" and (title := macro_parameter(macro, "title")):
        writer.paragraph(f"**{escape(title)}**", indent)
    writer.in_properties += name == "details"
    try:
        for body in children(macro, "ac:rich-text-body"):
            _blocks(writer, body, indent)
    finally:
        writer.in_properties -= name == "details"


def _code(writer: _Writer, text: str, indent: str) -> None:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    writer.blank()
    writer.emit(indent + fence)
    for line in text.split("\n"):
        writer.emit(indent + line)
    writer.emit(indent + fence)
    writer.blank()


def _split_item(item: etree._Element) -> tuple[etree._Element, list[etree._Element]]:
    """A list item's own text (its inline content and paragraphs) and its nested blocks."""
    own = etree.Element("p")
    own.text = item.text
    nested: list[etree._Element] = []
    for child in item:
        tag = tag_of(child)
        if is_nested_block(child):
            nested.append(child)
            if child.tail and child.tail.strip():
                tail = etree.SubElement(own, "span")
                tail.text = child.tail
        else:
            own.append(_copy_inline(child))
            if tag == "p":  # paragraphs of one item are read as one line
                own[-1].tail = " " + (own[-1].tail or "")
    return own, nested


def is_nested_block(child: etree._Element) -> bool:
    """Whether a child of a list item or task body is a block of its own (a nested list, a
    table, code, a panel) rather than part of the item's line."""
    tag = tag_of(child)
    return tag in ("ul", "ol", "ac:task-list", "table", "pre") or (
        tag == "ac:structured-macro" and _is_block(child)
    )


def _list(writer: _Writer, element: etree._Element, indent: str, *, ordered: bool) -> None:
    for number, item in enumerate(children(element, "li"), start=1):
        own, nested = _split_item(item)
        marker = f"{number}. " if ordered else "- "
        text = inline_text(own)
        writer.emit(f"{indent}{marker}{_escape_item_start(text)}".rstrip())
        writer.places[len(writer.lines)] = ItemPlace(item)
        for block in nested:
            _block(writer, block, indent + " " * len(marker))


def _escape_item_start(text: str) -> str:
    # "[ ]" or "[x]" at the start of a plain bullet would read as a task's checkbox, "# x" as
    # a heading inside the item.
    return "\\" + text if text.startswith("[") else _escape_leading(text)


def _task_list(writer: _Writer, element: etree._Element, indent: str) -> None:
    for child in element:
        tag = tag_of(child)
        if tag == "ac:task":
            _task(writer, child, indent)
        elif tag == "ac:task-list":  # a nested list: sub-tasks of the task before it
            _task_list(writer, child, indent + "  ")


def _task(writer: _Writer, task: etree._Element, indent: str) -> None:
    done = task_status(task) == "complete"
    taken = Taken(take=True)
    nested: list[etree._Element] = []
    texts = []
    for body in children(task, "ac:task-body"):
        own, inner = _split_item(body)
        texts.append(inline_text(own, taken))
        nested += inner
    task_id = None
    for name in ("ac:task-uuid", "ac:task-id"):
        for node in children(task, name):
            task_id = task_id or all_text(node).strip() or None
    text = _escape_leading(" ".join(texts).strip())
    writer.emit(f"{indent}- [{'x' if done else ' '}] {text}".rstrip())
    writer.tasks[len(writer.lines)] = TaskLine(task_id, taken.assignee, taken.due, done)
    writer.places[len(writer.lines)] = ItemPlace(task)
    for block in nested:
        _block(writer, block, indent + "  ")


def _rows(table: etree._Element) -> list[list[etree._Element]]:
    rows: list[list[etree._Element]] = []
    for part in [table, *[c for c in table if tag_of(c) in ("thead", "tbody", "tfoot")]]:
        for row in children(part, "tr"):
            cells: list[etree._Element] = []
            for cell in row:
                if tag_of(cell) in ("td", "th"):
                    span = cell.get("colspan") or "1"
                    extra = int(span) - 1 if span.isdigit() else 0
                    cells += [cell] + [etree.Element("td")] * min(extra, 50)
            rows.append(cells)
    return [row for row in rows if row]


def _table(writer: _Writer, table: etree._Element, indent: str) -> None:
    rows = _rows(table)
    if not rows:
        return
    texts = [[inline_text(cell, cell=True) for cell in row] for row in rows]
    if writer.in_properties and all(len(row) == 2 for row in texts):
        for key, value in texts:
            clean_key = key.strip("*: ").strip()
            if clean_key:
                writer.properties.setdefault(clean_key.lower(), value)
                writer.paragraph(f"{clean_key}: {value}", indent)
        return
    width = max(len(row) for row in texts)
    # An empty header row with the real headers as the first row is read so by the extraction.
    header = texts[1] if len(texts) > 1 and not any(c.strip() for c in texts[0]) else texts[0]
    writer.blank()
    for n, row in enumerate(texts):
        padded = row + [""] * (width - len(row))
        writer.emit(indent + "| " + " | ".join(padded) + " |")
        writer.places[len(writer.lines)] = ItemPlace(rows[n][0], tuple(rows[n]), tuple(header))
        if n == 0:
            writer.emit(indent + "|" + "---|" * width)
    writer.blank()
