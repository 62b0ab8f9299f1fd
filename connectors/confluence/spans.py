"""Where each element of a page's storage format is in its text, so that an edit can change a
few characters and leave every other byte of the page as it was.

lxml gives no offsets, and serialising its tree again is not the text Confluence gave (named
entities, CDATA, attribute quotes and empty-element forms all change). So the text is scanned
for its tags, and the n-th start tag is paired with the n-th element lxml parsed from the same
text: a body lxml accepts is well-formed, so both see the same elements in the same order. The
pairing is checked tag by tag, and a body where they disagree is refused (``SpansUnaligned``)
rather than edited at a guess.

Pure: text and a parsed tree in, offsets out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from connectors.confluence.storage import tag_of

# Markup that is not an element (comments, CDATA, processing instructions, a doctype), an end
# tag, or a start tag whose attributes may hold ">" inside quotes. Text between them is skipped:
# in well-formed text a "<" starts one of these.
_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<!\[CDATA\[.*?\]\]>"
    r"|<\?.*?\?>"
    r"|<!DOCTYPE[^>]*>"
    r"|</(?P<end>[^\s>]+)\s*>"
    r"""|<(?P<start>[^\s/>!?]+)(?P<attributes>(?:[^>"']|"[^"]*"|'[^']*')*)>""",
    re.DOTALL,
)


class SpansUnaligned(ValueError):
    """The tags found in the text are not the elements lxml read: the page is not edited."""


@dataclass(frozen=True, slots=True)
class Span:
    """An element's place in the text: ``text[start:end]`` is the whole element,
    ``text[inner_start:inner_end]`` its content (empty, at ``end``, for ``<x/>``)."""

    tag: str  # as written: "li", "ac:task"
    start: int
    inner_start: int
    inner_end: int
    end: int

    @property
    def empty_form(self) -> bool:
        """Written ``<x/>``: content has to be added by rewriting the tag."""
        return self.inner_start == self.end


def element_spans(text: str, root: etree._Element) -> dict[etree._Element, Span]:
    """Each element under ``root`` (as ``storage.parse_storage`` read ``text``) with its span."""
    elements = [e for e in root.iterdescendants() if isinstance(e.tag, str)]
    spans: dict[etree._Element, Span] = {}
    open_ones: list[tuple[etree._Element, str, int, int]] = []
    index = 0
    for token in _TOKEN.finditer(text):
        start_tag, end_tag = token.group("start"), token.group("end")
        if start_tag is not None:
            if index >= len(elements) or tag_of(elements[index]) != start_tag:
                raise SpansUnaligned(f"the tag <{start_tag}> at offset {token.start()}")
            element = elements[index]
            index += 1
            if token.group("attributes").rstrip().endswith("/"):
                spans[element] = Span(
                    start_tag, token.start(), token.end(), token.end(), token.end()
                )
            else:
                open_ones.append((element, start_tag, token.start(), token.end()))
        elif end_tag is not None:
            if not open_ones or open_ones[-1][1] != end_tag:
                raise SpansUnaligned(f"the end tag </{end_tag}> at offset {token.start()}")
            element, tag, start, inner_start = open_ones.pop()
            spans[element] = Span(tag, start, inner_start, token.start(), token.end())
    if index != len(elements) or open_ones:
        raise SpansUnaligned("the text ended before every element was found")
    return spans
