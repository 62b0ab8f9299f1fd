"""Recurrence: a new postmortem on a service whose earlier postmortems still have open items
is named in the digest ("3 open items from 2 earlier postmortems on checkout-api"), in every
rendering, with the service's name kept inert."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

from connectors.slack.render import render_slack
from syncd.digest import build_digest
from syncd.digest.render_json import digest_as_json
from syncd.digest.render_text import render_text
from syncd.judge import ItemState
from syncd.judge.recurrence import recurrences, services_of
from syncd.model import Postmortem, Status
from tests.digest.team_fixture import LAST_DIGEST, NOW, POLICY, item, postmortem


def _on(pm: Postmortem, service: str | None) -> Postmortem:
    return dataclasses.replace(pm, service=service)


EARLIEST = _on(postmortem("cart-5xx", "Cart 5xx after deploy", date(2025, 11, 3)), "checkout-api")
EARLIER = _on(postmortem("pay-lag", "Payment lag", date(2026, 1, 20)), "Checkout-API, ledger")
ELSEWHERE = _on(postmortem("search", "Search outage", date(2026, 2, 1)), "search")
ALL_DONE = _on(postmortem("old", "Old checkout incident", date(2025, 6, 1)), "checkout-api")
NEW = _on(postmortem("checkout-again", "Checkout down again", date(2026, 3, 5)), "checkout-api")
OLD_SEEN = datetime(2026, 2, 1, tzinfo=UTC)


def _state(
    pm: Postmortem, title: str, *, seen: datetime = OLD_SEEN, done: bool = False
) -> ItemState:
    status = Status.DONE if done else Status.OPEN
    return ItemState(item=item(title, pm, status=status), first_seen=seen)


STATES = (
    _state(EARLIEST, "Add a canary for cart deploys"),
    _state(EARLIEST, "Alert on cart 5xx"),
    _state(EARLIEST, "Write the rollback runbook", done=True),
    _state(EARLIER, "Cap the payment queue"),
    _state(ELSEWHERE, "Shard the index"),
    _state(ALL_DONE, "Retire the old gateway", done=True),
    _state(NEW, "Pin the checkout pool size", seen=NOW - timedelta(days=2)),
)


def test_a_new_postmortem_names_the_open_items_of_earlier_ones_on_its_service() -> None:
    [found] = recurrences(STATES, LAST_DIGEST)

    assert (found.postmortem, found.service, found.open_items) == (NEW, "checkout-api", 3)
    assert found.earlier == (EARLIEST, EARLIER)  # oldest first; all done and other services out


def test_only_postmortems_first_seen_since_the_last_digest_are_new() -> None:
    assert recurrences(STATES, NOW) == ()
    # Seen long ago, the "new" one is itself an earlier postmortem of nothing newer.
    assert recurrences(STATES[:-1], LAST_DIGEST) == ()


def test_services_are_the_documents_names_without_repeats() -> None:
    assert services_of(EARLIER) == ("Checkout-API", "ledger")
    assert services_of(_on(NEW, " a , a,b ,")) == ("a", "b")
    assert services_of(_on(NEW, None)) == ()


def test_every_rendering_says_it_and_keeps_the_service_inert() -> None:
    digest = build_digest("payments", STATES, (), POLICY, NOW, LAST_DIGEST, None)
    text = render_text(digest)
    assert "Recurring services" in text
    assert "3 open items from 2 earlier postmortems on checkout-api" in text
    [entry] = json.loads(json.dumps(digest_as_json(digest)))["recurring"]
    assert entry["service"] == "checkout-api" and entry["open_items"] == 3
    assert [p["title"] for p in entry["earlier"]] == [EARLIEST.title, EARLIER.title]

    hostile = _on(NEW, "<!channel> @here")
    states = (*STATES[:-1], _state(hostile, "Pin the pool", seen=NOW - timedelta(days=1)))
    earlier = _on(EARLIEST, "<!channel> @here")
    states = (_state(earlier, "Alert on 5xx"), *states)
    slack = json.dumps(
        render_slack(build_digest("payments", states, (), POLICY, NOW, LAST_DIGEST, None))
    )
    assert "<!channel>" not in slack and "Recurring services" in slack
