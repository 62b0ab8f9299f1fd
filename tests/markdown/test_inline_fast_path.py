"""The inline shortcuts give exactly what markdown-it gives.

Simple item text (``**bold**``, ``code``, snake_case, plain web links) is rendered without the
inline parser, and a table row's cells are parsed together; both must agree with parsing each
snippet on its own.
"""

from __future__ import annotations

import random

from connectors.markdown import inline_text
from connectors.markdown.inline_text import InlineText, render_inline_many

_PIECES = [
    "a",
    "b",
    " ",
    " ",
    "*",
    "**",
    "`",
    "_",
    "x_y",
    ".",
    ":",
    "(",
    ")",
    "\n",
    "-",
    "é",
    "1",
    "TODO",
    "**DONE**",
    "`c d`",
    "__",
    "***",
    "**a b**",
    "`x`",
    "—",
    ",",
    "``",
    "_a_",
    "*b*",
    "[PAY-1](https://acme.atlassian.net/browse/PAY-1)",
    "[",
    "]",
    "](",
    "[x]",
    "!",
    "![",
    "[t](https://x.y/a_b*c)",
    "[a **b**](https://q.r)",
    "https://x.y",
    "[`k`](https://k.l)",
    "~~",
    "~~s~~",
    "<b>",
    "&amp;",
    "\\*",
]


def _seen(text: InlineText) -> tuple[object, ...]:
    """What extraction uses: words, the bold lead, where links end (in words), their targets."""
    lead = text.text[: text.lead_strong_end] if text.lead_strong_end is not None else None
    links = [(len(" ".join(text.text[:pos].split())), href) for pos, href in text.links]
    return (" ".join(text.text.split()), lead and " ".join(lead.split()), links, text.struck)


def _parsed(raw: str) -> InlineText:
    result = inline_text._render(inline_text._parse(raw, {}), 1)[0]
    assert result is not None
    return result


def test_simple_markup_is_rendered_as_the_parser_would() -> None:
    rng = random.Random(11)
    compared = 0
    while compared < 3000:
        raw = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 9)))
        if inline_text.has_markup(raw) and inline_text._SIMPLE_MARKUP.fullmatch(raw):
            assert _seen(inline_text._render_simple(raw)) == _seen(_parsed(raw)), raw
            compared += 1


def test_cells_parsed_together_are_what_separate_parses_give() -> None:
    rng = random.Random(12)
    for _ in range(1500):
        cells = [
            "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 5)))
            for _ in range(rng.randint(2, 5))
        ]
        together = render_inline_many(cells, {})
        assert [_seen(t) for t in together] == [_seen(_parsed(c)) for c in cells], cells
