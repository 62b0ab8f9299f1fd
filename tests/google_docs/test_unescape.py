"""Google's escapes removed where they do nothing, kept where they stop markup; chips read."""

from __future__ import annotations

import pytest

from connectors.google_docs.chips import chips_as_owner
from connectors.google_docs.unescape import unescape_export


@pytest.mark.parametrize(
    ("exported", "read"),
    [
        ("due 2026\\-12\\-01 on\\-call", "due 2026-12-01 on-call"),
        ("order\\_events and \\_private\\_", "order_events and \\_private\\_"),
        ("\\- not a list item", "\\- not a list item"),
        ("1\\. not a numbered item", "1\\. not a numbered item"),
        ("\\# not a heading \\#1", "\\# not a heading #1"),
        ("* item \\(owner: Alice\\)", "* item (owner: Alice)"),
        ("a \\*star\\* and \\[bracket\\]", "a \\*star\\* and \\[bracket\\]"),
        ("code `a\\-b` stays", "code `a\\-b` stays"),
        ("```\nx\\-y\n```\nz\\-w", "```\nx\\-y\n```\nz-w"),
        ("| PAY\\-1412 | a \\| b |", "| PAY-1412 | a \\| b |"),
    ],
)
def test_unescape(exported: str, read: str) -> None:
    assert unescape_export(exported) == read


@pytest.mark.parametrize(
    ("line", "read"),
    [
        (
            "- [ ] Batch sends [Rita Gomez](mailto:rita@acme.com) Apr 1, 2026",
            "- [ ] Batch sends (owner: rita@acme.com, due Apr 1, 2026)",
        ),
        ("* Ask [Sam Lee](mailto:sam@acme.com)", "* Ask (owner: sam@acme.com)"),
        ("* Ask [Sam Lee](mailto:sam@acme.com?subject=Hi)", "* Ask (owner: sam@acme.com)"),
        ("* Fix it (owner: [Sam Lee](mailto:sam@acme.com))", "* Fix it (owner: sam@acme.com)"),
        ("Prose by [Sam Lee](mailto:sam@acme.com)", "Prose by sam@acme.com"),
    ],
)
def test_trailing_chips_become_owner_and_due(line: str, read: str) -> None:
    assert chips_as_owner(line) == read


def test_embedded_images_are_left_out() -> None:
    from connectors.google_docs.images import drop_embedded_images

    exported = (
        "Graph: ![][image1]\n\n- [ ] Fix it ![alt](data:image/gif;base64,R0lGOD==)\n\n"
        "[image1]: <data:image/png;base64,iVBORw0KGgo=>\n[docs]: https://acme.com/x\n"
    )
    assert drop_embedded_images(exported) == (
        "Graph: \n\n- [ ] Fix it \n\n[docs]: https://acme.com/x\n"
    )
