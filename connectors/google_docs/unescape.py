"""Google's markdown export, made into the markdown people would have written.

Pure. Google Docs escapes punctuation wherever it might be markup: ``2026\\-12\\-01``,
``on\\-call``, ``snake\\_case``, ``(owner: Alice)`` as ``\\(owner: Alice\\)``. A markdown parser
drops those backslashes only in the text it parses inline, but the extraction also reads owners,
dates and references from the raw text of a cell or line. So a backslash is removed where the
character after it cannot start markup in its place, and kept where it does its job:

- at the start of a line (after indentation): ``\\-``, ``\\+``, ``\\#``, ``\\>``, ``1\\.``
  would otherwise make a list, a heading or a quote the author never wrote;
- before ``*``, ``[``, ``]``, ``<``, ``>``, ``|``, ``` ` ```, ``\\`` anywhere, and ``_``
  unless it sits between two letters or digits (``on_call``): emphasis, links, HTML, table
  cells and code would otherwise appear.

Text inside code spans and fences is left exactly as exported.
"""

from __future__ import annotations

import re

# ASCII punctuation that is never markup in the middle of a line.
_HARMLESS = r"""!"#$%&'()+,\-./:;=?@^{}~"""
_INLINE = re.compile(rf"\\([{re.escape(_HARMLESS)}])")
_INTRAWORD_UNDERSCORE = re.compile(r"(?<=[0-9A-Za-z])\\_(?=[0-9A-Za-z])")
# The start of a line's content: indentation, then any list markers and quote marks.
_LEAD = re.compile(r"^(?:[ \t]*(?:[-*+]|\d{1,9}[.)]|>)[ \t]+)*[ \t]*(?:\[[ xX]\][ \t]+)?")
_ESCAPED_ORDINAL = re.compile(r"\d{1,9}\\[.)]")  # "1\." would be a numbered item unescaped
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def unescape_export(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            if (
                opened is not None
                and opened.group(1)[0] == fence[0]
                and len(opened.group(1)) >= len(fence)
            ):
                fence = None
            out.append(line)
            continue
        if opened is not None:
            fence = opened.group(1)
            out.append(line)
            continue
        out.append(_line(line))
    return "\n".join(out)


def _line(line: str) -> str:
    if "\\" not in line:
        return line
    lead = _LEAD.match(line)
    start = lead.end() if lead else 0
    # The first character of the content keeps its escape: it could start a block.
    head_end = start + 2 if line.startswith("\\", start) else start
    ordinal = _ESCAPED_ORDINAL.match(line, start)
    if ordinal is not None:
        head_end = ordinal.end()
    head, rest = line[:head_end], line[head_end:]
    pieces: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(rest):
        pieces.append(_text(rest[last : span.start()]))
        pieces.append(span.group(0))
        last = span.end()
    pieces.append(_text(rest[last:]))
    return head + "".join(pieces)


def _text(text: str) -> str:
    if "\\" not in text:
        return text
    return _INTRAWORD_UNDERSCORE.sub("_", _INLINE.sub(r"\1", text))
