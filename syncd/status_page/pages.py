"""The status page's routes: ``/status``, ``/status/<team>``, ``/status/login``.

The edge of the package: it checks access (``syncd.status_page.access``), reads what the
store holds (as ``syncd digest`` and ``syncd status --owner`` read it), builds the pure view
model and renders it. Every answer, refusals too, carries the security headers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, quote, unquote, urlsplit

from syncd.cli.status_filters import StatusFilter, keep_items
from syncd.config.loader import LoadedConfig, LoadedTeam
from syncd.cycle.digest_inputs import digest_inputs, stored_holders, tracker_dues
from syncd.cycle.team_reading import people_directory
from syncd.digest import build_digest
from syncd.judge.team_days import team_today
from syncd.service.http import WebAnswer, WebRequest
from syncd.status_page.access import REALM, StatusAccess, Verdict
from syncd.status_page.render import (
    STYLE_HASH,
    TeamRow,
    render_login,
    render_message,
    render_overview,
    render_team,
)
from syncd.status_page.view import DAILY_DAYS, MONTHS, TeamInputs, build_team_page
from syncd.store import StateStore

PREFIX = "/status"
LOGIN = "/status/login"
HTML = "text/html; charset=utf-8"
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "Content-Security-Policy",
        f"default-src 'none'; style-src '{STYLE_HASH}'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)
# The snapshots a page reads: the longer of its charts' windows.
SNAPSHOT_DAYS = max(DAILY_DAYS, 31 * MONTHS + 1)


class StatusPages:
    """Answers the status page's requests. ``config`` is asked on every request (a reload
    replaces it); ``store`` is only read."""

    def __init__(
        self,
        *,
        config: Callable[[], LoadedConfig],
        store: StateStore,
        access: StatusAccess,
        clock: Callable[[], datetime],
    ) -> None:
        self._config = config
        self._store = store
        self._access = access
        self._clock = clock

    def __call__(self, request: WebRequest) -> WebAnswer:
        now = self._clock()
        verdict = self._access.verdict(request.headers, now)
        if verdict is Verdict.OFF:
            return _answer(
                404,
                render_message(
                    "The status page is off",
                    "Set SYNCD_STATUS_TOKEN (or basic auth, or a trusted proxy header) to serve "
                    "it on an address other hosts can reach.",
                ),
            )
        if request.path == LOGIN:
            return self._login(request, now)
        if request.method not in ("GET", "HEAD"):
            return _answer(405, render_message("Not allowed", "The status page only reads."))
        if verdict is Verdict.DENIED:
            return self._refused(request)
        if request.path in (PREFIX, PREFIX + "/"):
            return _answer(200, self._overview(now))
        team = self._team(unquote(request.path[len(PREFIX) + 1 :]))
        if team is None:
            return _answer(404, render_message("No such team", "No team of that name is here."))
        owner = (parse_qs(request.query).get("owner") or [""])[0].strip() or None
        return _answer(200, self._team_page(team, now, owner))

    def _overview(self, now: datetime) -> str:
        rows = []
        for team in self._config().teams:
            inputs = digest_inputs(team, self._store)
            digest = build_digest(
                team.config.team,
                inputs.items,
                inputs.postmortems,
                inputs.policy,
                now,
                since=None,
                link_base=None,
            )
            rows.append(TeamRow(team.config.team, digest))
        return render_overview(rows, f"As of {now.isoformat(timespec='minutes')}")

    def _team_page(self, team: LoadedTeam, now: datetime, owner: str | None) -> str:
        inputs = digest_inputs(team, self._store)
        today = team_today(now, inputs.policy.timezone)
        page = build_team_page(
            TeamInputs(
                team=team.config.team,
                items=inputs.items,
                postmortems=inputs.postmortems,
                policy=inputs.policy,
                source_warnings=inputs.source_warnings,
                snapshots=self._store.snapshots(
                    team.config.team, since=today - timedelta(days=SNAPSHOT_DAYS)
                ),
            ),
            now,
            owner=owner,
            owner_ids=self._owner_ids(team, owner, today) if owner is not None else None,
        )
        return render_team(page)

    def _owner_ids(self, team: LoadedTeam, owner: str, today: date) -> frozenset[str]:
        """The items ``syncd status --owner`` keeps for ``owner``."""
        name = team.config.team
        items = self._store.stored_items(name)
        links = self._store.links(name)
        kept = keep_items(
            items,
            links,
            stored_holders(team, self._store, items, links),
            people_directory(team),
            StatusFilter(owner=owner),
            today,
            tracker_dues(self._store.bases(name)),
        )
        return frozenset(item.id for item in kept)

    def _team(self, name: str) -> LoadedTeam | None:
        return next((t for t in self._config().teams if t.config.team == name), None)

    def _login(self, request: WebRequest, now: datetime) -> WebAnswer:
        if self._access.token is None:
            return _answer(404, render_message("No sign-in", "No access token is configured."))
        if request.method in ("GET", "HEAD"):
            next_path = _next_path((parse_qs(request.query).get("next") or [""])[0])
            return _answer(200, render_login(next_path, failed=False))
        if request.method != "POST":
            return _answer(405, render_message("Not allowed", "Sign in with the form."))
        form = parse_qs(request.body.decode("utf-8", "replace"))
        next_path = _next_path((form.get("next") or [""])[0])
        if not self._access.token_matches((form.get("token") or [""])[0]):
            return _answer(401, render_login(next_path, failed=True))
        secure = request.headers.get("x-forwarded-proto", "").lower() == "https"
        cookie = self._access.session_cookie(now, secure=secure)
        return _answer(
            303,
            render_message("Signed in", "Go on to the status page."),
            (("Location", next_path), ("Set-Cookie", cookie)),
        )

    def _refused(self, request: WebRequest) -> WebAnswer:
        challenges = [("WWW-Authenticate", 'Bearer realm="syncd status"')]
        if self._access.basic:
            challenges.append(("WWW-Authenticate", f'Basic realm="{REALM}", charset="UTF-8"'))
        page = (
            render_login(
                _next_path(request.path + ("?" + request.query if request.query else "")),
                failed=False,
            )
            if self._access.token is not None
            else render_message("Sign in", "The status page needs credentials.")
        )
        return _answer(401, page, tuple(challenges))


# What a ``Location`` keeps as written; anything else (non-ASCII, spaces, quotes) is
# percent-encoded, since a header carries Latin-1 at most and a browser decodes it again.
_LOCATION_SAFE = "/?=&%:@!$'()*+,;~"


def _next_path(wanted: str) -> str:
    """Where to go after signing in: a path of the status page on this server, else /status.
    Dot segments (``..``, ``%2e%2e``) are refused: a browser would resolve them off the page."""
    try:
        parts = urlsplit(wanted)
    except ValueError:
        return PREFIX
    plain = not (parts.scheme or parts.netloc) and "\\" not in wanted
    under = parts.path == PREFIX or parts.path.startswith(PREFIX + "/")
    dotted = any(segment in (".", "..") for segment in unquote(parts.path).split("/"))
    if not plain or not under or dotted or parts.path == LOGIN or any(ord(c) < 32 for c in wanted):
        return PREFIX
    return quote(wanted, safe=_LOCATION_SAFE)


def _answer(status: int, page: str, headers: tuple[tuple[str, str], ...] = ()) -> WebAnswer:
    return WebAnswer(status, HTML, page.encode(), SECURITY_HEADERS + headers)
