"""Due dates as postmortem authors write them (the policy's default for none: ``due_policy``).

Nothing here guesses from the clock: a date without a year takes its year from the postmortem
date, relative dates ("in 2 weeks") count from it, and a text that names neither a year nor a
month ("Friday", "next sprint") is refused rather than pinned to some day near "today".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from syncd.limits import date_in_range
from syncd.resolve.due_policy import add_business_days
from syncd.resolve.text import UNKNOWN_VALUES, drop_struck_through, strip_markup

DateOrder = Literal["dmy", "mdy"]


@dataclass(frozen=True, slots=True)
class ParsedDue:
    """What a written due date says. At most one of the three flags is set."""

    date: date | None = None
    ambiguous: bool = False  # a numeric date with two valid readings, or a weekday that disagrees
    placeholder: bool = False  # nothing, or "TBD", "TBA", "n/a", "?"
    unparsed: bool = False  # written, but not a date syncd reads without guessing


_PLACEHOLDER = ParsedDue(placeholder=True)
_UNPARSED = ParsedDue(unparsed=True)
_AMBIGUOUS = ParsedDue(ambiguous=True)

_PLACEHOLDERS = UNKNOWN_VALUES | {
    "date",
    "due date",
    "yyyy-mm-dd",
    "dd/mm/yyyy",
    "mm/dd/yyyy",
    "dd.mm.yyyy",
}

# Words around a date that do not change it: "due 2026-12-01", "by: Q2", "deadline - Dec 1".
_LEAD_IN = re.compile(
    r"^(?:due(?:\s+date)?|deadline|target(?:\s+date)?|eta|by|before|until|till|"
    r"no\s+later\s+than|on)\b\s*[:=\-\u2013\u2014]?\s*"
)
_TRAILING_PUNCTUATION = " .,;:!"
# A note after the date: "Q2 (tentative)", "2026-12-01 (moved from Nov)".
_TRAILING_NOTE = re.compile(r"^(?P<date>.+?)\s*\([^()]*\)$")

# English names, spelled out here: the calendar module's names follow the process locale.
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(_MONTH_NAMES, start=1):
    _MONTHS[_name] = _number
    _MONTHS[_name[:3]] = _number
_MONTHS["sept"] = 9
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS: dict[str, int] = {}
for _number, _name in enumerate(_WEEKDAY_NAMES):
    _WEEKDAYS[_name] = _number
    _WEEKDAYS[_name[:3]] = _number
_WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

_ISO = re.compile(
    r"^(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?:[t ]\d{1,2}:\d{2}\S*)?$"
)
_ISO_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$")
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})$")
# Without a year only with a slash: "1.2" is a version and "1-2" a range more often than a date.
_NUMERIC_NO_YEAR = re.compile(r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})$")
_RELATIVE = re.compile(
    r"^(?:(?:in|within|after)\s+(?:the\s+next\s+)?|\+\s*)?"
    r"(?P<n>\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")\s*"
    r"(?P<unit>d|days?|bd|(?:business|working)\s+days?|w|wks?|weeks?|m|mos?|months?|y|yrs?|years?)$"
)
# "end of", "eo" (EOQ2, EOY) or "by the end of": all mean the last day of the period.
_END_OF = r"(?:(?:the\s+)?end\s+of\s+(?:the\s+)?|eo\s*)?"
_YEAR = r"(?P<y>\d{4}|'?\d{2})"
_QUARTER = re.compile(rf"^{_END_OF}q\s*(?P<q>[1-4])(?:\s*[-/,']?\s*{_YEAR})?$")
_QUARTER_YEAR_FIRST = re.compile(r"^(?P<y>\d{4})\s*[-/ ]?\s*q(?P<q>[1-4])$")
_QUARTER_NUMBER_FIRST = re.compile(rf"^{_END_OF}(?P<q>[1-4])q(?:\s*[-/,']?\s*{_YEAR})?$")
_HALF = re.compile(rf"^{_END_OF}h\s*(?P<h>[12])(?:\s*[-/,']?\s*{_YEAR})?$")
_HALF_YEAR_FIRST = re.compile(r"^(?P<y>\d{4})\s*[-/ ]?\s*h(?P<h>[12])$")
_HALF_NUMBER_FIRST = re.compile(rf"^{_END_OF}(?P<h>[12])h(?:\s*[-/,']?\s*{_YEAR})?$")
_PERIOD_END = re.compile(
    r"^(?:(?P<end_of>(?:the\s+)?end\s+of\s+(?:the\s+)?)?"
    r"(?P<which>this\s+|current\s+|next\s+)?(?P<period>year|quarter|month)(?P<end>[\s-]*end)?"
    r"|eo(?P<short>[yqm]))$"
)
_YEAR_END = re.compile(r"^(?:(?:the\s+)?end\s+of\s+|eoy\s*|year[\s-]end\s+)(?P<y>\d{4})$")
_MONTH_END = re.compile(rf"^{_END_OF}(?P<month>[a-z]+)\.?(?:\s*[-/,]?\s*(?P<y>\d{{4}}|'\d{{2}}))?$")
_TOKEN = re.compile(r"[a-z]+|\d+(?:st|nd|rd|th)?|'\d{2}")
_ORDINAL = re.compile(r"^(?P<n>\d{1,2})(?:st|nd|rd|th)$")
_FILLER_WORDS = frozenset({"of", "the"})


def parse_due(text: str, *, postmortem_date: date, date_order: DateOrder | None) -> ParsedDue:
    """Read a due date as written; relative and year-less dates count from the postmortem."""
    cleaned = _clean(text)
    if cleaned in _PLACEHOLDERS:
        return _PLACEHOLDER
    result = _read(cleaned, postmortem_date, date_order)
    if result.unparsed and (note := _TRAILING_NOTE.match(cleaned)) is not None:
        result = _read(note["date"], postmortem_date, date_order)
    if result.date is not None and not date_in_range(result.date):
        return _UNPARSED  # "due 9999-12-31" is no plan, and trackers and date sums choke on it
    return result


def _read(cleaned: str, postmortem_date: date, date_order: DateOrder | None) -> ParsedDue:
    for reader in _READERS:
        result = reader(cleaned, postmortem_date, date_order)
        if result is not None:
            return result
    return _UNPARSED


def _clean(text: str) -> str:
    cleaned = strip_markup(drop_struck_through(text)).lower().strip(_TRAILING_PUNCTUATION)
    if cleaned[:1] + cleaned[-1:] in ("()", "[]"):
        cleaned = cleaned[1:-1].strip(_TRAILING_PUNCTUATION)  # "(due: Q1 2027)", "[2026-12-01]"
    while (match := _LEAD_IN.match(cleaned)) is not None:
        cleaned = cleaned[match.end() :]
    return cleaned.strip(_TRAILING_PUNCTUATION)


# --- readers: each returns None when the text is not its form --------------------------------

Reader = Callable[[str, date, DateOrder | None], ParsedDue | None]


def _read_iso(text: str, pm: date, order: DateOrder | None) -> ParsedDue | None:
    if match := _ISO.match(text):
        return _found(_valid_date(int(match["y"]), int(match["m"]), int(match["d"])))
    if match := _ISO_MONTH.match(text):
        return _found(_month_end(int(match["y"]), int(match["m"])))
    return None


def _read_numeric(text: str, pm: date, order: DateOrder | None) -> ParsedDue | None:
    match = _NUMERIC.match(text) or _NUMERIC_NO_YEAR.match(text)
    if match is None:
        return None
    a, b = int(match["a"]), int(match["b"])
    year = _full_year(match["y"]) if "y" in match.groupdict() else None
    readings = {
        "dmy": _day_month(day=a, month=b, year=year, pm=pm),
        "mdy": _day_month(day=b, month=a, year=year, pm=pm),
    }
    if order is not None and readings[order] is not None:
        return _found(readings[order])
    valid = {reading for reading in readings.values() if reading is not None}
    if not valid:
        return _UNPARSED  # "31/04/2027" is no day in either order
    if len(valid) == 1:
        # Only one reading is a date ("13/02/2027"), whatever the team's usual order.
        return _found(valid.pop())
    return _AMBIGUOUS


def _read_relative(text: str, pm: date, order: DateOrder | None) -> ParsedDue | None:
    match = _RELATIVE.match(text)
    if match is None:
        return None
    count_text = match["n"]
    count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS[count_text]
    unit = match["unit"]
    if unit == "bd" or unit.startswith(("business", "working")):
        return _found(add_business_days(pm, count))
    if unit[0] == "d":
        return _found(pm + timedelta(days=count))
    if unit[0] == "w":
        return _found(pm + timedelta(weeks=count))
    if unit[0] == "m":
        return _found(pm + relativedelta(months=count))
    return _found(pm + relativedelta(years=count))


def _read_quarter_or_half(text: str, pm: date, order: DateOrder | None) -> ParsedDue | None:
    for pattern in (_QUARTER, _QUARTER_YEAR_FIRST, _QUARTER_NUMBER_FIRST):
        if match := pattern.match(text):
            last_month = int(match["q"]) * 3
            return _found(_period_end(last_month, match["y"], pm))
    for pattern in (_HALF, _HALF_YEAR_FIRST, _HALF_NUMBER_FIRST):
        if match := pattern.match(text):
            last_month = int(match["h"]) * 6
            return _found(_period_end(last_month, match["y"], pm))
    return None


def _read_period_end(text: str, pm: date, order: DateOrder | None) -> ParsedDue | None:
    """The end of the postmortem's (or the next) year, quarter or month: "EOY", "next quarter"."""
    if match := _YEAR_END.match(text):
        return _found(date(int(match["y"]), 12, 31))
    match = _PERIOD_END.match(text)
    if match is None:
        return None
    if not (match["end_of"] or match["which"] or match["end"] or match["short"]):
        return None  # "year" or "month" alone says nothing
    period = (match["short"] or match["period"])[0]  # y, q or m
    ahead = 1 if (match["which"] or "").strip() == "next" else 0
    if period == "y":
        return _found(date(pm.year + ahead, 12, 31))
    if period == "q":
        quarter_start = date(pm.year, (pm.month - 1) // 3 * 3 + 1, 1)
        start = quarter_start + relativedelta(months=3 * ahead)
        return _found(_month_end(start.year, start.month + 2))
    start = date(pm.year, pm.month, 1) + relativedelta(months=ahead)
    return _found(_month_end(start.year, start.month))


def _read_month_end(text: str, pm: date, order: DateOrder | None) -> ParsedDue | None:
    """A month without a day, "Dec 2026" or "end of December": the last day of that month."""
    match = _MONTH_END.match(text)
    if match is None or match["month"] not in _MONTHS:
        return None
    month = _MONTHS[match["month"]]
    if match["y"]:
        return _found(_month_end(_full_year(match["y"]), month))
    candidate = _month_end(pm.year, month)
    return _found(candidate if candidate >= pm else _month_end(pm.year + 1, month))


def _read_month_name_date(text: str, pm: date, order: DateOrder | None) -> ParsedDue | None:
    """A day and a month by name, with or without year and weekday: "Tue, Dec 1st 2026"."""
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != re.sub(r"[\s,./\-]+", "", text):
        return None  # something other than date words: not a date we read
    month: int | None = None
    weekday: int | None = None
    day: int | None = None
    year: int | None = None
    for token in tokens:
        if token in _FILLER_WORDS:
            continue
        if token in _WEEKDAYS:
            weekday = _WEEKDAYS[token]
        elif token in _MONTHS:
            if month is not None:
                return _UNPARSED
            month = _MONTHS[token]
        elif token.isalpha():
            return None  # a word that is no part of a date
        elif token.startswith("'") or (token.isdigit() and len(token) == 4):
            if year is not None:
                return _UNPARSED
            year = _full_year(token)
        elif (ordinal := _ORDINAL.match(token)) is not None or (len(token) <= 2 and day is None):
            if day is not None:
                return _UNPARSED
            day = int(ordinal["n"]) if ordinal is not None else int(token)
        elif len(token) == 2 and year is None:
            year = _full_year(token)  # "1 Dec 26"
        else:
            return _UNPARSED
    if month is not None and day is None and year is not None:
        return _found(_month_end(year, month))  # "2026 December"
    if month is None or day is None:
        return None  # a weekday alone, or "the 5th": no month to anchor it
    found = _day_month(day=day, month=month, year=year, pm=pm)
    if found is None:
        return _UNPARSED
    if weekday is not None and found.weekday() != weekday:
        return _AMBIGUOUS  # "Friday, 1 Dec 2026" is a Tuesday: which of the two was meant?
    return _found(found)


_READERS: tuple[Reader, ...] = (
    _read_iso,
    _read_numeric,
    _read_relative,
    _read_quarter_or_half,
    _read_period_end,
    _read_month_end,
    _read_month_name_date,
)


# --- calendar helpers ------------------------------------------------------------------------


def _found(day: date | None) -> ParsedDue:
    return ParsedDue(date=day) if day is not None else _UNPARSED


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(text: str) -> int:
    """A written year; two digits are this century's ("27" is 2027), never a clock's guess."""
    digits = text.lstrip("'")
    year = int(digits)
    return 2000 + year if len(digits) == 2 else year


def _month_end(year: int, month: int) -> date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _period_end(last_month: int, year_text: str | None, pm: date) -> date:
    """The last day of a quarter or half; without a year, the next one not over by ``pm``."""
    if year_text:
        return _month_end(_full_year(year_text), last_month)
    end = _month_end(pm.year, last_month)
    return end if end >= pm else _month_end(pm.year + 1, last_month)


def _day_month(*, day: int, month: int, year: int | None, pm: date) -> date | None:
    """A day and month in the year given, else the first such day on or after the postmortem."""
    if year is not None:
        return _valid_date(year, month, day)
    this_year = _valid_date(pm.year, month, day)
    if this_year is not None and this_year >= pm:
        return this_year
    return _valid_date(pm.year + 1, month, day)
