"""The connector registry: the core asks for a role ("the source of type X"), never a vendor.

Every connector, built-in or third-party, registers through the entry-point group
``syncd.connectors``. The entry point names a class with three class attributes:

- ``kind``: ``"source"``, ``"tracker"`` or ``"notifier"``;
- ``type``: the value of ``type:`` in a team file that selects it (``markdown``, ``jira``);
- ``Settings``: a pydantic model that validates the connector's block of the team file.

Sources additionally follow the ``Source`` protocol below. The tracker and notifier protocols
are defined beside the code that drives them.

A connector may also say how people write their id in it (``handle``, a :class:`PersonHandle`):
a team file's person then takes a key of the connector's type (``slack: U012ABCDEF``,
``github: octocat``), which the connector validates, and the core keeps it in
``Person.handles`` without knowing the vendor. The handle also says how documents mention a
person in the connector's own syntax (``<@U012ABCDEF>``), so the core reads owners without
knowing any vendor's markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Protocol, runtime_checkable

from pydantic import AfterValidator, BaseModel, ConfigDict

from syncd.model import DocumentFailure, ExtractedDocument

ENTRY_POINT_GROUP = "syncd.connectors"

ConnectorKind = Literal["source", "tracker", "notifier"]


@dataclass(frozen=True, slots=True)
class PersonHandle:
    """How a person's id in one connector is written in a team file, under its ``type``.

    ``type`` is the value's pydantic type (e.g. ``Annotated[str, AfterValidator(...)]``): its
    errors are reported at the person's key like any other field's. ``names_owner``: documents
    may write an owner as this id (so the id resolves to the person, as an alias does).
    ``mention``: how documents may write a mention of someone in the connector's markup, a
    pattern matching the whole mention, with a group ``id`` (the id, as a name to look up) and
    optionally a group ``name`` (a display name written beside it, looked up next).
    """

    description: str
    type: Any = str
    names_owner: bool = False
    mention: re.Pattern[str] | None = None

    @classmethod
    def matching(
        cls,
        pattern: str,
        expected: str,
        description: str,
        *,
        names_owner: bool = False,
        mention: re.Pattern[str] | None = None,
    ) -> PersonHandle:
        """A handle that must fully match ``pattern``; the error says it "must be {expected}"
        and never repeats the value."""
        compiled = re.compile(pattern)

        def check(value: str) -> str:
            if compiled.fullmatch(value) is None:
                raise ValueError(f"must be {expected}")
            return value

        return cls(description, Annotated[str, AfterValidator(check)], names_owner, mention)


class ConnectorSettings(BaseModel):
    """Base of every connector's Settings: unknown keys are errors, secrets are ``SecretStr``."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class SourceContext:
    """What a source needs from its surroundings; given by the core, so sources stay I/O-only."""

    team: str
    config_dir: Path  # relative paths in a team file are relative to the file's directory
    cache_dir: Path  # where a source may keep clones or downloads between cycles
    now: datetime  # the cycle's clock


class SourceError(Exception):
    """The source as a whole could not be read (path missing, clone failed, auth refused).

    The core reports it and leaves that source's items as they were: nothing is orphaned
    because a source was unreachable.
    """


@runtime_checkable
class Source(Protocol):
    """Reads postmortems and yields each document's extraction, or why it was skipped.

    ``read`` raises ``SourceError`` when the source as a whole cannot be read.
    """

    name: str

    def read(self) -> Iterator[ExtractedDocument | DocumentFailure]: ...


class ConnectorClass(Protocol):
    # Settings comes first: below ``type`` the name would mean the class attribute, not the builtin.
    Settings: ClassVar[type[ConnectorSettings]]
    kind: ClassVar[ConnectorKind]
    type: ClassVar[str]


class SourceFactory(ConnectorClass, Protocol):
    def __call__(self, name: str, settings: Any, context: SourceContext) -> Source: ...


class UnknownConnector(LookupError):
    def __init__(self, kind: str, type_: str, available: list[str]) -> None:
        names = ", ".join(sorted(available)) or "none"
        super().__init__(f"unknown {kind} type {type_!r} (installed: {names})")
        self.kind = kind
        self.type = type_


@dataclass(frozen=True, slots=True)
class BrokenConnector:
    """An installed entry point that could not be loaded; reported, never fatal to the others."""

    entry_point: str
    error: str


@cache
def _load() -> tuple[dict[tuple[str, str], type[Any]], tuple[BrokenConnector, ...]]:
    found: dict[tuple[str, str], type[Any]] = {}
    broken: list[BrokenConnector] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
            key = (cls.kind, cls.type)
            cls.Settings  # noqa: B018 - every connector must declare its Settings model
        except Exception as exc:  # a third-party plugin may fail in any way; report, go on
            broken.append(
                BrokenConnector(f"{ep.name} = {ep.value}", f"{type(exc).__name__}: {exc}")
            )
            continue
        found[key] = cls
    return found, tuple(broken)


def _registry() -> dict[tuple[str, str], type[Any]]:
    return _load()[0]


def broken_connectors() -> tuple[BrokenConnector, ...]:
    return _load()[1]


def available(kind: ConnectorKind) -> list[str]:
    return sorted(t for (k, t) in _registry() if k == kind)


def connector_class(kind: ConnectorKind, type_: str) -> type[Any]:
    try:
        return _registry()[(kind, type_)]
    except KeyError:
        raise UnknownConnector(kind, type_, available(kind)) from None


def person_handles() -> dict[str, PersonHandle]:
    """The handle each installed connector declares, by connector type."""
    handles: dict[str, PersonHandle] = {}
    for (_, type_), cls in sorted(_registry().items()):
        handle = getattr(cls, "handle", None)
        if isinstance(handle, PersonHandle):
            handles.setdefault(type_, handle)
    return handles


@cache  # the registry is loaded once; owners are read by the thousand
def mention_patterns() -> tuple[re.Pattern[str], ...]:
    """How documents may mention a person, in the markup of each installed connector."""
    return tuple(h.mention for h in person_handles().values() if h.mention is not None)


def settings_model(kind: ConnectorKind, type_: str) -> type[ConnectorSettings]:
    model: type[ConnectorSettings] = connector_class(kind, type_).Settings
    return model
