"""Tracker references: Jira keys and URLs, GitHub issues, #45; as written, in order, once."""

from __future__ import annotations

import pytest

from connectors.markdown.refs import find_refs, ordered_refs
from tests.markdown.extraction_support import only_item


def refs(text: str, links: tuple[tuple[int, str], ...] = ()) -> tuple[str, ...]:
    return ordered_refs([find_refs(text, links)])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fix PAY-123 and OPS-9", ("PAY-123", "OPS-9")),
        (
            "See https://acme.atlassian.net/browse/PAY-123.",
            ("https://acme.atlassian.net/browse/PAY-123",),
        ),
        (
            "See https://github.com/acme/pay/issues/45 and https://github.com/acme/pay/pull/46",
            ("https://github.com/acme/pay/issues/45", "https://github.com/acme/pay/pull/46"),
        ),
        ("Tracked in acme/pay#45", ("acme/pay#45",)),
        ("Tracked in #45, also (#46)", ("#45", "#46")),
        ("PAY-1 twice: PAY-1", ("PAY-1",)),
        # Look-alikes that are not references.
        ("UTF-8, COVID-19, SHA-256, ISO-8601, HTTP-2, P0-1, SEV-1, CVE-2024-1234", ()),
        ("Bug 5554823 and issue number 42", ()),
        ("Read page.html#45 and see step#2 and the &#45; entity", ()),
        ("Written as a path: docs/page#45", ("docs/page#45",)),
        ("https://wiki.acme.net/UTF-8#45 is a page", ()),
        ("lowercase pay-123 is not a key", ()),
    ],
)
def test_references_in_text(text: str, expected: tuple[str, ...]) -> None:
    assert refs(text) == expected


def test_a_reference_only_in_a_link_url_is_found() -> None:
    item = only_item(
        """
        ## Action Items

        - Write the runbook, see [the tracking issue](https://github.com/acme/orders/issues/77)
        """
    )
    assert item.title == "Write the runbook"  # the link only pointed at the issue
    assert item.tracker_refs == ("https://github.com/acme/orders/issues/77",)


def test_link_text_and_url_are_both_kept_in_order() -> None:
    item = only_item(
        """
        ## Action Items

        - Lower the TTL [SRCH-303](https://acme.atlassian.net/browse/SRCH-303)
        """
    )
    assert item.tracker_refs == ("SRCH-303", "https://acme.atlassian.net/browse/SRCH-303")


def test_reference_style_links_resolve_to_their_url() -> None:
    item = only_item(
        """
        ## Action Items

        - Fix the pool, see [the ticket][pay9] @alice

        [pay9]: https://acme.atlassian.net/browse/PAY-9
        """
    )
    assert (item.title, item.owner_text) == ("Fix the pool", "@alice")
    assert item.tracker_refs == ("https://acme.atlassian.net/browse/PAY-9",)


def test_references_in_sub_bullets_count_for_the_item() -> None:
    item = only_item(
        """
        ## Action Items

        - Fix the pool PAY-1
          - follow-up in #12
        """
    )
    assert item.tracker_refs == ("PAY-1", "#12")


def test_non_tracker_links_are_not_references() -> None:
    item = only_item(
        """
        ## Action Items

        - Read [the runbook](https://wiki.acme.net/runbooks/db) and <https://grafana.acme.net/d/1>
        """
    )
    assert item.tracker_refs == ()
