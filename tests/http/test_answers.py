"""Successful answers that are garbage: what the error says, and that it never carries a secret."""

from __future__ import annotations

import base64
import pickle
from typing import Any

import pytest

from syncd.cycle.tracker_errors import tracker_failure
from syncd.http import HttpError, MalformedAnswerError, WrongServiceError
from syncd.http.answers import EXCERPT_CHARS, body_excerpt, check_shape, parse_json

URL = "https://jira.example.com/rest/api/3/issue/bulk?access_token=abc123def456"
TOKEN = "s3cr3t-T0ken-value"
EMAIL = "bot@example.com"


def _issues(data: Any) -> str | None:
    return None if isinstance(data, dict) and isinstance(data.get("issues"), list) else "no list"


def parse(body: bytes | str | None, content_type: str = "text/html", **kw: Any) -> Any:
    return parse_json(
        tracker="Jira",
        service="jira",
        method="POST",
        url=URL,
        status=201,
        headers={"Content-Type": f"{content_type}; charset=utf-8"},
        body=body,
        check=kw.pop("check", _issues),
        secrets=kw.pop("secrets", (TOKEN, f"{EMAIL}:{TOKEN}")),
        **kw,
    )


def test_well_formed_json_of_the_expected_shape_is_returned() -> None:
    assert parse(b'{"issues": [], "errors": []}', "application/json") == {
        "issues": [],
        "errors": [],
    }


def test_an_html_page_names_tracker_url_status_type_start_and_the_proxy_hint() -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Okta</body></html>"
    with pytest.raises(MalformedAnswerError) as caught:
        parse(page, hint="check that tracker.url is the Jira site's base URL")
    error = caught.value
    assert isinstance(error, WrongServiceError)  # callers that know that class keep working
    assert (error.status, error.content_type, error.method) == (201, "text/html", "POST")
    assert error.url == "https://jira.example.com/rest/api/3/issue/bulk?access_token=***"
    assert error.reason == (
        "Jira at https://jira.example.com answered POST /rest/api/3/issue/bulk with HTTP 201 "
        "(text/html), but with an HTML page; the answer begins '<!DOCTYPE html> <html><head>"
        "<title>Sign in</title></head><body>Okta</body></html>': is the URL behind a login "
        "proxy or SSO? syncd needs a direct route to the API. Check that tracker.url is the "
        "Jira site's base URL"
    )
    assert tracker_failure(error).endswith(
        "(POST https://jira.example.com/rest/api/3/issue/bulk answered HTTP 201)"
    )


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b'{"issues": [{"key": "PA', "an answer that is not valid JSON"),
        (b"{}", "JSON without what syncd reads (no list)"),
        (b'{"status": "ok"}', "JSON without what syncd reads (no list)"),
        (b"[]", "JSON without what syncd reads (no list)"),
        (b"", "an empty answer (no list)"),
        (None, "an empty answer (no list)"),
        (b"\xff\xfe garbage", "an answer that is not valid JSON"),
    ],
)
def test_each_kind_of_garbage_is_named(body: bytes | None, what: str) -> None:
    with pytest.raises(MalformedAnswerError) as caught:
        parse(body, "application/json")
    assert f"(application/json), but with {what}" in caught.value.reason
    assert "a proxy or gateway between syncd and the tracker" in caught.value.reason


def test_an_empty_answer_is_none_when_the_check_allows_it() -> None:
    assert parse(b"", "application/json", check=lambda data: None) is None


def test_no_content_type_is_said() -> None:
    with pytest.raises(MalformedAnswerError) as caught:
        parse_json(
            tracker="GitHub",
            service="github",
            method="GET",
            url="https://api.github.com/meta",
            status=200,
            headers={},
            body=b"<html></html>",
        )
    assert "with HTTP 200 (no content type), but with an HTML page" in caught.value.reason


def test_a_parsed_answer_of_the_wrong_shape_is_named_with_its_start() -> None:
    with pytest.raises(MalformedAnswerError) as caught:
        check_shape(
            {"ok": True},
            _issues,
            tracker="Jira",
            service="jira",
            method="POST",
            url=URL,
            status=200,
            headers={"content-type": "application/json"},
        )
    assert (
        "but with JSON without what syncd reads (no list); the answer begins '{\"ok\": true}'"
        in (caught.value.reason)
    )


def test_credentials_echoed_in_the_body_never_reach_the_message() -> None:
    basic = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
    page = (
        f"<html><!-- Authorization: Basic {basic} --><!-- Bearer {TOKEN} -->"
        f'<a href="https://{EMAIL}:{TOKEN}@sso.example.com/login?session=abcdef123">in</a>'
        f'<input name="csrf_token" value="{TOKEN[::-1]}">password={TOKEN[::-1]}</html>'
    ).encode()
    with pytest.raises(MalformedAnswerError) as caught:
        parse(page)
    error = caught.value
    shown = str(error) + error.reason + error.excerpt + repr(pickle.loads(pickle.dumps(error)))
    for secret in (TOKEN, basic, TOKEN[::-1], "abcdef123", EMAIL + ":"):
        assert secret not in shown, secret
    assert "***" in error.excerpt


def test_a_secret_is_masked_wherever_it_sits_even_unnamed() -> None:
    text = f"welcome {TOKEN} and {base64.b64encode(TOKEN.encode()).decode()}"
    excerpt = body_excerpt(text, [TOKEN])
    assert TOKEN not in excerpt and excerpt == "welcome *** and ***"


def test_the_excerpt_is_one_short_line_without_control_characters() -> None:
    text = "<html>\n\t" + "\x1b[31mred\u202e" + "x" * 1000
    excerpt = body_excerpt(text)
    assert len(excerpt) == EXCERPT_CHARS and excerpt.endswith("…")
    assert "\n" not in excerpt and "\x1b" not in excerpt and "\u202e" not in excerpt


def test_the_error_survives_pickling_with_its_fields() -> None:
    with pytest.raises(MalformedAnswerError) as caught:
        parse(b"<html>Sign in</html>")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(copy, MalformedAnswerError) and isinstance(copy, HttpError)
    assert (copy.reason, copy.content_type, copy.excerpt, copy.status) == (
        caught.value.reason,
        "text/html",
        "<html>Sign in</html>",
        201,
    )
    assert str(copy) == str(caught.value)
