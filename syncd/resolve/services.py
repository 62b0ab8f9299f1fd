"""A postmortem's services from the team's words, when its document names none.

A team file may map each service to the words that name it in a postmortem's title
(``services: {checkout-api: [checkout, cart]}``): "Cart 5xx after deploy" is then about
checkout-api. A document that names its services (front matter, a "Service:" line) is taken at
its word. Pure.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping, Sequence

from syncd.model import ExtractedDocument

ServiceWords = Mapping[str, Sequence[str]]


def services_in_title(title: str, words: ServiceWords) -> str | None:
    """The services whose words appear in ``title`` as whole words, comma-separated."""
    found = [service for service, pattern in _patterns(_frozen(words)) if pattern.search(title)]
    return ", ".join(found) or None


def _frozen(words: ServiceWords) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((service, tuple(names)) for service, names in words.items())


# One pattern per service, compiled once per team's words: compiled per title, the 2,000
# patterns a team file may hold overflow the regex module's cache (0.2 s per document).
@functools.lru_cache(maxsize=64)
def _patterns(
    words: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((service, _whole_words((service, *names))) for service, names in words)


def with_services(document: ExtractedDocument, words: ServiceWords) -> ExtractedDocument:
    postmortem = document.postmortem
    if postmortem.service or not words:
        return document
    named = services_in_title(postmortem.title, words)
    if named is None:
        return document
    return dataclasses.replace(document, postmortem=dataclasses.replace(postmortem, service=named))


def _whole_words(words: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(word.strip()) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
