"""Images embedded in Google's markdown export, taken out before anything else. Pure.

Google writes each image of a document as a reference in the text (``![][image1]``) and its
bytes as a base64 ``data:`` URI in a link definition at the end
(``[image1]: <data:image/png;base64,iVBORw0...>``). A postmortem's graphs and screenshots make
those megabytes of text that hold no action item, yet would count against the document's size
limit and the extraction's limits. They are removed whole; the text is what people wrote.
"""

from __future__ import annotations

import re

_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]\n]{1,200}\]:[ \t]*<?data:image/[^\n]*\n?", re.MULTILINE)
_REFERENCE = re.compile(r"!\[[^\]\n]{0,200}\]\[image\d{1,6}\]")
_INLINE = re.compile(r"!\[[^\]\n]{0,200}\]\(<?data:image/[^)\n]*\)")


def drop_embedded_images(text: str) -> str:
    if "data:image/" not in text and "][image" not in text:
        return text
    return _INLINE.sub("", _REFERENCE.sub("", _DEFINITION.sub("", text)))
