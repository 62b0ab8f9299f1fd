"""Which headings and labels name an action section."""

from __future__ import annotations

import pytest

from connectors.markdown.labels import classify_label, display_label


@pytest.mark.parametrize(
    "heading",
    [
        "Action Items",
        "Action items:",
        "5. Action Items",
        "5) Action Items",
        "🛠️ Action Items",
        "**Action Points**",
        "Actions",
        "Follow-ups",
        "Follow-up Actions",
        "Follow up items",
        "Next Steps",
        "Remediation",
        "Remediation Items",
        "Corrective Actions",
        "Corrective and Preventive Actions (CAPA)",
        "Corrective Measures",
        "Preventive Measures",
        "Prevention Actions",
        "Actionables",
        "Action Plan",
        "Todo",
        "To-do",
        "Tasks",
        "Mitigations",
        "Action Items (as of March 5)",
        "Postmortem action items",
        "Lessons learned and action items",
        "Review actions",
    ],
)
def test_action_headings(heading: str) -> None:
    assert classify_label(heading)[1], heading


@pytest.mark.parametrize(
    "heading",
    [
        "Summary",
        "Impact",
        "Timeline",
        "Root Cause",
        "Root Causes",
        "Contributing Factors",
        "What went well",
        "What went wrong",
        "Where we got lucky",
        "Lessons Learned",
        "Detection",
        "Resolution",
        "Background",
        "Supporting information",
        "Glossary",
        "Mitigation",
        "Actions taken",
        "Timeline of actions",
        "Follow-up review",
        "Appendix",
    ],
)
def test_narrative_and_other_headings(heading: str) -> None:
    assert not classify_label(heading)[1], heading


def test_a_title_heading_counts_only_when_it_is_the_bare_phrase() -> None:
    assert classify_label("Action Items", exact=True)[1]
    assert not classify_label("Payments outage follow-up", exact=True)[1]


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("5. Action Items:", "Action Items"),
        ("🔧 **Follow-ups**", "Follow-ups"),
        ("[Next steps](#next)", "Next steps"),
        ("Action Items {#actions}", "Action Items"),
        ("Corrective and Preventive Actions (CAPA)", "Corrective and Preventive Actions (CAPA)"),
    ],
)
def test_section_names_drop_markup_numbering_and_colons(raw: str, display: str) -> None:
    assert display_label(raw) == display
