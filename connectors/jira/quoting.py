"""Document text quoted in Jira's wiki markup (Data Center): it links, mentions and formats
nothing. Cloud takes Atlassian Document Format, where text is never markup."""

from __future__ import annotations

import re

# What starts markup in Jira's wiki syntax: links and mentions, macros, effects, tables, and
# the backslash itself (unescaped, it would turn the escape of the next character into a line
# break, "\\", and leave that character live).
_WIKI_SPECIAL = re.compile(r"([\\\[\]{}*_^~+\-?|!#])")


def quoted_wiki(text: str) -> str:
    """``text`` as Jira's wiki renderer shows it verbatim."""
    return _WIKI_SPECIAL.sub(r"\\\1", text)
