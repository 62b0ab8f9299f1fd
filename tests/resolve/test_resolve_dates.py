from __future__ import annotations

from datetime import date

import pytest

from syncd.model import Priority
from syncd.resolve.dates import DateOrder, ParsedDue, parse_due
from syncd.resolve.due_policy import add_business_days, default_due

PM = date(2026, 3, 10)  # a Tuesday in Q1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO and year-first
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/01", date(2026, 12, 1)),
        ("2026.12.01", date(2026, 12, 1)),
        ("2026-12-1", date(2026, 12, 1)),
        ("2026-12-01T10:00", date(2026, 12, 1)),
        ("2026-12", date(2026, 12, 31)),
        ("2028-02-29", date(2028, 2, 29)),  # leap day
        # month names
        ("1 Dec 2026", date(2026, 12, 1)),
        ("December 1, 2026", date(2026, 12, 1)),
        ("Dec 1 2026", date(2026, 12, 1)),
        ("Dec. 1, 2026", date(2026, 12, 1)),
        ("1st Dec 2026", date(2026, 12, 1)),
        ("Dec 1st, 2026", date(2026, 12, 1)),
        ("2nd of March 2027", date(2027, 3, 2)),
        ("23rd Sept 2026", date(2026, 9, 23)),
        ("1-Dec-2026", date(2026, 12, 1)),
        ("Tuesday, 1 Dec 2026", date(2026, 12, 1)),  # the weekday agrees
        ("1 Dec 26", date(2026, 12, 1)),  # two-digit year
        ("Dec 26", date(2026, 12, 26)),  # a day, not the year '26
        ("Dec '27", date(2027, 12, 31)),  # with an apostrophe it is the year
        ("Dec 2026", date(2026, 12, 31)),
        ("December 2026", date(2026, 12, 31)),
        ("Feb 2028", date(2028, 2, 29)),  # last day of a leap February
        ("Feb 2027", date(2027, 2, 28)),
        ("end of December", date(2026, 12, 31)),
        ("end of Feb", date(2027, 2, 28)),  # Feb 2026 is over by the postmortem: next year's
        ("December", date(2026, 12, 31)),
        ("Dec 1", date(2026, 12, 1)),  # no year: the postmortem's
        ("1 Jan", date(2027, 1, 1)),  # no year and already past: the next year's
        ("March 10", date(2026, 3, 10)),  # the postmortem day itself is not past
        ("March 9", date(2027, 3, 9)),
        # quarters and halves
        ("Q2 2027", date(2027, 6, 30)),
        ("Q4 2026", date(2026, 12, 31)),
        ("Q1 2026", date(2026, 3, 31)),
        ("Q2'27", date(2027, 6, 30)),
        ("Q3/2027", date(2027, 9, 30)),
        ("2027-Q3", date(2027, 9, 30)),
        ("2027 Q1", date(2027, 3, 31)),
        ("3Q 2027", date(2027, 9, 30)),
        ("end of Q2", date(2026, 6, 30)),
        ("EOQ2", date(2026, 6, 30)),
        ("EOQ 3", date(2026, 9, 30)),
        ("Q2", date(2026, 6, 30)),
        ("Q1", date(2026, 3, 31)),  # the postmortem's own quarter, not yet ended
        ("H1 2027", date(2027, 6, 30)),
        ("H2", date(2026, 12, 31)),
        ("H1", date(2026, 6, 30)),
        ("2H 2027", date(2027, 12, 31)),
        ("2027-H1", date(2027, 6, 30)),
        # ends of periods relative to the postmortem
        ("end of year", date(2026, 12, 31)),
        ("end of the year", date(2026, 12, 31)),
        ("EOY", date(2026, 12, 31)),
        ("year end", date(2026, 12, 31)),
        ("year-end", date(2026, 12, 31)),
        ("end of 2027", date(2027, 12, 31)),
        ("EOY 2027", date(2027, 12, 31)),
        ("end of next year", date(2027, 12, 31)),
        ("end of quarter", date(2026, 3, 31)),
        ("EOQ", date(2026, 3, 31)),
        ("next quarter", date(2026, 6, 30)),
        ("end of month", date(2026, 3, 31)),
        ("EOM", date(2026, 3, 31)),
        ("next month", date(2026, 4, 30)),
        # relative to the postmortem
        ("in 2 weeks", date(2026, 3, 24)),
        ("in two weeks", date(2026, 3, 24)),
        ("in 3 days", date(2026, 3, 13)),
        ("within 1 month", date(2026, 4, 10)),
        ("within a month", date(2026, 4, 10)),
        ("in a week", date(2026, 3, 17)),
        ("+2w", date(2026, 3, 24)),
        ("+10d", date(2026, 3, 20)),
        ("+1m", date(2026, 4, 10)),
        ("2 weeks", date(2026, 3, 24)),
        ("in 1 year", date(2027, 3, 10)),
        ("in 5 business days", date(2026, 3, 17)),  # Tue + 5 working days = next Tue
        ("within 3 working days", date(2026, 3, 13)),
        # numeric, one valid reading
        ("13/02/2027", date(2027, 2, 13)),
        ("02/13/2027", date(2027, 2, 13)),
        ("31.12.2026", date(2026, 12, 31)),
        ("05/05/2027", date(2027, 5, 5)),  # both readings are the same day
        ("12/15", date(2026, 12, 15)),  # no year, only m/d is a date
        ("29/02/2028", date(2028, 2, 29)),  # leap year
        # written around
        ("due 2026-12-01", date(2026, 12, 1)),
        ("Due: Q1 2027", date(2027, 3, 31)),
        ("by 2026-12-01", date(2026, 12, 1)),
        ("by end of Q2", date(2026, 6, 30)),
        ("deadline - 1 Dec 2026", date(2026, 12, 1)),
        ("(due: Q1 2027)", date(2027, 3, 31)),
        ("**2026-12-01**", date(2026, 12, 1)),
        ("`2026-12-01`", date(2026, 12, 1)),
        ("2026-12-01.", date(2026, 12, 1)),
        ("[2026-12-01]", date(2026, 12, 1)),
        ("~~2026-11-01~~ 2026-12-01", date(2026, 12, 1)),  # moved: the new date counts
        ("Q2 (tentative)", date(2026, 6, 30)),
        ("2026-12-01 (moved from Nov)", date(2026, 12, 1)),
    ],
)
def test_parse_due_reads_written_dates(text: str, expected: date) -> None:
    assert parse_due(text, postmortem_date=PM, date_order=None) == ParsedDue(date=expected)


