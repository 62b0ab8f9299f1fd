"""A postmortem's services: from its document (front matter, a "Service:" line), else from the
team's words in its title."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from connectors.markdown.metadata import postmortem_metadata
from syncd.model import ExtractedDocument, Postmortem
from syncd.resolve.services import services_in_title, with_services

WORDS = {"checkout-api": ["checkout", "cart"], "ledger": ["ledger", "replication"]}


def _metadata(front_matter: dict[str, object], body: str) -> tuple[Postmortem, list[Any]]:
    return postmortem_metadata(
        source="pm",
        document="2026-11-20-x.md",
        front_matter=front_matter,
        first_h1="X",
        body=body,
        body_line_offset=0,
    )


def _services(front_matter: dict[str, object], body: str = "") -> str | None:
    return _metadata(front_matter, body)[0].service


@pytest.mark.parametrize(
    ("front_matter", "body", "expected"),
    [
        ({"service": "checkout-api"}, "", "checkout-api"),
        ({"services": ["checkout-api", "ledger", "ledger"]}, "", "checkout-api, ledger"),
        ({}, "Intro\n\n**Affected services:** checkout-api, ledger\n", "checkout-api, ledger"),
        ({}, "| Service | payments-gateway |\n|---|---|\n", "payments-gateway"),
        ({}, "- Services: `auth` and `search`\n", "auth, search"),
        ({}, "We serviced the load balancer.\n", None),
        ({}, "Service: the checkout flow failed for an hour and then recovered\n", None),
        ({"service": "from-front-matter"}, "Service: ignored\n", "from-front-matter"),
    ],
)
def test_a_document_names_its_services(
    front_matter: dict[str, object], body: str, expected: str | None
) -> None:
    assert _services(front_matter, body) == expected


@pytest.mark.parametrize(
    ("front_matter", "body", "line"),
    [
        ({"services": [f"s{n}" for n in range(11)]}, "", 1),
        ({}, "Intro\n\nMore intro\n\nServices: " + ", ".join(f"s{n}" for n in range(11)), 5),
    ],
)
def test_more_than_ten_services_keep_ten_and_are_reported_with_their_line(
    front_matter: dict[str, object], body: str, line: int
) -> None:
    postmortem, problems = _metadata(front_matter, body)
    assert postmortem.service == ", ".join(f"s{n}" for n in range(10))
    assert [(p.line, "left out: s10" in p.message) for p in problems] == [(line, True)]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Cart 5xx after deploy", "checkout-api"),
        ("Checkout and ledger replication lag", "checkout-api, ledger"),
        ("Carting service outage", None),  # whole words only
        ("DNS outage", None),
    ],
)
def test_the_teams_words_name_services_in_a_title(title: str, expected: str | None) -> None:
    assert services_in_title(title, WORDS) == expected


def test_a_document_that_names_its_service_is_taken_at_its_word() -> None:
    named = Postmortem("pm", "a.md", "Cart outage", None, None, service="payments-gateway")
    unnamed = dataclasses.replace(named, service=None)
    assert with_services(ExtractedDocument(named, ()), WORDS).postmortem.service == (
        "payments-gateway"
    )
    assert with_services(ExtractedDocument(unnamed, ()), WORDS).postmortem.service == (
        "checkout-api"
    )
