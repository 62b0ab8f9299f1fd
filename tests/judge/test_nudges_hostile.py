"""A hostile document author and a careless team file against nudges: a postmortem title may
not mention anyone or format anything in the comment, and a typo in quiet_days is an error,
never a silently different week."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
from pydantic import ValidationError

from connectors.jira.deployment import Deployment
from connectors.jira.nudges import nudge_comment_body
from syncd.config.nudges import NudgeConfig
from tests.digest.team_fixture import TOKENS, item
from tests.judge.test_nudges import _plan, _state

_WIKI_SPECIAL = "[]{}*_^~+-?|!#"


def _unescaped_specials(wiki: str) -> list[str]:
    """The wiki-markup characters Jira would read as markup: those not preceded by an odd run
    of backslashes (an even run is a line break, ``\\\\``, then the character itself)."""
    found = []
    for match in re.finditer(r"(\\*)(.)", wiki, re.DOTALL):
        slashes, char = match.groups()
        if char in _WIKI_SPECIAL and len(slashes) % 2 == 0:
            found.append(char)
    return found


@pytest.mark.parametrize(
    "title",
    [
        r"DB outage \[~admin]",  # a backslash before the mention: "\\" is a line break
        "Cache stampede \\{code}oops{code}",
        r"a\\*bold*",
    ],
)
def test_a_backslash_in_a_title_does_not_unescape_wiki_markup(title: str) -> None:
    text = f'This action item from the postmortem "{title}" was due on 2026-12-01.'
    body = nudge_comment_body(Deployment("datacenter"), "alice", text)
    assert body.startswith("[~alice] ")
    rest = body.removeprefix("[~alice] ")
    assert _unescaped_specials(rest) == [], rest


@pytest.mark.parametrize("day", ["mon-fri", "sat-sun", "Sunny", "Monsoon", "frisbee", "satx"])
def test_a_quiet_day_that_is_no_day_of_the_week_is_refused(day: str) -> None:
    with pytest.raises(ValidationError, match="not a day of the week"):
        NudgeConfig.model_validate({"quiet_days": [day]})


@pytest.mark.parametrize(
    ("day", "short"),
    [("Saturday", "sat"), ("SUN", "sun"), (" tues ", "tue"), ("Thurs", "thu"), ("weds", "wed")],
)
def test_a_quiet_day_may_be_written_in_full_or_abbreviated_in_any_case(
    day: str, short: str
) -> None:
    assert NudgeConfig.model_validate({"quiet_days": [day]}).quiet_days == [short]


def test_a_title_of_several_lines_stays_in_its_sentence() -> None:
    # Another source may keep a title's new lines: a line of its own would be a heading, a
    # quote or a list in the tracker's markup ("h1. ", "# ", "> ").
    title = "Checkout outage\n\nh1. Injected\n# heading\r\n> quote"
    pm = dataclasses.replace(TOKENS, title=title)
    state = dataclasses.replace(_state(), item=item("Add p99 alert", pm, due=date(2026, 3, 2)))
    [nudge] = _plan(state)
    first = nudge.text.split("\n")[0]
    assert '"Checkout outage h1. Injected # heading > quote"' in first, nudge.text


def test_a_due_date_moved_in_the_tracker_is_the_one_a_nudge_judges_and_names() -> None:
    moved_on = dataclasses.replace(_state(), tracker_due=date(2026, 4, 30))
    assert _plan(moved_on) == ()
    moved_back = dataclasses.replace(_state(), tracker_due=date(2026, 3, 5))
    [nudge] = _plan(moved_back)
    assert "was due on 2026-03-05 (6 days ago)" in nudge.text
    in_conflict = dataclasses.replace(_state(), conflict_fields=("due",), in_conflict=True)
    assert _plan(in_conflict) == ()
    untracked = dataclasses.replace(_state(), tracker_due=None)  # GitHub without milestones
    assert len(_plan(untracked)) == 1
