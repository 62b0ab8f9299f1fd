"""One redaction: every secret and wire credential, in every encoding, wherever syncd writes."""

from __future__ import annotations

import base64
import io
import json
import secrets
from urllib.parse import quote, quote_plus

import pytest

from syncd.output.logs import configure, get_logger
from syncd.output.redacting_stream import RedactingStream
from syncd.output.redaction import MASK, Redactor, redactor
from syncd.service.metrics import ServiceMetrics


def fresh_secret() -> str:
    # Unique per test: the process-wide redactor is shared by every test of a worker.
    return f"s3c+{secrets.token_hex(6)}/Wire="


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_every_encoding_of_a_configured_secret_is_masked() -> None:
    masks = Redactor()
    token = fresh_secret()
    masks.register([token])
    for form in (
        token,
        quote(token, safe=""),
        quote_plus(token),
        json.dumps(token)[1:-1],
        b64(token),
        b64(token).rstrip("="),
    ):
        text = f"error: the server said {form}!"
        assert masks.redact_text(text) == f"error: the server said {MASK}!", form


def test_a_jira_basic_credential_seen_on_the_wire_is_masked_decoded_and_encoded() -> None:
    masks = Redactor()
    token = fresh_secret()
    pair = f"syncd-bot@example.com:{token}"
    masks.register_headers({"Authorization": f"Basic {b64(pair)}", "Accept": "application/json"})
    echoed = json.dumps({"headers": {"Authorization": f"Basic {b64(pair)}"}, "user": pair})
    out = masks.redact_text(echoed)
    assert token not in out and b64(pair) not in out and pair not in out
    assert masks.redact_text("Accept: application/json") == "Accept: application/json"


@pytest.mark.parametrize("scheme", ["Bearer", "token", "Basic"])
def test_tokens_in_other_credential_headers_are_masked(scheme: str) -> None:
    masks = Redactor()
    token = fresh_secret() if scheme != "Basic" else b64("x-access-token:" + fresh_secret())
    masks.register_headers([("authorization", f"{scheme} {token}"), ("X-Api-Key", "k-" + token)])
    assert masks.redact_text(f"got {token} and k-{token}") == f"got {MASK} and {MASK}"


def test_a_url_password_is_masked() -> None:
    masks = Redactor()
    password = fresh_secret()
    masks.register_url(f"https://deploy:{quote(password, safe='')}@git.example.com/pm.git")
    assert password not in masks.redact_text(f"fatal: auth failed for deploy:{password}")


def test_short_values_and_ordinary_text_are_left_alone() -> None:
    masks = Redactor()
    masks.register(["abc", "", None])
    assert masks.redact_text("abc def") == "abc def"


def test_a_secret_containing_another_is_masked_whole() -> None:
    masks = Redactor()
    inner = fresh_secret()
    masks.register([inner, inner + "TAIL99"])
    assert masks.redact_text(f"[{inner}TAIL99]") == f"[{MASK}]"


def test_values_in_structures_are_masked() -> None:
    masks = Redactor()
    token = fresh_secret()
    masks.register([token])
    value = {"a": [token, 1, (f"x{token}", None)], "b": 2.5}
    assert masks.redact_value(value) == {"a": [MASK, 1, (f"x{MASK}", None)], "b": 2.5}


def test_the_stream_masks_a_secret_written_in_pieces() -> None:
    masks = Redactor()
    token = fresh_secret()
    masks.register([token])
    inner = io.StringIO()
    stream = RedactingStream(inner, masks)
    half = len(token) // 2
    assert stream.write("token=" + token[:half]) == len("token=") + half
    stream.write(token[half:] + " ok\nnext ")
    assert inner.getvalue() == f"token={MASK} ok\n"
    stream.write(token)
    stream.flush()
    assert inner.getvalue() == f"token={MASK} ok\nnext {MASK}"
    assert stream.isatty() is False  # the rest is the wrapped stream's


def test_log_lines_mask_secrets_in_any_field_and_in_exceptions() -> None:
    token = fresh_secret()
    pair = f"bot@example.com:{token}"
    redactor.register_headers({"Authorization": f"Basic {b64(pair)}"})
    out = io.StringIO()
    configure(log_format="json", level="debug", stream=out)
    log = get_logger(team="payments")
    try:
        raise RuntimeError(f"401: echo {{'Authorization': 'Basic {b64(pair)}'}}")
    except RuntimeError:
        log.exception("tracker.failed", details={"nested": [pair]}, api_token="visible?")
    text = out.getvalue()
    assert token not in text and b64(pair) not in text and pair not in text
    assert "visible?" not in text  # a field named like a secret
    assert "tracker.failed" in text and MASK in text


def test_metrics_never_show_a_secret() -> None:
    token = fresh_secret()
    redactor.register([token])
    metrics = ServiceMetrics()
    metrics.sync_failed(f"team-{token}", 1)
    body = metrics.render().decode()
    assert token not in body and "syncd_sync_failures_total" in body


def test_the_console_masks_a_long_token_before_rich_folds_it() -> None:
    from rich.table import Table
    from rich.text import Text

    from syncd.cli.redacting_console import RedactingConsole

    token = "ATATT3x" + secrets.token_hex(90)  # as long as a Jira Cloud API token
    redactor.register([token])
    out = io.StringIO()
    console = RedactingConsole(file=out, width=60, highlight=False)
    table = Table("action item", "owner")
    table.add_row(Text(f"Rotate {token} now", style="bold"), f"@{token}")
    console.print(f"[red]failed:[/] the tracker said {token}")
    console.print(table)
    console.print(Text(token))
    text = out.getvalue()
    assert token[:20] not in text and token[-20:] not in text
    assert text.count(MASK) == 4
    assert "failed:" in text and "Rotate" in text


def test_the_configuration_yields_its_secrets_and_the_database_password(tmp_path: object) -> None:
    from pathlib import Path

    from syncd.config.loader import load_config
    from syncd.output.secret_values import secret_values

    root = Path(str(tmp_path))
    (root / "teams").mkdir()
    (root / "teams" / "payments.yaml").write_text(
        "team: payments\ntimezone: Europe/Berlin\n"
        "sources: [{name: pm, type: markdown, path: docs}]\n"
        "tracker: {type: github, repo: acme/payments, token: '${GH_TOKEN}'}\n",
        encoding="utf-8",
    )
    env = {
        "GH_TOKEN": "ghp_" + "x1" * 18,
        "SYNCD_DATABASE_URL": "postgresql://syncd:p%40ss-W0rd!@db.example.com/syncd",
    }
    loaded = load_config(root, env=env)
    assert not loaded.errors, loaded.errors
    assert set(secret_values(loaded)) >= {"ghp_" + "x1" * 18, "p@ss-W0rd!", "p%40ss-W0rd!"}
