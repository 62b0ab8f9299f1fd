"""YAML parsed within a budget: size, nesting, and the values aliases stand for.

PyYAML builds whatever a text describes. Nested aliases (``b: [*a, *a, ...]``, a "billion
laughs") make a few hundred bytes stand for billions of values, and a deep enough nesting
overflows Python's stack. Here the text is first read as a stream of parser events (libyaml when
installed, linear and without recursion), counting as it goes: nesting depth, and every value
the document stands for, an alias counting as the whole value it repeats. Only a text within
its ``YamlLimits`` is composed into nodes, from the events already read.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    NodeEvent,
    ScalarEvent,
)
from yaml.nodes import Node
from yaml.resolver import Resolver

from syncd.limits import YamlLimits

_PARSER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLimitExceeded(ValueError):
    """The text is over one of its limits; ``line`` (1-based) is where, when known."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class YamlSyntaxError(ValueError):
    """Not YAML: ``line`` (1-based) when known; the message never quotes the text."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def compose_within(text: str, limits: YamlLimits) -> tuple[Node | None, SafeReplay]:
    """The single document of ``text`` as nodes, and the loader to construct values with.

    Raises ``YamlLimitExceeded`` or ``YamlSyntaxError``; nothing else for any text.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise YamlLimitExceeded(
            None,
            f"{limits.what} is {size:,} bytes; the limit is {limits.max_bytes:,} "
            "(is it the right file?)",
        )
    replay = SafeReplay(_events_within(text, limits))
    try:
        return replay.get_single_node(), replay
    except yaml.MarkedYAMLError as exc:  # e.g. an alias to an anchor never defined
        raise _syntax_error(exc) from None


def _events_within(text: str, limits: YamlLimits) -> list[Event]:
    events: list[Event] = []
    counter = _Counter(limits)
    try:
        parser = _PARSER(text)
    except yaml.YAMLError as exc:  # the pure-Python reader checks characters at once
        raise _syntax_error(exc, text) from None
    except UnicodeEncodeError as exc:  # a lone surrogate: libyaml reads UTF-8 only
        line = text.count("\n", 0, exc.start) + 1
        raise YamlSyntaxError(line, "invalid YAML: a character that is not Unicode text") from None
    try:
        while True:
            event = parser.get_event()
            if event is None:
                break
            counter.add(event)
            events.append(event)
    except yaml.YAMLError as exc:
        if "nesting depth" in str(getattr(exc, "problem", "")):
            # libyaml's own depth limit, met while it scans ahead of the events counted here
            raise YamlLimitExceeded(_mark_line(exc), counter.too_deep()) from None
        raise _syntax_error(exc, text) from None
    finally:
        parser.dispose()
    return events


class _Counter:
    """Depth and values of an event stream, an alias counting as the value it repeats."""

    def __init__(self, limits: YamlLimits) -> None:
        self._limits = limits
        self._values = 0
        self._open: list[tuple[int, str | None]] = []  # (values before it, anchor)
        self._sizes: dict[str, int] = {}  # anchor -> values it stands for

    def add(self, event: Event) -> None:
        line = _line_of(event)
        anchored = isinstance(event, NodeEvent) and (
            isinstance(event, AliasEvent) or event.anchor is not None
        )
        if anchored and not self._limits.aliases:
            raise YamlLimitExceeded(
                line,
                f"anchors (&name) and aliases (*name) are not allowed in {self._limits.what}; "
                "write the value out",
            )
        if isinstance(event, AliasEvent):
            # an anchor still open (a recursive alias) is reported when the data is built
            self._count(self._sizes.get(str(event.anchor), 1), line, alias=str(event.anchor))
        elif isinstance(event, ScalarEvent):
            self._count(1, line)
            if event.anchor is not None:
                self._sizes[str(event.anchor)] = 1
        elif isinstance(event, CollectionStartEvent):
            self._open.append((self._values, event.anchor))
            self._count(1, line)
            if len(self._open) > self._limits.max_depth:
                raise YamlLimitExceeded(line, self.too_deep())
        elif isinstance(event, CollectionEndEvent) and self._open:
            before, anchor = self._open.pop()
            if anchor is not None:
                self._sizes[str(anchor)] = self._values - before

    def too_deep(self) -> str:
        return (
            f"{self._limits.what} nests lists and mappings more than "
            f"{self._limits.max_depth} deep; flatten it"
        )

    def _count(self, values: int, line: int | None, *, alias: str | None = None) -> None:
        self._values += values
        if self._values <= self._limits.max_nodes:
            return
        through = f" (the alias *{alias[:40]} here repeats {values:,})" if alias else ""
        raise YamlLimitExceeded(
            line,
            f"{self._limits.what} stands for more than {self._limits.max_nodes:,} values"
            f"{through}; write fewer values or use fewer aliases",
        )


def _line_of(event: Event) -> int | None:
    mark = event.start_mark
    return int(mark.line) + 1 if mark is not None else None


def _mark_line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return int(mark.line) + 1 if mark is not None else None


def _syntax_error(exc: yaml.YAMLError, text: str | None = None) -> YamlSyntaxError:
    if isinstance(exc, yaml.reader.ReaderError):
        # a character YAML does not allow (a control character, a lone surrogate)
        line = text.count("\n", 0, exc.position) + 1 if text is not None else None
        return YamlSyntaxError(
            line,
            f"invalid YAML: character U+{exc.character:04X} is not allowed (a control "
            "character?); remove it, or write it as an escape in a double-quoted string",
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [part for part in (exc.context, exc.problem) if part]
        detail = "; ".join(parts) or "could not be parsed"
        return YamlSyntaxError(_mark_line(exc), f"invalid YAML: {detail}")
    return YamlSyntaxError(None, f"invalid YAML: {exc}")


class SafeReplay(Composer, SafeConstructor, Resolver):
    """PyYAML's safe composer and constructor, fed events that were already read."""

    def __init__(self, events: Iterable[Event]) -> None:
        self._events: deque[Event] = deque(events)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def check_event(self, *choices: type[Event]) -> bool:
        if not self._events:
            return False
        return not choices or isinstance(self._events[0], choices)

    def peek_event(self) -> Event:
        return self._events[0]

    def get_event(self) -> Event:
        return self._events.popleft()

    def dispose(self) -> None:
        self._events.clear()
