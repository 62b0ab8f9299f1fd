"""Who may see the status page, over HTTP on loopback: off on a reachable address until a
credential is configured, open on loopback without one, and with one every request proves it
(bearer token, a signed session cookie, basic auth, or the trusted proxy header)."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest

from syncd.status_page.access import COOKIE, StatusAccess, is_loopback
from tests.digest.team_fixture import NOW
from tests.status_page.status_support import serving

TOKEN = "s3cret-status-token-for-tests"


def _basic(user: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def test_a_reachable_address_without_credentials_serves_nothing(tmp_path: Path) -> None:
    # The server binds loopback for the test; the rule is read from the address configured.
    with serving(tmp_path, StatusAccess(loopback=False)) as served:
        for path in ("/status", "/status/payments", "/status/login"):
            status, headers, body = served.get(path)
            assert status == 404, path
            assert "Alert on" not in body and "payments" not in body
            assert headers["x-frame-options"] == "DENY"


def test_loopback_without_credentials_is_served(tmp_path: Path) -> None:
    with serving(tmp_path, StatusAccess(loopback=True)) as served:
        status, headers, body = served.get("/status/payments")
    assert status == 200
    assert "Automate failover drill for payments-db" in body
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp


@pytest.mark.parametrize("loopback", [True, False])
def test_a_token_is_required_once_set_even_on_loopback(tmp_path: Path, loopback: bool) -> None:
    with serving(tmp_path, StatusAccess(token=TOKEN, loopback=loopback)) as served:
        refused, headers, body = served.get("/status/payments")
        wrong, _, _ = served.get("/status/payments", {"Authorization": f"Bearer {TOKEN}x"})
        empty, _, _ = served.get("/status/payments", {"Authorization": "Bearer "})
        allowed, _, page = served.get("/status/payments", {"Authorization": f"Bearer {TOKEN}"})
    assert (refused, wrong, empty, allowed) == (401, 401, 401, 200)
    assert "Bearer" in headers["www-authenticate"]
    assert "Automate failover" not in body and 'action="/status/login"' in body
    assert TOKEN not in body
    assert "Automate failover drill" in page


def test_the_login_form_sets_a_signed_strict_httponly_cookie(tmp_path: Path) -> None:
    with serving(tmp_path, StatusAccess(token=TOKEN)) as served:
        form = urlencode({"token": TOKEN, "next": "/status/payments?owner=bob"}).encode()
        status, headers, _ = served.request("/status/login", data=form)
        assert status == 303
        assert headers["location"] == "/status/payments?owner=bob"
        cookie = headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
        session = cookie.split(";", 1)[0]
        assert TOKEN not in session
        ok, _, page = served.get("/status/payments", {"Cookie": session})
        assert ok == 200 and "Automate failover drill" in page

        name, value = session.split("=", 1)
        expires, signature = value.split(".")
        tampered = [
            f"{name}={int(expires) + 86400}.{signature}",  # a later expiry, the old signature
            f"{name}={expires}.{signature[:-1]}{'0' if signature[-1] != '0' else '1'}",
            f"{name}={expires}",
            f"{name}=garbage",
            f'{name}="{expires}.{signature}x"',
        ]
        for cookie_value in tampered:
            assert served.get("/status/payments", {"Cookie": cookie_value})[0] == 401, cookie_value


def test_a_wrong_token_at_login_sets_no_cookie_and_next_stays_on_the_page(tmp_path: Path) -> None:
    with serving(tmp_path, StatusAccess(token=TOKEN)) as served:
        form = urlencode({"token": "guess", "next": "/status"}).encode()
        status, headers, body = served.request("/status/login", data=form)
        assert status == 401 and "set-cookie" not in headers and "not right" in body
        for elsewhere in ("https://evil.example/", "//evil.example/status", "/metrics", "/\\evil"):
            form = urlencode({"token": TOKEN, "next": elsewhere}).encode()
            status, headers, _ = served.request("/status/login", data=form)
            assert (status, headers["location"]) == (303, "/status"), elsewhere


def test_after_login_next_never_leaves_the_page_by_dot_segments_and_is_sent_as_ascii(
    tmp_path: Path,
) -> None:
    # A browser resolves "/status/../metrics" (and "%2e%2e") against the page: it would land
    # on /metrics. A team or owner name beyond Latin-1 could not be sent in a header at all:
    # the server hung up instead of answering.
    with serving(tmp_path, StatusAccess(token=TOKEN)) as served:
        for wanted, expected in (
            ("/status/../metrics", "/status"),
            ("/status/%2e%2e/metrics", "/status"),
            ("/status/x/..", "/status"),
            (
                "/status/payments?owner=Zo\u00eb \u5f20",
                "/status/payments?owner=Zo%C3%AB%20%E5%BC%A0",
            ),
            ("/status/caf%C3%A9", "/status/caf%C3%A9"),
        ):
            form = urlencode({"token": TOKEN, "next": wanted}).encode()
            status, headers, _ = served.request("/status/login", data=form)
            assert (status, headers.get("location")) == (303, expected), wanted


def test_behind_https_the_cookie_is_secure(tmp_path: Path) -> None:
    with serving(tmp_path, StatusAccess(token=TOKEN)) as served:
        form = urlencode({"token": TOKEN}).encode()
        _, headers, _ = served.request(
            "/status/login", data=form, headers={"X-Forwarded-Proto": "https"}
        )
    assert "; Secure" in headers["set-cookie"]


def test_a_session_ends_after_its_lifetime_and_with_a_new_token() -> None:
    access = StatusAccess(token=TOKEN)
    cookie = access.session_cookie(NOW, secure=False).split(";", 1)[0]
    assert access.session_valid(cookie, NOW + timedelta(hours=11))
    assert not access.session_valid(cookie, NOW + timedelta(hours=13))
    assert not StatusAccess(token=TOKEN + "2").session_valid(cookie, NOW)
    assert not access.session_valid(f"{COOKIE}=", NOW)
    assert not access.session_valid("a=b; =;;;\x00", NOW)


def test_basic_auth(tmp_path: Path) -> None:
    access = StatusAccess(user="lead", password="pa:ss word", loopback=False)
    with serving(tmp_path, access) as served:
        assert served.get("/status", _basic("lead", "pa:ss word"))[0] == 200
        assert served.get("/status", _basic("lead", "pa:ss"))[0] == 401
        assert served.get("/status", _basic("other", "pa:ss word"))[0] == 401
        assert served.get("/status", {"Authorization": "Basic !!notbase64"})[0] == 401
        status, headers, _ = served.get("/status")
        assert status == 401 and 'Basic realm="syncd status"' in headers["www-authenticate"]
        assert served.get("/status/login")[0] == 404  # no token: no sign-in form


def test_the_trusted_header_is_honoured_only_when_configured(tmp_path: Path) -> None:
    proxied = StatusAccess(trusted_header="X-Forwarded-User", loopback=False)
    with serving(tmp_path, proxied) as served:
        assert served.get("/status", {"X-Forwarded-User": "alice"})[0] == 200
        assert served.get("/status", {"X-Forwarded-User": " "})[0] == 401
        assert served.get("/status")[0] == 401
    with serving(tmp_path / "other", StatusAccess(token=TOKEN)) as served:
        assert served.get("/status", {"X-Forwarded-User": "alice"})[0] == 401


def test_the_page_only_reads(tmp_path: Path) -> None:
    with serving(tmp_path, StatusAccess(token=TOKEN)) as served:
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        assert served.request("/status/payments", data=b"x=1", headers=bearer)[0] == 405
        assert served.get("/status/nobody", bearer)[0] == 404
        big = b"token=" + b"a" * 20_000
        assert served.request("/status/login", data=big)[0] == 413


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("127.1.2.3", True),
        ("", False),
        ("0.0.0.0", False),
        ("10.0.0.5", False),
        ("::", False),
    ],
)
def test_which_addresses_are_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    assert StatusAccess.from_env({}, host=host, trusted_header=None).loopback is loopback
