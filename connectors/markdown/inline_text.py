"""Inline markdown to the plain text a reader sees, keeping what the markup hid.

Link targets matter (a tracker reference may sit only in a link's URL), so they are kept with
the position where the link ends in the text. Strikethrough matters (a struck-through item is
done), so the text outside struck spans is kept too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.token import Token
from markdown_it.utils import EnvType

from connectors.markdown.parser import markdown
from connectors.markdown.shape_limits import spend_markup

# Characters that can start inline markup; text without any of them is already plain, and
# skipping the inline parser for it is most of the cost of table cells and simple bullets.
_MARKUP_CHARS = frozenset("*_`[]<>!&\\~")
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Joins several snippets (a table row's cells) for one inline parse. NUL never reaches the
# parser otherwise (it is replaced while normalising the source); the spaces around it make
# each snippet's edges behave like the start and end of text for emphasis rules.
_SNIPPET_BREAK = "\x00"
_JOINER = " \x00 "

# The markup most item texts carry, and nothing else: ``**bold**`` spans that start after a
# space and end before a space or punctuation, ``code`` spans without edge spaces, and
# underscores inside words (snake_case, which is never emphasis). For such text the parser's
# result is certain (CommonMark's flanking rules are met, nothing can nest), so it is computed
# directly; any other markup goes to the parser.
_PLAIN = r"(?:[^*_`\[\]<>!&\\~]|!(?!\[))"
_SOLID = r"(?:[^\s*_`\[\]<>!&\\~]|!(?!\[))"
_CODE = r"(?<!`)`(?P<code>[^`\s](?:[^`\n]*[^`\s])?)`(?!`)"
_STRONG = rf"(?:(?<=\s)|^)\*\*(?P<strong>{_SOLID}(?:{_PLAIN}*?{_SOLID})?)\*\*(?=[\s.,;:!?)]|$)"
# An inline link to a plain web address: markdown-it's URL normalisation leaves these as written.
_LINK = (
    rf"\[(?P<link>{_SOLID}(?:{_PLAIN}*?{_SOLID})?)\]"
    r"\((?P<href>https?://[A-Za-z0-9\-._~:/?#@!$+,;=*']+)\)"
)
_INTRAWORD_UNDERSCORES = r"(?<=[^\W_])_+(?=[^\W_])"
_SIMPLE_MARKUP = re.compile(rf"(?:{_PLAIN}|{_INTRAWORD_UNDERSCORES}|{_CODE}|{_STRONG}|{_LINK})*")
_SIMPLE_SPAN = re.compile(rf"{_CODE}|{_STRONG}|{_LINK}")


# The most markdown one item (a list item's paragraph, a table cell) is read from. Inline
# parsing is linear but slow in pure Python, and an action far longer than any real one (a page
# of text, a run of "[a ") would otherwise cost seconds per hundred kilobytes; past this, the
# rest of that item's text is not read, and the item is reported (``report_long_item``).
MAX_ITEM_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class InlineText:
    text: str  # plain text; soft and hard line breaks are "\n"
    links: tuple[tuple[int, str], ...] = ()  # (offset in text where the link text ends, href)
    link_starts: tuple[int, ...] = ()  # where each link's text starts, in the order of ``links``
    lead_strong_end: int | None = None  # offset where a leading **bold** span ends
    struck: bool = False  # some text is struck through
    unstruck: str = ""  # the text outside struck spans, when ``struck``


def has_markup(raw: str) -> bool:
    return not _MARKUP_CHARS.isdisjoint(raw)


def render_inline(raw: str, env: EnvType) -> InlineText:
    raw = raw[:MAX_ITEM_CHARS]
    if not has_markup(raw):
        return InlineText(text=raw)
    if _SIMPLE_MARKUP.fullmatch(raw):
        return _render_simple(raw)
    return _render(_parse(raw, env), 1)[0] or InlineText(text=raw)


def _render_simple(raw: str) -> InlineText:
    # One left-to-right pass, as the parser scans: a code span's content stays literal even
    # when it holds "**".
    out: list[str] = []
    size = 0
    last = 0
    blank_so_far = True  # kept as a flag: joining ``out`` at every span was quadratic
    lead_strong_end: int | None = None
    links: list[tuple[int, str]] = []
    link_starts: list[int] = []
    for m in _SIMPLE_SPAN.finditer(raw):
        before = raw[last : m.start()]
        out.append(before)
        size += len(before)
        blank_so_far = blank_so_far and not before.strip()
        if (strong := m.group("strong")) is not None:
            if lead_strong_end is None and blank_so_far:
                lead_strong_end = size + len(strong)
            piece = strong
        elif (link := m.group("link")) is not None:
            piece = link
            link_starts.append(size)
            links.append((size + len(link), m.group("href")))
        else:
            piece = m.group("code")
        out.append(piece)
        size += len(piece)
        blank_so_far = blank_so_far and not piece.strip()
        last = m.end()
    out.append(raw[last:])
    return InlineText(
        text="".join(out),
        links=tuple(links),
        link_starts=tuple(link_starts),
        lead_strong_end=lead_strong_end,
    )


def render_inline_many(raws: list[str], env: EnvType) -> list[InlineText]:
    """Several independent snippets, parsed in one inline pass when that is safe.

    Each parse has a fixed cost that dominates for short snippets such as table cells. When
    markup would pair across two snippets (which a separate parse could not do), the snippets
    are parsed one by one instead, so the result is always what separate parses give.
    """
    raws = [raw[:MAX_ITEM_CHARS] for raw in raws]
    needs_parser = sum(1 for raw in raws if has_markup(raw) and not _SIMPLE_MARKUP.fullmatch(raw))
    if needs_parser <= 1:
        return [render_inline(raw, env) for raw in raws]
    segments = _render(_parse(_JOINER.join(raws), env), len(raws))
    if any(s is None for s in segments):
        return [render_inline(raw, env) for raw in raws]
    return [s for s in segments if s is not None]


def _parse(raw: str, env: EnvType) -> list[Token]:
    spend_markup(env, len(raw))
    md = markdown()
    children: list[Token] = []
    md.inline.parse(raw, md, env, children)
    return children


@dataclass(slots=True)
class _Segment:
    parts: list[str] = field(default_factory=list)
    unstruck: list[str] = field(default_factory=list)
    size: int = 0
    links: list[tuple[int, str]] = field(default_factory=list)
    link_starts: list[int] = field(default_factory=list)
    lead_strong_end: int | None = None
    lead_strong_open: bool = False
    seen_text: bool = False
    struck: bool = False

    def open_strong(self, depth: int) -> None:
        # Bold before any text may be the item's lead label: "**Alerting**: page the on-call".
        if not self.seen_text and depth == 0 and self.lead_strong_end is None:
            self.lead_strong_open = True

    def close_strong(self, depth: int) -> None:
        if self.lead_strong_open and depth == 0:
            self.lead_strong_end = self.size
            self.lead_strong_open = False

    def add(self, piece: str, strike_depth: int) -> None:
        if not self.seen_text and piece.strip():
            self.seen_text = True
        self.parts.append(piece)
        self.size += len(piece)
        if strike_depth:
            if piece.strip():
                self.struck = True
        else:
            self.unstruck.append(piece)

    def finish(self, *, strip_left: bool, strip_right: bool) -> InlineText:
        text = "".join(self.parts)
        shift = 0
        if strip_left and text.startswith(" "):
            text, shift = text[1:], 1
        if strip_right and text.endswith(" "):
            text = text[:-1]
        unstruck = "".join(self.unstruck).strip(" ") if self.struck else ""
        return InlineText(
            text=text,
            links=tuple((max(0, pos - shift), href) for pos, href in self.links),
            link_starts=tuple(max(0, pos - shift) for pos in self.link_starts),
            lead_strong_end=None if self.lead_strong_end is None else self.lead_strong_end - shift,
            struck=self.struck,
            unstruck=unstruck,
        )


def _render(children: list[Token], expected: int) -> list[InlineText | None]:
    """Plain text of each snippet; all None when a snippet's markup crossed into another."""
    failed: list[InlineText | None] = [None] * expected
    done: list[InlineText | None] = []
    segment = _Segment()
    hrefs: list[tuple[str, int]] = []  # each open link's href and where its text starts
    depth = 0  # open links and emphasis; must be 0 where one snippet ends
    strike_depth = 0
    strong_depth = 0

    for tok in children:
        kind = tok.type
        piece = ""
        if kind in ("text", "text_special"):
            piece = tok.content
        elif kind == "code_inline":
            if _SNIPPET_BREAK in tok.content:
                return failed
            piece = tok.content
        elif kind in ("softbreak", "hardbreak") or (
            kind == "html_inline" and _LINE_BREAK_TAG.match(tok.content)
        ):
            piece = "\n"  # <br> breaks lines in cells exported from wikis
        elif tok.nesting:
            depth += tok.nesting
            if kind == "link_open":
                href = tok.attrGet("href")
                hrefs.append((href if isinstance(href, str) else "", segment.size))
            elif kind == "link_close":
                if hrefs:
                    href, start = hrefs.pop()
                    if href:
                        segment.links.append((segment.size, href))
                        segment.link_starts.append(start)
            elif kind == "s_open":
                strike_depth += 1
            elif kind == "s_close":
                strike_depth = max(0, strike_depth - 1)
            elif kind == "strong_open":
                segment.open_strong(strong_depth)
                strong_depth += 1
            elif kind == "strong_close":
                strong_depth = max(0, strong_depth - 1)
                segment.close_strong(strong_depth)
            continue
        elif _SNIPPET_BREAK in tok.content:
            return failed  # a dropped token (inline HTML, an image) spans two snippets
        # Images (with their alt text) and inline HTML (tags and comments) are dropped: a
        # reader does not see them as part of the action.
        if not piece:
            continue
        if _SNIPPET_BREAK in piece:
            if depth:
                return failed
            segment = _split_at_snippet_breaks(piece, segment, done, strike_depth)
            continue
        segment.add(piece, strike_depth)
    done.append(segment.finish(strip_left=len(done) > 0, strip_right=False))
    if len(done) != expected:
        return failed
    return done


def _split_at_snippet_breaks(
    piece: str, segment: _Segment, done: list[InlineText | None], strike_depth: int
) -> _Segment:
    """Finish the snippets ``piece`` ends, into ``done``; the segment of the one it opens."""
    pieces = piece.split(_SNIPPET_BREAK)
    for n, part in enumerate(pieces):
        if n:
            done.append(segment.finish(strip_left=len(done) > 0, strip_right=True))
            segment = _Segment()
        if part:
            segment.add(part, strike_depth)
    return segment
