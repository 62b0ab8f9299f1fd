"""A small, real JQL evaluator for the subset syncd sends: tokenizer, parser, evaluator.

Anything outside the subset is refused with a Jira-style message naming it, so a test notices
instead of silently getting wrong results. Dates are read in UTC (the fake's "user time zone").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.jira.state import (
    PRIORITIES,
    RESOLUTIONS,
    STATUS_CATEGORIES,
    STATUSES,
    Issue,
    User,
)


class JqlError(ValueError):
    """A query Jira would answer with 400; the message is Jira's wording where we know it."""


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "string", "op", "(", ")", ",", "end"
    text: str
    pos: int


_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>!=|>=|<=|!~|=|>|<|~)
  | (?P<punct>[(),])
  | (?P<word>[^\s"'(),=!<>~]+)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            raise JqlError(
                f"Error in the JQL Query: the character '{text[pos]}' is a reserved "
                f"JQL character (line 1, character {pos + 1})."
            )
        kind = match.lastgroup or "space"
        raw = match.group()
        if kind == "string":
            tokens.append(Token("string", re.sub(r"\\(.)", r"\1", raw[1:-1]), pos))
        elif kind == "punct":
            tokens.append(Token(raw, raw, pos))
        elif kind != "space":
            tokens.append(Token(kind, raw, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# --- the syntax tree ---------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    text: str
    quoted: bool
    function: bool = False  # currentUser()


@dataclass(frozen=True)
class Clause:
    field: str
    op: str  # "=", "!=", ">", ">=", "<", "<=", "in", "not in", "is", "is not"
    values: tuple[Value, ...]  # empty for `is EMPTY`


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Clause | BoolOp | Not


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


@dataclass(frozen=True)
class Query:
    where: Node | None
    order_by: tuple[SortKey, ...]

    @property
    def bounded(self) -> bool:
        """Cloud's rule: a query needs at least one search restriction."""
        return self.where is not None


# Field name (as written, lower case) -> canonical field the evaluator knows.
_FIELDS = {
    "project": "project",
    "labels": "labels",
    "label": "labels",
    "key": "key",
    "issuekey": "key",
    "issue": "key",
    "id": "key",
    "updated": "updated",
    "updateddate": "updated",
    "created": "created",
    "createddate": "created",
    "duedate": "duedate",
    "due": "duedate",
    "status": "status",
    "statuscategory": "statuscategory",
    "resolution": "resolution",
    "assignee": "assignee",
    "priority": "priority",
    "issuetype": "issuetype",
    "type": "issuetype",
}
_ORDERABLE = {"key", "updated", "created", "duedate", "priority", "status"}
_OPS_BY_FIELD = {
    "project": {"=", "!=", "in", "not in"},
    "labels": {"=", "!=", "in", "not in", "is", "is not"},
    "key": {"=", "!=", "in", "not in"},
    "updated": {"=", "!=", ">", ">=", "<", "<="},
    "created": {"=", "!=", ">", ">=", "<", "<="},
    "duedate": {"=", "!=", ">", ">=", "<", "<=", "is", "is not"},
    "status": {"=", "!=", "in", "not in"},
    "statuscategory": {"=", "!=", "in", "not in"},
    "resolution": {"=", "!=", "in", "not in", "is", "is not"},
    "assignee": {"=", "!=", "in", "not in", "is", "is not"},
    "priority": {"=", "!=", "in", "not in"},
    "issuetype": {"=", "!=", "in", "not in"},
}


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at_word(self, *words: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text.lower() in words

    def expect_word(self, word: str) -> None:
        if not self.at_word(word):
            self.fail(f"Expecting '{word.upper()}'")
        self.take()

    def fail(self, what: str) -> None:
        token = self.peek()
        found = token.text or "end of query"
        raise JqlError(
            f"Error in the JQL Query: {what} but got '{found}'. (line 1, character {token.pos + 1})"
        )

    def query(self) -> Query:
        where = None if self.at_word("order") or self.peek().kind == "end" else self.or_expr()
        order: list[SortKey] = []
        if self.at_word("order"):
            self.take()
            self.expect_word("by")
            while True:
                order.append(self.sort_key())
                if self.peek().kind != ",":
                    break
                self.take()
        if self.peek().kind != "end":
            self.fail("Expecting either 'OR' or 'AND'")
        return Query(where, tuple(order))

    def sort_key(self) -> SortKey:
        token = self.take()
        if token.kind not in ("word", "string"):
            self.i -= 1
            self.fail("Expecting a field name")
        name = _FIELDS.get(token.text.lower())
        if name not in _ORDERABLE:
            raise JqlError(f"Not able to sort using field '{token.text}'.")
        descending = False
        if self.at_word("asc", "desc"):
            descending = self.take().text.lower() == "desc"
        return SortKey(name, descending)

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.at_word("or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while self.at_word("and"):
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def not_expr(self) -> Node:
        if self.at_word("not"):
            self.take()
            return Not(self.not_expr())
        if self.peek().kind == "(":
            self.take()
            node = self.or_expr()
            if self.peek().kind != ")":
                self.fail("Expecting ')'")
            self.take()
            return node
        return self.clause()

    def clause(self) -> Clause:
        token = self.take()
        if token.kind not in ("word", "string") or token.text.lower() in _KEYWORDS:
            self.i -= 1
            self.fail("Expecting a field name")
        field = _FIELDS.get(token.text.lower())
        if field is None:
            raise JqlError(
                f"Field '{token.text}' does not exist or you do not have permission to view it."
            )
        op = self.operator()
        if op not in _OPS_BY_FIELD[field]:
            raise JqlError(
                f"The operator '{op.upper()}' is not supported by the '{token.text}' field."
            )
        if op in ("is", "is not"):
            if not self.at_word("empty", "null"):
                self.fail("Expecting 'EMPTY' or 'NULL'")
            self.take()
            return Clause(field, op, ())
        if op in ("in", "not in"):
            return Clause(field, op, self.value_list())
        return Clause(field, op, (self.value(),))

    def operator(self) -> str:
        token = self.peek()
        if token.kind == "op":
            self.take()
            if token.text in ("~", "!~"):
                raise JqlError(f"The operator '{token.text}' is not supported by this fake Jira.")
            return token.text
        if self.at_word("in"):
            self.take()
            return "in"
        if self.at_word("is"):
            self.take()
            if self.at_word("not"):
                self.take()
                return "is not"
            return "is"
        if self.at_word("not"):
            self.take()
            self.expect_word("in")
            return "not in"
        if self.at_word("was", "changed"):
            raise JqlError(
                f"The operator '{token.text.upper()}' is not supported by this fake Jira."
            )
        self.fail("Expecting operator")
        raise AssertionError("unreachable")

    def value_list(self) -> tuple[Value, ...]:
        if self.peek().kind == "word":  # a list function: `key in linkedIssues(PAY-1)`
            return (self.value(),)
        if self.peek().kind != "(":
            self.fail("Expecting '('")
        self.take()
        values = [self.value()]
        while self.peek().kind == ",":
            self.take()
            values.append(self.value())
        if self.peek().kind != ")":
            self.fail("Expecting ')' or ','")
        self.take()
        return tuple(values)

    def value(self) -> Value:
        token = self.take()
        if token.kind == "string":
            return Value(token.text, quoted=True)
        if token.kind != "word" or token.text.lower() in _KEYWORDS:
            self.i -= 1
            self.fail("Expecting either a value, list or function")
        if self.peek().kind == "(":
            if token.text.lower() != "currentuser":
                raise JqlError(f"Unable to find JQL function '{token.text}()'.")
            self.take()
            if self.peek().kind != ")":
                self.fail("Expecting ')'")
            self.take()
            return Value(token.text, quoted=False, function=True)
        return Value(token.text, quoted=False)


def parse(text: str) -> Query:
    return _Parser(text).query()


# --- evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    mode: str  # "cloud" | "datacenter"
    now: dt.datetime
    current_user: User


_RELATIVE_RE = re.compile(r"^([-+]?)(\d+)([wdhm])$")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


def parse_moment(text: str, now: dt.datetime) -> dt.datetime:
    """`yyyy-MM-dd HH:mm`, `yyyy/MM/dd HH:mm`, `yyyy-MM-dd` or relative (`-15m`, `-1d`)."""
    relative = _RELATIVE_RE.match(text.strip())
    if relative:
        sign = -1 if relative.group(1) == "-" else 1
        delta = dt.timedelta(**{_UNITS[relative.group(3)]: int(relative.group(2))})
        return now + sign * delta
    for fmt in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    raise JqlError(
        f"Date value '{text}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', "
        "'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
    )


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "=":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op == ">":
        return bool(left > right)
    if op == ">=":
        return bool(left >= right)
    if op == "<":
        return bool(left < right)
    return bool(left <= right)


def _key_sort(key: str) -> tuple[str, int]:
    project, _, number = key.rpartition("-")
    return project, int(number) if number.isdigit() else -1


def _user_matches(user: User | None, value: Value, ctx: Context) -> bool:
    if user is None:
        return False
    if value.function:
        return user is ctx.current_user
    ref = value.text
    if ctx.mode == "cloud":
        return ref in (user.account_id, user.email) or ref.lower() == user.email.lower()
    return ref in (user.name, user.email) or ref.lower() == user.email.lower()


def _scalar_matches(field: str, issue: Issue, value: Value, ctx: Context) -> bool:
    text = value.text.lower()
    if field == "project":
        return text in (issue.project.key.lower(), issue.project.id, issue.project.name.lower())
    if field == "labels":
        return value.text in issue.labels
    if field == "key":
        return text in (issue.key.lower(), issue.id)
    if field == "status":
        return text in (issue.status.name.lower(), issue.status.id)
    if field == "statuscategory":
        category = issue.status.category
        return text in (category.name.lower(), category.key, str(category.id))
    if field == "resolution":
        if text == "unresolved":
            return issue.resolution is None
        return issue.resolution is not None and text in (
            issue.resolution.name.lower(),
            issue.resolution.id,
        )
    if field == "assignee":
        return _user_matches(issue.assignee, value, ctx)
    if field == "priority":
        return text in (issue.priority.name.lower(), issue.priority.id)
    if field == "issuetype":
        return text in (issue.issue_type.name.lower(), issue.issue_type.id)
    raise AssertionError(field)


def _is_empty(field: str, issue: Issue) -> bool:
    return {
        "labels": not issue.labels,
        "duedate": issue.duedate is None,
        "resolution": issue.resolution is None,
        "assignee": issue.assignee is None,
    }[field]


def _check_known_value(field: str, value: Value) -> None:
    """Jira refuses values that name nothing (a status, category or resolution that is unknown)."""
    text = value.text.lower()
    known: dict[str, set[str]] = {
        "status": {s.name.lower() for s in STATUSES} | {s.id for s in STATUSES},
        "statuscategory": {c.name.lower() for c in STATUS_CATEGORIES}
        | {c.key for c in STATUS_CATEGORIES}
        | {str(c.id) for c in STATUS_CATEGORIES},
        "resolution": {r.name.lower() for r in RESOLUTIONS}
        | {r.id for r in RESOLUTIONS}
        | {"unresolved"},
        "priority": {p.name.lower() for p in PRIORITIES} | {p.id for p in PRIORITIES},
    }
    if field in known and text not in known[field]:
        shown = "statusCategory" if field == "statuscategory" else field
        raise JqlError(f"The value '{value.text}' does not exist for the field '{shown}'.")


def validate(query: Query) -> None:
    """Checks that do not depend on data: value spellings and date formats."""
    far_past = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def walk(node: Node | None) -> None:
        if isinstance(node, BoolOp):
            for part in node.parts:
                walk(part)
        elif isinstance(node, Not):
            walk(node.part)
        elif isinstance(node, Clause):
            for value in node.values:
                if node.field in ("updated", "created", "duedate"):
                    parse_moment(value.text, far_past)
                else:
                    _check_known_value(node.field, value)

    walk(query.where)


def clauses(node: Node | None) -> list[Clause]:
    """Every clause of a query's condition, in order."""
    if node is None:
        return []
    if isinstance(node, BoolOp):
        return [c for part in node.parts for c in clauses(part)]
    if isinstance(node, Not):
        return clauses(node.part)
    return [node]


def check_references(
    query: Query, project_exists: Callable[[str], bool], issue_exists: Callable[[str], bool]
) -> None:
    """Jira refuses a query naming a project or an issue that does not exist (or that the user
    may not see) with 400, whatever the operator; Jira's wording."""
    for clause in clauses(query.where):
        for value in clause.values:
            if value.function:
                continue
            if clause.field == "project" and not project_exists(value.text):
                raise JqlError(f"The value '{value.text}' does not exist for the field 'project'.")
            if clause.field == "key" and not issue_exists(value.text):
                project, _, number = value.text.rpartition("-")
                if not number.isdigit() or not project_exists(project):
                    raise JqlError(f"The issue key '{value.text}' for field 'key' is invalid.")
                raise JqlError(f"An issue with key '{value.text}' does not exist for field 'key'.")


def evaluate(node: Node, issue: Issue, ctx: Context) -> bool:
    if isinstance(node, BoolOp):
        results = (evaluate(part, issue, ctx) for part in node.parts)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not evaluate(node.part, issue, ctx)
    field, op = node.field, node.op
    if op in ("is", "is not"):
        return _is_empty(field, issue) == (op == "is")
    if field in ("updated", "created", "duedate"):
        if field == "duedate":
            if issue.duedate is None:
                return False
            left: Any = dt.date.fromisoformat(issue.duedate)
            right: Any = parse_moment(node.values[0].text, ctx.now).date()
        else:
            # Jira compares at minute precision: `updated >= "10:30"` includes 10:30:59.
            moment = issue.updated if field == "updated" else issue.created
            left = moment.astimezone(dt.UTC).replace(second=0, microsecond=0)
            right = parse_moment(node.values[0].text, ctx.now).replace(second=0, microsecond=0)
        return _compare(left, op, right)
    hit = any(_scalar_matches(field, issue, v, ctx) for v in node.values)
    if op in ("=", "in"):
        return hit
    # Jira's negative operators do not match issues where the field is empty.
    if field in ("labels", "assignee", "resolution") and _is_empty(field, issue):
        return False
    return not hit


_SORT_KEYS: dict[str, Callable[[Issue], Any]] = {
    "key": lambda i: _key_sort(i.key),
    "updated": lambda i: i.updated,
    "created": lambda i: i.created,
    "duedate": lambda i: i.duedate or "9999-99-99",
    "priority": lambda i: -int(i.priority.id),
    "status": lambda i: i.status.name,
}


def run(query: Query, issues: list[Issue], ctx: Context) -> list[Issue]:
    """The matching issues, in the query's order (ties and no ORDER BY: by key, as Jira)."""
    where = query.where
    found = [i for i in issues if where is None or evaluate(where, i, ctx)]
    found.sort(key=_SORT_KEYS["key"])
    for sort in reversed(query.order_by):
        found.sort(key=_SORT_KEYS[sort.field], reverse=sort.descending)
    return found
