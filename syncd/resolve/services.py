"""A postmortem's services from the team's words, when its document names none.

A team file may map each service to the words that name it in a postmortem's title
(``services: {checkout-api: [checkout, cart]}``): "Cart 5xx after deploy" is then about
checkout-api. A document that names its services (front matter, a "Service:" line) is taken at
its word. Pure.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from syncd.model import ExtractedDocument

ServiceWords = Mapping[str, Sequence[str]]


def services_in_title(title: str, words: ServiceWords) -> str | None:
    """The services whose words appear in ``title`` as whole words, comma-separated."""
    found = [
        service
        for service, names in words.items()
        if any(_whole_word(name).search(title) for name in (service, *names))
    ]
    return ", ".join(found) or None


def with_services(document: ExtractedDocument, words: ServiceWords) -> ExtractedDocument:
    postmortem = document.postmortem
    if postmortem.service or not words:
        return document
    named = services_in_title(postmortem.title, words)
    if named is None:
        return document
    return dataclasses.replace(document, postmortem=dataclasses.replace(postmortem, service=named))


def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(word.strip())}(?!\w)", re.IGNORECASE)
