"""A postmortem's services: from its document (front matter, a "Service:" line), else from the
team's words in its title."""

from __future__ import annotations

import dataclasses

import pytest

from connectors.markdown.metadata import postmortem_metadata
from syncd.model import ExtractedDocument, Postmortem
from syncd.resolve.services import services_in_title, with_services

WORDS = {"checkout-api": ["checkout", "cart"], "ledger": ["ledger", "replication"]}


def _services(front_matter: dict[str, object], body: str = "") -> str | None:
    postmortem, _ = postmortem_metadata(
        source="pm",
        document="2026-11-20-x.md",
        front_matter=front_matter,
        first_h1="X",
        body=body,
        body_line_offset=0,
    )
    return postmortem.service


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