@pytest.mark.parametrize(
    ("text", "pm", "expected"),
    [
        # A quarter without a year is the postmortem's, unless it ended before the postmortem.
        ("Q2", date(2026, 6, 30), date(2026, 6, 30)),  # last day of Q2: Q2 not over yet
        ("Q2", date(2026, 7, 1), date(2027, 6, 30)),  # first day of Q3: next year's Q2
        ("end of Q1", date(2026, 4, 1), date(2027, 3, 31)),
        ("Q4", date(2026, 12, 31), date(2026, 12, 31)),
        ("H1", date(2026, 7, 1), date(2027, 6, 30)),
        ("end of quarter", date(2026, 12, 31), date(2026, 12, 31)),
        ("next quarter", date(2026, 11, 15), date(2027, 3, 31)),  # across the year boundary
        ("next month", date(2026, 12, 5), date(2027, 1, 31)),
        ("next month", date(2028, 1, 31), date(2028, 2, 29)),  # leap February
        ("within 1 month", date(2026, 1, 31), date(2026, 2, 28)),  # clamped, not March 3
        ("within 1 month", date(2028, 1, 31), date(2028, 2, 29)),
        ("in 2 weeks", date(2026, 12, 25), date(2027, 1, 8)),
        ("Feb 29", date(2028, 1, 10), date(2028, 2, 29)),  # leap year of the postmortem
        ("EOY", date(2026, 12, 31), date(2026, 12, 31)),
    ],
)
def test_parse_due_periods_and_relative_dates_count_from_the_postmortem(
    text: str, pm: date, expected: date
) -> None:
    assert parse_due(text, postmortem_date=pm, date_order=None).date == expected


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("01/02/2027", "dmy", date(2027, 2, 1)),
        ("01/02/2027", "mdy", date(2027, 1, 2)),
        ("1.2.2027", "dmy", date(2027, 2, 1)),
        ("1.2.2027", "mdy", date(2027, 1, 2)),
        ("1-2-2027", "dmy", date(2027, 2, 1)),
        ("1/2/27", "dmy", date(2027, 2, 1)),  # two-digit year
        ("1/2/27", "mdy", date(2027, 1, 2)),
        ("3/4", "dmy", date(2026, 4, 3)),
        ("3/4", "mdy", date(2027, 3, 4)),  # 4 March 2026 is past: the next one
        ("3/1", "dmy", date(2027, 1, 3)),  # 3 Jan 2026 is past: the next one
        # The team's order has no such day, the other order does: there is only one reading.
        ("13/02/2027", "mdy", date(2027, 2, 13)),
        ("02/13/2027", "dmy", date(2027, 2, 13)),
    ],
)
def test_numeric_dates_follow_the_team_date_order(
    text: str, order: DateOrder, expected: date
) -> None:
    assert parse_due(text, postmortem_date=PM, date_order=order) == ParsedDue(date=expected)


