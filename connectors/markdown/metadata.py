"""The postmortem a document describes: title, date, severity and the rest, as written."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from connectors.markdown.dates import (
    AmbiguousDate,
    ImplausibleDate,
    date_from_filename,
    parse_document_date,
)
from connectors.markdown.labels import strip_markup
from syncd.connector.model import DocumentProblem, Postmortem

# Blank runs are possessive ("[ \t]*+"): two greedy runs side by side split a long run of
# blanks every way before the line fails, in time quadratic in its length.
_DATE_LINE = re.compile(
    r"^[ \t>]*+(?:[-*+][ \t]++)?(?:\|[ \t]*+)?(?:\*\*|__)?[ \t]*+"
    r"(?:incident[ \t]+date|date[ \t]+of[ \t]+(?:the[ \t]+)?incident|date)[ \t]*+(?:\*\*|__)?"
    r"[ \t]*+[:|][ \t]*+(?:\*\*|__)?[ \t]*+(?P<value>[^|\n]+)",
    re.IGNORECASE | re.MULTILINE,
)
# "Service: checkout-api", "**Affected services:** a, b", "| Services | a, b |": the services a
# postmortem is about, for recurrence. Possessive blanks, as above.
_SERVICE_LINE = re.compile(
    r"^[ \t>]*+(?:[-*+][ \t]++)?(?:\|[ \t]*+)?(?:\*\*|__)?[ \t]*+"
    r"(?:(?:affected|impacted)[ \t]+)?(?:services?|systems?[ \t]+affected)(?:\(s\))?[ \t]*+"
    r"(?:\*\*|__)?[ \t]*+[:|][ \t]*+(?:\*\*|__)?[ \t]*+(?P<value>[^|\n]{1,300})",
    re.IGNORECASE | re.MULTILINE,
)
# Between names: a comma or semicolon, or "and", "&", "/" standing apart. Inside a word they
# are part of the name: "search-and-browse", "payments/ledger", "R&D-portal".
_SERVICE_SEPARATORS = re.compile(r"\s*[,;]\s*|\s+(?:and|&|/)\s+", re.IGNORECASE)
_EXTENSION = re.compile(r"\.(?:md|markdown|mdown|mkd|txt)$", re.IGNORECASE)
_FILENAME_DATE = re.compile(r"(?<!\d)\d{4}[-_.]?\d{2}[-_.]?\d{2}(?!\d)[-_. ]*")


def postmortem_metadata(
    *,
    source: str,
    document: str,
    front_matter: dict[str, Any],
    first_h1: str | None,
    body: str,
    body_line_offset: int,
) -> tuple[Postmortem, list[DocumentProblem]]:
    problems: list[DocumentProblem] = []
    title = _text(front_matter.get("title")) or (first_h1 or "").strip() or humanised_name(document)

    found: date | None = None
    origin: str | None = None
    if "date" in front_matter:
        try:
            found = parse_document_date(front_matter["date"])
        except (AmbiguousDate, ImplausibleDate) as exc:
            problems.append(DocumentProblem(1, f"front matter date: {exc}"))
        else:
            if found is None and front_matter["date"] not in (None, ""):
                problems.append(
                    DocumentProblem(
                        1,
                        f"front matter date {str(front_matter['date'])[:80]!r} is not a date "
                        "(YYYY-MM-DD)",
                    )
                )
        origin = "front_matter" if found else None
    if found is None and (found := date_from_filename(document)) is not None:
        origin = "filename"
    if found is None:
        found, problem = _date_line(body, body_line_offset)
        origin = "date_line" if found else None
        if problem:
            problems.append(problem)

    service, too_many = _services(front_matter, body, body_line_offset)
    if too_many is not None:
        problems.append(too_many)
    return (
        Postmortem(
            source=source,
            document=document,
            title=title,
            date=found,
            date_origin=origin,
            severity=_text(front_matter.get("severity")),
            incident=_text(front_matter.get("incident")),
            service=service,
            team=_text(front_matter.get("team")),
        ),
        problems,
    )


def humanised_name(document: str) -> str:
    """A title from a file name: "2026-03-01-db-outage.md" -> "Db outage"."""
    stem = _EXTENSION.sub("", document.replace("\\", "/").rsplit("/", 1)[-1])
    words = " ".join(re.split(r"[-_\s]+", _FILENAME_DATE.sub(" ", stem))).strip()
    if not words:
        words = stem.strip() or "Untitled postmortem"
    return words[0].upper() + words[1:]


def _date_line(body: str, line_offset: int) -> tuple[date | None, DocumentProblem | None]:
    if "ate" not in body:
        return None, None
    for m in _DATE_LINE.finditer(body):
        value = strip_markup(m.group("value"))
        try:
            found = parse_document_date(value)
        except AmbiguousDate as exc:
            line = body.count("\n", 0, m.start()) + line_offset + 1
            return None, DocumentProblem(line, f"postmortem date: {exc}")
        if found is not None:
            return found, None
    return None, None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, list | tuple):
        parts = [str(v).strip() for v in value if v is not None and not isinstance(v, dict)]
        return ", ".join(p for p in parts if p) or None
    text = str(value).strip()
    return text or None


# Recurrence compares services name by name: a list longer than this is a sentence or a paste.
MAX_SERVICES = 10


def _services(
    front_matter: dict[str, Any], body: str, line_offset: int
) -> tuple[str | None, DocumentProblem | None]:
    """The services a postmortem is about, comma-separated: front matter ``service`` or
    ``services`` (a string or a list), else the first "Service(s): …" line of the body. More
    than ``MAX_SERVICES`` names: the first ones are kept and the rest reported (its line)."""
    names: list[str] = []
    line = 1  # front matter
    for key in ("services", "service"):
        listed = front_matter.get(key)
        if isinstance(listed, list | tuple):  # a list is explicit: each entry is one name
            names = [n for n in (_text(entry) for entry in listed) if n]
        elif (one := _text(listed)) is not None:
            names = _split_services(one)
        if names:
            break
    if not names and "ervice" in body:
        found = _SERVICE_LINE.search(body)
        names = _split_services(strip_markup(found.group("value"))) if found else []
        if found:
            line = body.count("\n", 0, found.start()) + line_offset + 1
    names = [n.strip(" `*_.") for n in names]
    if any(len(n) > 100 or len(n.split()) > 4 for n in names):
        return None, None  # a sentence, not names: "Service: the checkout flow failed for an hour"
    kept = list(dict.fromkeys(n for n in names if n))
    problem = None
    if len(kept) > MAX_SERVICES:
        left_out = ", ".join(kept[MAX_SERVICES:])
        problem = DocumentProblem(
            line,
            f"the postmortem names {len(kept)} services; only the first {MAX_SERVICES} are "
            f"kept for recurrence, left out: {left_out[:200]}",
        )
    return ", ".join(kept[:MAX_SERVICES]) or None, problem


def _split_services(written: str) -> list[str]:
    # Blanks collapsed first: the separators' blank runs, tried at each position of a long run
    # of blanks, would take time quadratic in its length (minutes for a 40 KB run).
    return _SERVICE_SEPARATORS.split(" ".join(written.split()))
