"""The part of Drive's search query language (files.list ``q``) the fake understands: terms
``'ID' in parents``, ``mimeType = 'X'`` (or ``!=``), ``trashed = true|false``, ``name = 'X'``,
joined by ``and``, ``or``, ``not`` and parentheses. Anything else is an invalid query, as Drive
answers it (400 ``invalid``), so a client that starts sending another form fails loudly."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Predicate = Callable[[Any], bool]

_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*')|(?P<op>!=|=|\(|\))|(?P<word>\w+))")


class InvalidQuery(ValueError):
    pass


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            raise InvalidQuery(f"unexpected text at {position}")
        tokens.append(found.group(found.lastgroup or "word"))
        position = found.end()
    return tokens


def parse_query(text: str) -> Predicate:
    tokens = _tokens(text)
    predicate, rest = _or(tokens)
    if rest:
        raise InvalidQuery(f"unexpected {rest[0]!r}")
    return predicate


def _or(tokens: list[str]) -> tuple[Predicate, list[str]]:
    left, tokens = _and(tokens)
    while tokens and tokens[0].lower() == "or":
        right, tokens = _and(tokens[1:])
        left = (lambda a, b: lambda f: a(f) or b(f))(left, right)
    return left, tokens


def _and(tokens: list[str]) -> tuple[Predicate, list[str]]:
    left, tokens = _unary(tokens)
    while tokens and tokens[0].lower() == "and":
        right, tokens = _unary(tokens[1:])
        left = (lambda a, b: lambda f: a(f) and b(f))(left, right)
    return left, tokens


def _unary(tokens: list[str]) -> tuple[Predicate, list[str]]:
    if not tokens:
        raise InvalidQuery("the query ends too soon")
    if tokens[0].lower() == "not":
        inner, rest = _unary(tokens[1:])
        return (lambda f: not inner(f)), rest
    if tokens[0] == "(":
        inner, rest = _or(tokens[1:])
        if not rest or rest[0] != ")":
            raise InvalidQuery("a parenthesis is not closed")
        return inner, rest[1:]
    return _term(tokens)


def _string(token: str) -> str:
    if not (token.startswith("'") and token.endswith("'")):
        raise InvalidQuery(f"{token!r} is not a quoted string")
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def _term(tokens: list[str]) -> tuple[Predicate, list[str]]:
    if len(tokens) >= 3 and tokens[1].lower() == "in" and tokens[2] == "parents":
        parent = _string(tokens[0])
        return (lambda f: parent in f.parents), tokens[3:]
    if len(tokens) < 3 or tokens[1] not in ("=", "!="):
        raise InvalidQuery(f"unsupported term at {tokens[0]!r}")
    field, op, value = tokens[0], tokens[1], tokens[2]
    if field == "trashed":
        if value not in ("true", "false"):
            raise InvalidQuery("trashed takes true or false")
        wanted: Any = value == "true"
        get: Callable[[Any], Any] = lambda f: f.trashed  # noqa: E731
    elif field == "mimeType":
        wanted, get = _string(value), (lambda f: f.mime_type)
    elif field == "name":
        wanted, get = _string(value), (lambda f: f.name)
    else:
        raise InvalidQuery(f"unsupported field {field!r}")
    if op == "=":
        return (lambda f: get(f) == wanted), tokens[3:]
    return (lambda f: get(f) != wanted), tokens[3:]
