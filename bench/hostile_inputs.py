"""Hostile configurations and postmortems, as Hypothesis strategies, and what must hold for each.

Shared by the test suite (``tests/fuzz``: a few thousand cases on every run) and the soak
command (``python -m bench.fuzz --cases 100000``). What must hold: syncd answers any input with
its documented errors and nothing else.

- A configuration directory: ``load_config`` returns, every problem is a ``ConfigError`` naming
  its file, and a configuration it accepts can be used: its digest schedule has a current slot,
  and policy dates computed from the furthest postmortem date syncd accepts do not overflow.
- A markdown document: ``extract_document`` returns or raises ``DocumentRejected``; its result
  never holds the catch-all problem that hides a bug ("could not read the document: ..."), and
  its items resolve (owners, due dates, policy dates) without an exception.
"""

from __future__ import annotations

import string
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from connectors.markdown.extract import extract_document
from syncd.config import ConfigError, load_config
from syncd.cycle.digest_inputs import current_slot, judge_policy
from syncd.cycle.team_reading import people_directory, resolve_policy
from syncd.model import DocumentRejected
from syncd.reconcile.team_items import SourceOutcome, build_team_items
from syncd.resolve import default_due
from syncd.resolve.people import PeopleDirectory
from syncd.resolve.resolver import ResolvePolicy

# ------------------------------------------------------------------------------ raw material

_CONTROL = "".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127, 0x85, 0x9F))
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2069"
_MARKDOWN = "#*_`[]()|>-+!~<>\\:@/.,;'\"{}$&%=?^"
_ALPHABET = string.ascii_letters + string.digits + " \t\n" + _MARKDOWN + _CONTROL + _INVISIBLE

text_pieces = st.text(alphabet=_ALPHABET, max_size=40)

FAR_DATES = [
    date(1, 1, 1),
    date(1969, 12, 31),
    date(2200, 12, 31),
    date(9999, 12, 31),
    date(2028, 2, 29),
]
_NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 1, 10**11, 2**63, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e26, 1.5, -0.0]),
)
_STRINGS = st.one_of(
    text_pieces,
    st.sampled_from(
        [
            "",
            "x" * 20_000,
            "${UNSET_VARIABLE}",
            "${HOSTILE}",
            "$${",
            "${",
            "a\x00b",
            "../../../../etc/passwd",
            "9999-12-31",
            "1e26",
            "99999999999d",
            "0.5s",
            "-1m",
            "nan",
            "postgresql://u:p@h/d",
            "sqlite:///" + "x" * 300,
        ]
    ),
)
_SCALARS = st.one_of(
    _NUMBERS,
    _STRINGS,
    st.booleans(),
    st.none(),
    st.sampled_from(FAR_DATES),
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
)
values = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_STRINGS, inner, max_size=4),
    max_leaves=12,
)

_CRON_FIELD = st.one_of(
    st.sampled_from(
        ["*", "*/2", "*/0", "0", "7", "0-6", "1-7", "6-0", "mon-fri", "sun", "L", "last", "5th fri"]
    ),
    st.integers(min_value=-1, max_value=100).map(str),
    st.tuples(st.integers(0, 40), st.integers(0, 40)).map(lambda ab: f"{ab[0]}-{ab[1]}"),
)
crons = st.one_of(
    st.lists(_CRON_FIELD, min_size=5, max_size=5).map(" ".join),
    st.sampled_from(["0 0 31 2 *", "0 9 29 2 *", "0 9 13 * fri", "0 9 * * 0-6", "0 9 1-7 1 mon"]),
    text_pieces,
)

# ---------------------------------------------------------------------------- configuration

