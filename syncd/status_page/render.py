"""The status page's HTML: pure, server-rendered, no script at all.

Every text that came from a document, a tracker or a request (titles, names, postmortems, the
owner asked for, reasons) is untrusted: it goes through ``text`` (``html.escape``, quotes
included) and nowhere else; links are only http(s) URLs (``safe_url``), escaped too. The style
sheet is inline and allowed by its hash (``STYLE_HASH``), so the page's Content-Security-Policy
can forbid every script and every other inline style.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from syncd.digest import wording
from syncd.digest.escape import clean_text, safe_url
from syncd.digest.model import Digest, DigestEntry, PostmortemRef
from syncd.status_page.charts import MonthBars, Series, bar_chart, line_chart, month_chart
from syncd.status_page.view import TeamPage

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1080px;padding:0 16px;
color:#1b1f24}
header{display:flex;justify-content:space-between;align-items:baseline;border-bottom:1px solid #ccd}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px;margin:14px 0 4px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e4e6ea;vertical-align:top}
.counts{display:flex;gap:12px;flex-wrap:wrap;padding:0;list-style:none}
.counts li{border:1px solid #ccd;border-radius:6px;padding:8px 12px;min-width:90px}
.counts b{display:block;font-size:22px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{max-width:100%;height:auto;border:1px solid #e4e6ea;border-radius:6px}
.grid{stroke:#e4e6ea}.tick,.legend,.gap{font-size:11px;fill:#555}.gap{fill:#999}
.muted{color:#666}figure{margin:0}figcaption{font-weight:600;margin:4px 0}
.warn{color:#a40000}
form.owner{margin:12px 0}label{margin-right:8px}
"""
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()

OPEN_COLOR, DONE_COLOR, ON_TIME_COLOR, AGE_COLOR = "#1f6feb", "#2da44e", "#bf8700", "#8250df"
TITLE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class TeamRow:
    """A team's line on the page of all teams."""

    team: str
    digest: Digest


def text(value: object, limit: int | None = None) -> str:
    """Untrusted text as HTML: one clean line, escaped (quotes too, for attributes)."""
    return escape(clean_text(str(value), limit), quote=True)


def team_path(team: str) -> str:
    return "/status/" + quote(team, safe="")


def render_overview(rows: Sequence[TeamRow], generated: str) -> str:
    lines = [
        f'<tr><td><a href="{team_path(row.team)}">{text(row.team)}</a></td>'
        + "".join(f"<td>{number}</td>" for _, number in wording.counts_parts(row.digest)[:4])
        + f"<td>{text(wording.ratio(row.digest.rates.completion))}</td>"
        f"<td>{text(wording.ratio(row.digest.rates.on_time))}</td></tr>"
        for row in rows
    ]
    body = (
        "<table><thead><tr><th>Team</th><th>Open</th><th>Overdue</th><th>Due soon</th>"
        "<th>Stale</th><th>Completion</th><th>On time</th></tr></thead>"
        f"<tbody>{''.join(lines)}</tbody></table>"
        if rows
        else '<p class="muted">No teams are configured.</p>'
    )
    return _page("Action items: all teams", f'<p class="muted">{text(generated)}</p>{body}')


def render_team(page: TeamPage) -> str:
    digest = page.digest
    heading = f"Action items: {page.team}"
    owner_note = f" \u2014 held by {text(page.owner)}" if page.owner is not None else ""
    parts = [
        '<p><a href="/status">All teams</a> \u00b7 '
        f'<span class="muted">{page.today.isoformat()} ({text(digest.timezone)})</span></p>',
        _owner_form(page),
        f"<h2>Counts{owner_note}</h2>",
        _counts(digest),
    ]
    if page.owner is not None:
        parts.append(_section(f"Open items of {text(page.owner)}", _items(page.owner_items)))
    parts += [
        _warnings(digest.source_warnings),
        _section(wording.OVERDUE_TITLE, _overdue(digest)),
        _section(wording.due_soon_title(digest), _items(digest.due_soon)),
        _section(wording.ATTENTION_TITLE, _items(digest.attention, reasons=True)),
        _section(wording.REVIEWS_TITLE, _reviews(digest)),
        "<h2>Charts</h2>",
        _charts(page),
    ]
    return _page(heading, "".join(parts))


def render_login(next_path: str, failed: bool) -> str:
    error = '<p class="warn" role="alert">That token is not right.</p>' if failed else ""
    form = (
        f'{error}<form method="post" action="/status/login">'
        f'<input type="hidden" name="next" value="{text(next_path)}">'
        '<label for="token">Access token</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" required>'
        ' <button type="submit">Sign in</button></form>'
    )
    return _page("Sign in to the status page", form)


def render_message(title: str, message: str) -> str:
    return _page(title, f"<p>{text(message)}</p>")


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><title>{text(title)}</title>'
        f"<style>{STYLE}</style></head><body><header><h1>{text(title)}</h1>"
        '<span class="muted">syncd</span></header><main>'
        f"{body}</main></body></html>"
    )


