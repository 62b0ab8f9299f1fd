"""Document text quoted in syncd's own text of an issue (recurrence line, follow-up review).

Ordinary text is left byte for byte as it was: an issue written before quoting existed is not
rewritten on upgrade unless its text holds a character that mentions, links or formats."""

from __future__ import annotations

import pytest

from connectors.github.quoting import quoted_markdown
from connectors.jira.quoting import quoted_wiki


@pytest.mark.parametrize(
    "text",
    ["Incident 0", "Cap consumer 0-0 concurrency at 10 workers", "checkout-api", "DB outage (EU)"],
)
def test_ordinary_text_is_unchanged_on_github(text: str) -> None:
    assert quoted_markdown(text) == text


def test_hostile_text_mentions_links_and_formats_nothing() -> None:
    quoted = quoted_markdown("@org/team <img src=x> #123 **bold** see https://x.example/a_b")
    assert "@org" not in quoted and "<img" not in quoted and "#123" not in quoted
    assert "\\*\\*bold\\*\\*" in quoted
    assert quoted.endswith("https://x.example/a_b")  # a web address still links
    assert quoted_wiki("[~bob] {code} checkout-api") == "\\[\\~bob\\] \\{code\\} checkout\\-api"