BASE_TEAM: dict[str, Any] = {
    "team": "payments",
    "timezone": "Europe/Berlin",
    "sources": [{"name": "pm", "type": "markdown", "path": "docs"}],
    "tracker": {
        "type": "jira",
        "url": "https://example.atlassian.net",
        "auth": {"email": "bot@example.com", "token": "${JIRA_TOKEN:-}"},
        "project": "PAY",
    },
    "people": {"alice": {"aliases": ["Alice Smith"], "email": "alice@example.com"}},
    "policy": {
        "due_days": {"P0": 7, "default": 56},
        "business_days": True,
        "holidays": [date(2026, 12, 25)],
        "due_soon_days": 7,
        "stale_after_days": 14,
        "review_after_days": 35,
    },
    "digest": {"schedule": "0 9 * * MON", "channels": []},
}
TEAM_PATHS: list[tuple[str | int, ...]] = [
    ("team",),
    ("timezone",),
    ("date_order",),
    ("sources",),
    ("sources", 0, "name"),
    ("sources", 0, "path"),
    ("sources", 0, "glob"),
    ("sources", 0, "max_document_bytes"),
    ("tracker", "url"),
    ("tracker", "project"),
    ("tracker", "labels"),
    ("tracker", "timeout_seconds"),
    ("people",),
    ("people", "alice"),
    ("people", "alice", "aliases"),
    ("people", "alice", "lead"),
    ("policy", "due_days", "default"),
    ("policy", "due_days", "P0"),
    ("policy", "holidays"),
    ("policy", "due_soon_days"),
    ("policy", "stale_after_days"),
    ("policy", "review_after_days"),
    ("digest", "schedule"),
    ("digest", "link"),
    ("digest", "channels"),
]
SERVICE_KEYS = ["sync_interval", "http_port", "log_level", "log_format", "database_url"]


def _replace(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    """Set ``path`` in ``data`` to ``value``, unless an earlier replacement took it away."""
    node: Any = data
    for part in path[:-1]:
        if not _holds(node, part):
            return
        node = node[part]
    if isinstance(node, dict) or _holds(node, path[-1]):
        node[path[-1]] = value


def _holds(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)


@st.composite
def team_texts(draw: st.DrawFn) -> str:
    """A team file: the valid base with a few values replaced, then maybe damaged as text."""
    data = yaml.safe_load(yaml.safe_dump(BASE_TEAM))
    for path in draw(st.lists(st.sampled_from(TEAM_PATHS), max_size=3, unique=True)):
        is_schedule = path == ("digest", "schedule")
        value = draw(crons if is_schedule and draw(st.booleans()) else values)
        _replace(data, path, value)
    text = yaml.safe_dump(data, allow_unicode=True)
    return draw(damaged(text))


@st.composite
def damaged(draw: st.DrawFn, text: str) -> str:
    """``text`` as is, or with something hostile done to it as text."""
    how = draw(st.sampled_from(["as is", "insert", "truncate", "append", "replace"]))
    if how == "as is":
        return text
    at = draw(st.integers(min_value=0, max_value=len(text)))
    if how == "insert":
        return text[:at] + draw(text_pieces) + text[at:]
    if how == "truncate":
        return text[:at]
    if how == "append":
        return text + draw(yaml_bombs)
    return draw(yaml_bombs)


def _laughs(width: int, levels: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


yaml_bombs = st.one_of(
    st.builds(_laughs, st.integers(2, 12), st.integers(2, 12)),
    st.integers(10, 6000).map(lambda n: "deep: " + "[" * n + "]" * n + "\n"),
    st.integers(10, 300).map(lambda n: "deep:\n" + "".join("  " * i + "- \n" for i in range(n))),
    st.integers(1, 200).map(lambda n: "k: &a [*a]\n" * (n % 2) + "x: *nope\n"),
    st.just("a: !!python/object/apply:os.system ['true']\n"),
    st.just("a: !!binary AAAA\nb: !!timestamp 9999-12-31T23:59:59-23:59\n"),
    st.just("<<: [*x]\n"),
    st.just("? [a, b]\n: c\n"),
    st.text(max_size=200),
)


@st.composite
def config_dirs(draw: st.DrawFn) -> dict[str, str]:
    """File name -> text of a configuration directory: a team file, maybe syncd.yaml too."""
    files = {"teams/payments.yaml": draw(team_texts())}
    if draw(st.booleans()):
        service = {key: draw(values) for key in draw(st.sets(st.sampled_from(SERVICE_KEYS)))}
        files["syncd.yaml"] = draw(damaged(yaml.safe_dump(service, allow_unicode=True)))
    if draw(st.booleans()):
        people = {"bob": {"aliases": draw(values), "lead": draw(values)}}
        files["people.yaml"] = draw(damaged(yaml.safe_dump(people, allow_unicode=True)))
    return files


ENV = {"HOSTILE": "a\x01b", "JIRA_TOKEN": "", "HOME": "/nonexistent"}
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
# The furthest postmortem date the markdown source accepts; policy dates count from it.
FURTHEST_POSTMORTEM = date(2200, 12, 31)


def check_config(files: dict[str, str]) -> None:
    """Raise AssertionError (or the undocumented exception) when syncd mishandles ``files``."""
    with tempfile.TemporaryDirectory(prefix="syncd-fuzz-") as directory:
        root = Path(directory)
        (root / "teams").mkdir()
        (root / "docs").mkdir()
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        loaded = load_config(root, env=ENV)
    for error in loaded.errors:
        assert isinstance(error, ConfigError), error
        assert str(error).strip(), "an error without a message"
    for team in loaded.teams:
        # What a sync and a digest do with the settings first: none of it may raise.
        current_slot(team.config.digest.schedule, team.config.timezone, NOW)
        judge_policy(team)
        people_directory(team)
        policy = resolve_policy(team)
        for priority in (None, *_priorities()):
            default_due(
                priority,
                postmortem_date=FURTHEST_POSTMORTEM,
                due_days=policy.due_days,
                business_days=policy.business_days,
                holidays=policy.holidays,
            )


def _priorities() -> list[Any]:
    from syncd.model import Priority

    return list(Priority)


# ----------------------------------------------------------------------------------- markdown

_DUE = st.one_of(
    st.sampled_from(
        [
            "due 9999-12-31",
            "due 0001-01-01",
            "(due: in 999 years)",
            "due Q4 9999",
            "due end of 9999",
            "due 31 Dec 9999",
            "due 2026-02-30",
            "due 12/11/2026",
            "due in 99999999999999999999 days",
            "due TBD",
        ]
    ),
    text_pieces,
)
_OWNER = st.one_of(
    st.sampled_from(["@alice", "(owner: Alice Smith)", "Owner: bob", ""]), text_pieces
)


@st.composite
def action_lines(draw: st.DrawFn) -> str:
    title = draw(text_pieces)
    kind = draw(st.sampled_from(["task", "bullet", "row", "text", "heading"]))
    owner, due = draw(_OWNER), draw(_DUE)
    if kind == "task":
        return f"- [{draw(st.sampled_from([' ', 'x', '']))}] {title} {owner} {due}"
    if kind == "bullet":
        return f"{draw(st.sampled_from(['-', '*', '1.', '>', '  -']))} {title} {owner} {due}"
    if kind == "row":
        return f"| {title} | {owner} | {due} | {draw(text_pieces)} |"
    if kind == "heading":
        return draw(
            st.sampled_from(["## Action items", "# Title", "## Timeline", "**Follow-ups**"])
        )
    return title


TABLE_HEAD = "| Action | Owner | Due | Status |\n|---|---|---|---|"


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["none", "mapping", "bomb", "far date", "far date", "text"]))
    if kind == "none":
        return ""
    if kind == "mapping":
        data = {"title": draw(values), "date": draw(values), "severity": draw(values)}
        body = yaml.safe_dump(data, allow_unicode=True)
    elif kind == "bomb":
        width, levels = draw(st.integers(2, 9)), draw(st.integers(2, 9))
        titled = _laughs(width, levels) + f"title: *a{levels - 1}\n"  # the title repeats it all
        body = draw(st.one_of(st.just(titled), yaml_bombs))
    elif kind == "far date":
        body = f"title: Far\ndate: {draw(st.sampled_from(FAR_DATES)).isoformat()}\n"
    else:
        body = draw(text_pieces)
    return f"---\n{body}---\n"