@pytest.mark.parametrize(
    "text", ["01/02/2027", "1.2.2027", "1/2/27", "12-11-2026", "3/4", "06/07/2027"]
)
def test_numeric_dates_with_two_readings_are_ambiguous_without_a_date_order(text: str) -> None:
    assert parse_due(text, postmortem_date=PM, date_order=None) == ParsedDue(ambiguous=True)


def test_a_weekday_that_contradicts_the_date_is_ambiguous() -> None:
    # 1 Dec 2026 is a Tuesday: either the weekday or the date is wrong.
    parsed = parse_due("Friday, 1 Dec 2026", postmortem_date=PM, date_order=None)
    assert parsed == ParsedDue(ambiguous=True)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "TBD",
        "tbd",
        "TBA",
        "TBC",
        "n/a",
        "N/A",
        "?",
        "-",
        "\u2014",
        "none",
        "**TBD**",
        "Due: TBD",
        "YYYY-MM-DD",
    ],
)
def test_placeholders_are_marked_as_such(text: str) -> None:
    assert parse_due(text, postmortem_date=PM, date_order=None) == ParsedDue(placeholder=True)


@pytest.mark.parametrize(
    "text",
    [
        "next sprint",  # sprint length is the team's, not ours: not guessed
        "Friday",  # weekday names: no month, no year
        "next Friday",
        "the 5th",
        "next week",
        "ASAP",
        "soon",
        "2027",  # "by 2027" could mean its start or its end
        "31/04/2027",  # April has 30 days, and there is no month 31
        "29/02/2027",  # not a leap year
        "2026-02-30",
        "2026-13-01",
        "32 Dec 2026",
        "Feb 29",  # no Feb 29 in 2026 or 2027
        "Q2 FY27",  # fiscal years start when the company says
        "mid December",
        "early Q3",
        "1.2",  # a version more often than a date
        "Dec Jan 2026",
        "1 2 Dec 2026",
        "sprint 42",
        "when the vendor ships 3.2",
    ],
)
def test_texts_that_are_not_a_readable_date_are_unparsed(text: str) -> None:
    assert parse_due(text, postmortem_date=PM, date_order=None) == ParsedDue(unparsed=True)


@pytest.mark.parametrize("order", [None, "dmy", "mdy"])
def test_an_impossible_numeric_date_is_unparsed_in_every_order(order: DateOrder | None) -> None:
    parsed = parse_due("31/04/2027", postmortem_date=PM, date_order=order)
    assert parsed == ParsedDue(unparsed=True)


def test_no_reading_depends_on_the_real_clock() -> None:
    # Year-less and relative dates anchor on the postmortem, whatever year it is today.
    old = date(2011, 5, 20)
    assert parse_due("Dec 1", postmortem_date=old, date_order=None).date == date(2011, 12, 1)
    assert parse_due("Q2", postmortem_date=old, date_order=None).date == date(2011, 6, 30)
    assert parse_due("in 3 days", postmortem_date=old, date_order=None).date == date(2011, 5, 23)
    assert parse_due("1 Dec 11", postmortem_date=old, date_order=None).date == date(2011, 12, 1)


