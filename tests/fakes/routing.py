"""What both fakes' request handling shares: the route table, the answer, redacted headers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()


class Route(NamedTuple):
    method: str
    pattern: re.Pattern[str]
    template: str
    handler: str  # the fake's method that answers it


class Found(NamedTuple):
    route: Route
    params: dict[str, str]  # path parameters, as sent


class Routes:
    """A fake's routes: handlers register with ``@ROUTES.route(METHOD, "/path/{param}")``."""

    def __init__(self) -> None:
        self.entries: list[Route] = []

    def route(self, method: str, template: str) -> Callable[[Any], Any]:
        pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")

        def register(handler: Any) -> Any:
            self.entries.append(Route(method, pattern, template, handler.__name__))
            return handler

        return register

    def __iter__(self) -> Iterator[Route]:
        return iter(self.entries)

    def find(self, method: str, path: str) -> Found | list[str]:
        """The first route of ``method`` whose template ``path`` fits, or else the methods
        that other routes serve for that path (empty: no such path)."""
        allowed: list[str] = []
        for route in self.entries:
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return Found(route, found.groupdict())
            allowed.append(route.method)
        return allowed


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """Header names in Title-Case (clients differ); credentials replaced, the scheme kept."""
    out = {}
    for name, value in headers.items():
        if name.lower() == "authorization":
            out["Authorization"] = f"{value.split(' ', 1)[0]} REDACTED"
        else:
            out[name.title()] = value
    return out
