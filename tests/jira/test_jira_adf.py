from __future__ import annotations

import pytest

from connectors.jira.adf import adf_to_text, text_to_adf

DESCRIPTION = """\
Validate pool sizes in CI against the service's documented minimum

Postmortem: Checkout returned 5xx for 38 minutes (2026-09-14, SEV2)
https://git.example.com/pm/2026-09-14-checkout.md

Owner as written: Bob Jones
Due as written: 2026-10-31

Kept in step by syncd."""


@pytest.mark.parametrize(
    "text",
    [DESCRIPTION, "one line", "a\nb\n\nc", "see https://x.example/a?b=1 and more", ""],
)
def test_text_survives_the_round_trip(text: str) -> None:
    assert adf_to_text(text_to_adf(text)) == text


def test_urls_become_links() -> None:
    doc = text_to_adf("see https://x.example/pm.md now")
    nodes = doc["content"][0]["content"]
    assert nodes[1]["marks"] == [{"type": "link", "attrs": {"href": "https://x.example/pm.md"}}]
    assert doc["type"] == "doc" and doc["version"] == 1


def test_a_persons_rich_edit_reads_as_different_text() -> None:
    edited = text_to_adf(DESCRIPTION)
    edited["content"].append(
        {
            "type": "bulletList",
            "content": [
                {
                    "type": "listItem",
                    "content": [
                        {"type": "paragraph", "content": [{"type": "text", "text": "extra step"}]}
                    ],
                }
            ],
        }
    )
    text = adf_to_text(edited)
    assert text.startswith(DESCRIPTION) and text.endswith("- extra step")


def test_data_center_strings_and_missing_descriptions() -> None:
    assert adf_to_text("plain wiki text") == "plain wiki text"
    assert adf_to_text(None) == ""
