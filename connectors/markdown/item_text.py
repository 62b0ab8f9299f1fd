"""One item's markdown (a list item's first paragraph, a table's action cell) read as an item.

Inline parsing happens here and only here: block parsing left every paragraph raw, and only
the paragraphs that become items are worth the cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.utils import EnvType

from connectors.markdown.annotations import Annotations, extract_annotations
from connectors.markdown.inline_text import InlineText, render_inline
from connectors.markdown.owner_prefix import owner_before_action
from connectors.markdown.refs import REF_MARK, find_refs, is_tracker_url
from connectors.markdown.title_refs import mark_refs, unmark

_MARK = re.compile(REF_MARK)
_CHECKBOX = re.compile(r"^\s*\[([ xX]?)\](?=\s|$)\s*")
# What may separate a bold title from its body: "**Title**: body", "**Title** - body".
_TITLE_SEPARATOR = re.compile(r"^\s*(?:[:.]|[-\u2013\u2014](?=\s))\s*")


@dataclass(frozen=True, slots=True)
class ItemText:
    raw: str  # the markdown, checkbox removed
    text: str  # plain text with annotations still in it, whitespace collapsed
    title: str
    detail: str | None
    annotations: Annotations
    refs: tuple[tuple[int, str], ...]  # (position in text, reference as written)
    checkbox: str | None  # as written: "[ ]", "[x]", "[X]", "[]"
    bold_only: bool  # the whole text is bold: a label, not a sentence
    ends_with_colon: bool
    struck: bool  # every word of the title is struck through

    @property
    def status(self) -> str | None:
        if self.checkbox and self.checkbox[1:-1] in ("x", "X"):
            return self.checkbox
        return self.annotations.status

    @property
    def done(self) -> bool:
        if self.checkbox and self.checkbox[1:-1] in ("x", "X"):
            return True
        if self.annotations.status is not None:
            return self.annotations.done
        return self.struck

    @property
    def label(self) -> str:
        """The text as a group or section label: "Short term:" -> "Short term"."""
        return self.text.rstrip(": ").strip()


def read_item_text(raw: str, env: EnvType, rendered: InlineText | None = None) -> ItemText:
    """``rendered`` is ``raw`` already rendered (a table row's cells are rendered together)."""
    checkbox: str | None = None
    if raw.lstrip().startswith("["):
        m = _CHECKBOX.match(raw)
        if m:
            checkbox = f"[{m.group(1)}]"
            raw = raw[m.end() :]
            rendered = None
    inline = rendered if rendered is not None else render_inline(raw, env)
    plain = inline.text
    in_text = find_refs(plain)
    spans = [(pos, pos + len(ref)) for pos, ref in in_text]
    linked: list[tuple[int, str]] = []
    for (end, href), start in zip(inline.links, inline.link_starts, strict=False):
        if is_tracker_url(href.strip()):
            linked.append((end, href.strip()))
            spans.append((start, end))
    refs = (*linked, *in_text)
    # The title is read with each reference as one mark, put back where the title keeps it.
    text, ref_texts, positions = mark_refs(plain, spans) if spans else (plain, [], [])
    lead_strong_end = inline.lead_strong_end
    if lead_strong_end is not None and positions:
        lead_strong_end = positions[lead_strong_end]

    annotations: Annotations | None = None
    detail: str | None = None
    bold_only = False
    if lead_strong_end is not None:
        bold = text[:lead_strong_end]
        rest = text[lead_strong_end:]
        separator = _TITLE_SEPARATOR.match(rest)
        if not rest.strip():
            bold_only = True
        elif separator or bold.rstrip().endswith((":", ".")):
            head = extract_annotations(bold.strip().rstrip(":.").rstrip(), ref_texts)
            # A bold reference is no title: "**PAY-12**: rotate the keys".
            if head.title and not _only_marks(head.title):
                body = extract_annotations(
                    rest[separator.end() :] if separator else rest, ref_texts
                )
                head.merge(body)
                annotations = head
                detail = body.title or None
    if annotations is None:
        annotations = extract_annotations(text, ref_texts)
        if bold_only:
            annotations.title = annotations.title.rstrip(":.").rstrip()

    if annotations.owner is None and annotations.title:
        prefixed = owner_before_action(annotations.title, detail)
        if prefixed is not None:
            annotations.owner, annotations.title, detail = prefixed

    struck = False
    if inline.struck:
        struck = not extract_annotations(inline.unstruck).title

    if ref_texts:
        annotations.unmark(ref_texts)
        detail = unmark(detail, ref_texts)

    return ItemText(
        raw=raw,
        text=" ".join(plain.split()),
        title=annotations.title,
        detail=detail,
        annotations=annotations,
        refs=refs,
        checkbox=checkbox,
        bold_only=bold_only,
        ends_with_colon=text.rstrip().endswith(":"),
        struck=struck,
    )


def _only_marks(text: str) -> bool:
    return not _MARK.sub("", text).strip(" ,;/&")
