"""The digest as plain text for a terminal (``syncd digest --dry-run``)."""

from __future__ import annotations

from syncd.digest import wording
from syncd.digest.compose import compose
from syncd.digest.escape import plain_text
from syncd.digest.model import Digest, OwnerRef


class PlainMarkup:
    """Text as it reads; a link shows its target after its label, nobody is mentioned."""

    def text(self, untrusted: str) -> str:
        return plain_text(untrusted)

    def bold(self, markup: str) -> str:
        return markup

    def link(self, url: str, label: str) -> str:
        return f"{label} <{url}>"

    def mention(self, owner: OwnerRef) -> str | None:
        return None


def render_text(digest: Digest) -> str:
    """The whole digest, every item, as lines of text ending in a newline."""
    if digest.quiet:
        return plain_text(wording.quiet_line(digest)) + "\n"
    markup = PlainMarkup()
    lines = [plain_text(wording.heading(digest)), plain_text(wording.counts_line(digest))]
    for section in compose(digest, markup, cap=None):
        lines += ["", f"{section.title} ({section.total})"]
        for group in section.groups:
            indent = "  "
            if group.heading is not None:
                lines.append(f"  {group.heading}")
                indent = "    "
            lines += [indent + line for line in group.lines]
        if section.more is not None:
            lines.append(f"  {section.more}")
    lines += ["", plain_text(wording.rates_line(digest))]
    return "\n".join(lines) + "\n"