def _owner_form(page: TeamPage) -> str:
    options = ['<option value="">everyone</option>'] + [
        f'<option value="{text(choice.value)}"'
        f"{' selected' if choice.value == page.owner else ''}>"
        f"{text(choice.label, 60)} ({choice.open_items})</option>"
        for choice in page.owners
    ]
    return (
        f'<form class="owner" method="get" action="{team_path(page.team)}">'
        '<label for="owner">Owner</label>'
        f'<select id="owner" name="owner">{"".join(options)}</select> '
        '<button type="submit">Show</button></form>'
    )


def _counts(digest: Digest) -> str:
    cells = [(label, str(number)) for label, number in wording.counts_parts(digest)]
    cells += wording.rates_parts(digest)
    return (
        '<ul class="counts">'
        + "".join(f"<li><b>{text(value)}</b>{text(label)}</li>" for label, value in cells)
        + "</ul>"
    )


def _section(title: str, body: str) -> str:
    return f"<section><h2>{title}</h2>{body}</section>"


def _warnings(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    return '<ul class="warn">' + "".join(f"<li>{text(note)}</li>" for note in notes) + "</ul>"


def _overdue(digest: Digest) -> str:
    if not digest.overdue:
        return _none()
    return "".join(
        f"<h3>{_postmortem(group.postmortem)}</h3>{_items(group.entries, postmortem=False)}"
        for group in digest.overdue
    )


def _items(
    entries: Sequence[DigestEntry], *, reasons: bool = False, postmortem: bool = True
) -> str:
    if not entries:
        return _none()
    head = "<th>Item</th><th>Issue</th><th>Owner</th><th>Due</th>"
    head += "<th>Postmortem</th>" if postmortem else ""
    head += "<th>Why</th>" if reasons else ""
    rows = []
    for entry in entries:
        cells = [
            text(entry.title, TITLE_LIMIT),
            _link(entry.issue_key, entry.link),
            _owner(entry),
            _due(entry),
        ]
        if postmortem:
            cells.append(_postmortem(entry.postmortem))
        if reasons:
            cells.append("; ".join(text(reason) for reason in entry.reasons))
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _reviews(digest: Digest) -> str:
    if not digest.reviews:
        return _none()
    rows = "".join(
        f"<tr><td>{_postmortem(review.postmortem)}</td><td>{review.review_date.isoformat()}</td>"
        f"<td>{review.done} of {review.total} done"
        f"{' (none done)' if review.all_open else ''}</td></tr>"
        for review in digest.reviews
    )
    return (
        "<table><thead><tr><th>Postmortem</th><th>Review due</th><th>Items</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _charts(page: TeamPage) -> str:
    daily = line_chart(
        "Open and done items by day",
        page.daily_start,
        page.today,
        [
            Series("open", OPEN_COLOR, page.open_by_day),
            Series("done", DONE_COLOR, page.done_by_day),
        ],
    )
    monthly = month_chart(
        "Completion and on-time rate by month",
        [("completion", DONE_COLOR), ("on time", ON_TIME_COLOR)],
        [MonthBars(m.month, (m.completion, m.on_time)) for m in page.months],
    )
    ages = bar_chart("Age of open items", AGE_COLOR, page.open_ages)
    figures = (
        ("Open and done items by day (the team)", daily),
        ("Completion and on-time rate by month (the team)", monthly),
        ("Age of open items", ages),
    )
    return (
        '<div class="charts">'
        + "".join(f"<figure><figcaption>{text(t)}</figcaption>{svg}</figure>" for t, svg in figures)
        + "</div>"
    )


def _postmortem(ref: PostmortemRef) -> str:
    title = text(ref.title, TITLE_LIMIT)
    dated = f" ({ref.date.isoformat()})" if ref.date is not None else ""
    url = safe_url(ref.url)
    linked = f'<a href="{escape(url, quote=True)}">{title}</a>' if url else title
    return linked + dated


def _link(key: str | None, url: str | None) -> str:
    if key is None:
        return '<span class="muted">\u2013</span>'
    safe = safe_url(url)
    return f'<a href="{escape(safe, quote=True)}">{text(key)}</a>' if safe else text(key)


def _owner(entry: DigestEntry) -> str:
    owner = entry.owner
    if owner is None:
        return '<span class="muted">nobody</span>'
    shown = text(owner.written or owner.person or "", 60)
    if owner.reassigned and owner.document_owner:
        shown += f' <span class="muted">({wording.IN_THE_POSTMORTEM}: '
        shown += f"{text(owner.document_owner, 60)})</span>"
    return shown


def _due(entry: DigestEntry) -> str:
    if entry.due is None:
        return '<span class="muted">none</span>'
    due = entry.due.isoformat()
    if entry.overdue_days:
        return f'{due} <span class="warn">({wording.days(entry.overdue_days)} overdue)</span>'
    if entry.days_to_due is not None:
        return f'{due} <span class="muted">(in {wording.days(entry.days_to_due)})</span>'
    return due


def _none() -> str:
    return '<p class="muted">None.</p>'


__all__ = [
    "STYLE_HASH",
    "TeamRow",
    "render_login",
    "render_message",
    "render_overview",
    "render_team",
]