@st.composite
def markdown_documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(action_lines(), max_size=12))
    if draw(st.booleans()):
        lines[0:0] = ["## Action items", TABLE_HEAD]
    if draw(st.booleans()):
        # an item without a date: its due date is computed from the postmortem's date
        lines[0:0] = ["## Action items", "- [ ] Add an alert on the queue depth @alice"]
    return draw(front_matters()) + "\n".join(lines) + "\n"


_PEOPLE = PeopleDirectory([])
_POLICY = ResolvePolicy(due_days={"P0": 3650, "default": 3650}, business_days=True)
_DOCUMENT_BUG = "could not read the document:"


def check_document(text: str) -> None:
    """Raise AssertionError (or the undocumented exception) when syncd mishandles ``text``."""
    try:
        document = extract_document(text, source="fuzz", document="2026-11-01-fuzz.md")
    except DocumentRejected:
        return  # reported and skipped: documented
    for problem in document.problems:
        assert not problem.message.startswith(_DOCUMENT_BUG), problem.message
    build_team_items(
        "fuzz",
        [SourceOutcome("fuzz", documents=(document,))],
        [],
        {},
        today=NOW.date(),
        people=_PEOPLE,
        policy=_POLICY,
    )


Check = Callable[[Any], None]
TARGETS: dict[str, tuple[st.SearchStrategy[Any], Check]] = {
    "configuration": (config_dirs(), check_config),
    "markdown": (markdown_documents(), check_document),
}
