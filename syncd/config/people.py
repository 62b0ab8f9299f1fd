"""Cross-references between people: every alias names one person, every lead names a person;
and a person's handles, each validated by the connector of its type.

An owner written in a document is matched against aliases; an alias claimed by two people would
make the match depend on file order, so it is refused. A team used as an owner (``lead: alice``)
is assigned to its lead, so the lead must exist and the chain must end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails

from syncd.config.base import config_problem
from syncd.config.errors import KeyPath, describe, suggest
from syncd.plugins import PersonHandle


class PersonLike(Protocol):
    @property
    def aliases(self) -> list[str]: ...

    @property
    def lead(self) -> str | None: ...


def alias_key(name: str) -> str:
    """The form in which two names count as the same: case, spacing and a leading @ ignored."""
    return re.sub(r"\s+", " ", name.strip().removeprefix("@")).casefold()


def people_problems(people: Mapping[str, PersonLike]) -> Iterator[tuple[KeyPath, str]]:
    """``(path, message)`` for each broken cross-reference; paths are relative to ``people``."""
    yield from _alias_collisions(people)
    yield from _lead_problems(people)


def _alias_collisions(people: Mapping[str, PersonLike]) -> Iterator[tuple[KeyPath, str]]:
    # A person's key is a name too (documents write `@alice`): it is claimed before any alias.
    owner: dict[str, str] = {alias_key(key): key for key in people}
    for key, person in people.items():
        for index, alias in enumerate(person.aliases):
            normalised = alias_key(alias)
            claimant = owner.setdefault(normalised, key)
            if claimant != key:
                yield (
                    (key, "aliases", index),
                    f"alias {alias!r} is claimed by both {claimant} and {key}; "
                    "keep it on one of them",
                )


def _lead_problems(people: Mapping[str, PersonLike]) -> Iterator[tuple[KeyPath, str]]:
    for key, person in people.items():
        lead = person.lead
        if lead is None:
            continue
        if lead == key:
            yield (key, "lead"), "a person cannot be their own lead"
        elif lead not in people:
            close = suggest(lead, list(people))
            hint = f" (did you mean {close!r}?)" if close else ""
            yield (key, "lead"), f"lead {lead!r} is not a key under people{hint}"
        else:
            cycle = _cycle_from(key, people)
            if cycle is not None and key == min(cycle):  # report each loop once
                yield (key, "lead"), f"leads form a loop: {' -> '.join([*cycle, cycle[0]])}"


def _cycle_from(start: str, people: Mapping[str, PersonLike]) -> list[str] | None:
    chain = [start]
    current = people[start].lead
    while current is not None and current in people:
        if current == start:
            return chain
        if current in chain:
            return None  # `start` leads into a loop it is not part of
        chain.append(current)
        current = people[current].lead
    return None


def validated_handles(
    data: Mapping[str, Any], specs: Mapping[str, PersonHandle]
) -> tuple[dict[str, str], list[InitErrorDetails]]:
    """The person's handles by connector type, and the problems of those that are not valid."""
    handles: dict[str, str] = {}
    problems: list[InitErrorDetails] = []
    for kind, value in data.items():  # in the file's order, as its errors are reported
        spec = specs.get(kind)
        if spec is None or value is None:  # `slack:` alone, or `slack: null`: no handle
            continue
        try:
            handles[kind] = _handle_adapter(spec).validate_python(value)
        except ValidationError as exc:
            problems += (
                config_problem((kind, *e["loc"]), describe(e, lambda p: None)) for e in exc.errors()
            )
    return handles, problems


@cache
def _handle_adapter(spec: PersonHandle) -> TypeAdapter[str]:
    return TypeAdapter(spec.type)
