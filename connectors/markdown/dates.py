"""The date of a postmortem, from front matter, its file name or a "Date:" line.

Only unambiguous dates are accepted: 03/04/2026 could be March or April, and a wrong
postmortem date moves every policy due date computed from it.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE
)
_NUMERIC = re.compile(r"(?<!\d)(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)")
_FILENAME = re.compile(r"(?<!\d)(?P<y>\d{4})[-_.]?(?P<m>\d{2})[-_.]?(?P<d>\d{2})(?!\d)")


class AmbiguousDate(ValueError):
    pass


class ImplausibleDate(ValueError):
    """A real date, but not one of a postmortem (year 9999): every date computed from it
    (policy due dates, reviews) would be as far off, or overflow."""


_EARLIEST_YEAR, _LATEST_YEAR = 1990, 2200


def parse_document_date(value: object) -> date | None:
    """A date from a front matter value or a "Date:" line; None when there is none.

    Raises ``AmbiguousDate`` for a numeric day/month that could be read either way, and
    ``ImplausibleDate`` for a date value (YAML's ``date: 9999-12-31``) outside the years
    1990 to 2200.
    """
    if isinstance(value, date):
        found = value.date() if isinstance(value, datetime) else value
        if not _EARLIEST_YEAR <= found.year <= _LATEST_YEAR:
            raise ImplausibleDate(
                f"{found.isoformat()} is not a postmortem's date (years {_EARLIEST_YEAR} "
                f"to {_LATEST_YEAR}); write the date of the incident"
            )
        return found
    if not isinstance(value, str):
        return None
    text = value.strip()
    if m := _ISO.search(text):
        return _make(m.group("y"), m.group("m"), m.group("d"))
    if m := _DAY_MONTH_YEAR.search(text):
        return _make(m.group("y"), _MONTHS[m.group("month").lower()], m.group("d"))
    if m := _MONTH_DAY_YEAR.search(text):
        return _make(m.group("y"), _MONTHS[m.group("month").lower()], m.group("d"))
    if m := _NUMERIC.search(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if m.group("sep") == ".":
            return _make(m.group("y"), b, a)  # dotted dates are day.month.year wherever used
        if a > 12 >= b:
            return _make(m.group("y"), b, a)
        if b > 12 >= a or a == b:
            return _make(m.group("y"), a, b)
        raise AmbiguousDate(f"{text!r} could be day/month or month/day; write it as YYYY-MM-DD")
    return None


def date_from_filename(name: str) -> date | None:
    stem = name.rsplit("/", 1)[-1]
    m = _FILENAME.search(stem)
    return _make(m.group("y"), m.group("m"), m.group("d")) if m else None


def _make(year: str | int, month: str | int, day: str | int) -> date | None:
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if _EARLIEST_YEAR <= found.year <= _LATEST_YEAR else None