# --- business days ---------------------------------------------------------------------------

FRI = date(2026, 12, 4)
SAT = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("start", "days", "holidays", "expected"),
    [
        (date(2026, 12, 1), 1, frozenset(), date(2026, 12, 2)),  # Tue -> Wed
        (FRI, 1, frozenset(), date(2026, 12, 7)),  # Fri -> Mon
        (SAT, 1, frozenset(), date(2026, 12, 7)),  # Sat -> Mon
        (date(2026, 12, 6), 1, frozenset(), date(2026, 12, 7)),  # Sun -> Mon
        (FRI, 5, frozenset(), date(2026, 12, 11)),  # a working week
        (date(2026, 12, 1), 0, frozenset(), date(2026, 12, 1)),  # 0 days on a weekday: that day
        (SAT, 0, frozenset(), date(2026, 12, 7)),  # 0 days on a weekend: the next working day
        (date(2026, 12, 1), 10, frozenset(), date(2026, 12, 15)),
        # over the end of the year with the usual holidays
        (
            date(2026, 12, 23),
            3,
            frozenset({date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)}),
            date(2026, 12, 29),  # Thu 24, (Fri 25 holiday), Mon 28, Tue 29
        ),
        (
            date(2026, 12, 30),
            2,
            frozenset({date(2027, 1, 1)}),
            date(2027, 1, 4),  # Thu 31, (Fri 1 holiday), Mon 4
        ),
        (FRI, 1, frozenset({date(2026, 12, 7)}), date(2026, 12, 8)),  # holiday Monday
        (date(2026, 12, 1), 0, frozenset({date(2026, 12, 1)}), date(2026, 12, 2)),
        (date(2026, 12, 5), 1, frozenset({date(2026, 12, 5)}), date(2026, 12, 7)),  # holiday Sat
        (date(2028, 2, 25), 2, frozenset(), date(2028, 2, 29)),  # Fri -> Tue Feb 29 (leap)
    ],
)
def test_add_business_days(
    start: date, days: int, holidays: frozenset[date], expected: date
) -> None:
    assert add_business_days(start, days, holidays) == expected


def test_add_business_days_refuses_negative_days() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_days(FRI, -1)


# --- policy default --------------------------------------------------------------------------

DUE_DAYS = {"P0": 7, "P1": 28, "default": 56}


@pytest.mark.parametrize(
    ("priority", "expected"),
    [
        (Priority.P0, date(2026, 3, 17)),
        (Priority.P1, date(2026, 4, 7)),
        (Priority.P2, date(2026, 5, 5)),  # no P2 entry: the default
        (Priority.P3, date(2026, 5, 5)),
        (None, date(2026, 5, 5)),
    ],
)
def test_default_due_counts_calendar_days_by_priority(
    priority: Priority | None, expected: date
) -> None:
    assert (
        default_due(priority, postmortem_date=PM, due_days=DUE_DAYS, business_days=False)
        == expected
    )


@pytest.mark.parametrize(
    ("priority", "pm", "holidays", "expected"),
    [
        (Priority.P0, PM, frozenset(), date(2026, 3, 19)),  # 7 working days from a Tuesday
        (Priority.P0, date(2026, 12, 24), frozenset(), date(2027, 1, 4)),
        (
            Priority.P0,
            date(2026, 12, 24),
            frozenset({date(2026, 12, 25), date(2027, 1, 1)}),
            date(2027, 1, 6),
        ),
        (Priority.P1, PM, frozenset(), date(2026, 4, 17)),  # 28 working days
    ],
)
def test_default_due_counts_business_days_and_holidays(
    priority: Priority, pm: date, holidays: frozenset[date], expected: date
) -> None:
    assert (
        default_due(
            priority, postmortem_date=pm, due_days=DUE_DAYS, business_days=True, holidays=holidays
        )
        == expected
    )


def test_default_due_without_a_default_entry_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="default"):
        default_due(None, postmortem_date=PM, due_days={"P0": 7}, business_days=False)
    # a priority with its own entry needs no default
    assert default_due(
        Priority.P0, postmortem_date=PM, due_days={"P0": 7}, business_days=False
    ) == date(2026, 3, 17)
