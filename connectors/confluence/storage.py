"""Confluence's storage format (XHTML with ``ac:`` and ``ri:`` elements) parsed with lxml.

A page body is an XHTML fragment: several top-level elements, the ``ac:``/``ri:`` prefixes
undeclared, and HTML's named entities (``&nbsp;``, ``&rsquo;``) that XML does not know. It is
wrapped in one root that declares the prefixes, and the named entities are turned into numeric
references first. The parser never loads a DTD, resolves no entity and reaches no network, so a
hostile body can neither expand nor fetch anything; a body that is not well-formed is refused
whole (:class:`StorageUnreadable`) rather than read in part.

Pure: text in, an element tree out.
"""

from __future__ import annotations

import html.entities
import re

from lxml import etree

AC = "http://atlassian.com/content"
RI = "http://atlassian.com/resource/identifier"
AT = "http://atlassian.com/template"
_PREFIXES = {AC: "ac", RI: "ri", AT: "at"}

_XML_ENTITIES = frozenset({"lt", "gt", "amp", "quot", "apos"})
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_ROOT_OPEN = f'<syncd-root xmlns:ac="{AC}" xmlns:ri="{RI}" xmlns:at="{AT}">'
_ROOT_CLOSE = "</syncd-root>"


class StorageUnreadable(ValueError):
    """The body is not well-formed storage format; the message says where and why."""


def _numeric(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    codepoint = html.entities.name2codepoint.get(name)
    # An unknown name is left as it is: the parser then reports it, naming the line.
    return f"&#{codepoint};" if codepoint is not None else match.group(0)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
    )


def parse_storage(body: str) -> etree._Element:
    """The page body's elements under one root element; raises :class:`StorageUnreadable`."""
    wrapped = _ROOT_OPEN + _NAMED_ENTITY.sub(_numeric, body) + _ROOT_CLOSE
    try:
        return etree.fromstring(wrapped.encode("utf-8"), _parser())
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc).strip()
        raise StorageUnreadable(
            f"its body is not well-formed storage format (line {exc.lineno}: {message})"
        ) from None


def tag_of(element: etree._Element) -> str:
    """``ac:task``, ``ri:user``, ``p``: the element's name as the storage format writes it."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # comments and processing instructions (removed by the parser anyway)
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        prefix = _PREFIXES.get(namespace)
        return f"{prefix}:{local}" if prefix else local
    return tag


def attribute(element: etree._Element, name: str) -> str | None:
    """An attribute written ``ac:name`` or ``ri:name`` (or unprefixed)."""
    prefix, _, local = name.rpartition(":")
    namespace = {"ac": AC, "ri": RI, "at": AT}.get(prefix)
    key = f"{{{namespace}}}{local}" if namespace else local
    value = element.get(key)
    return None if value is None else str(value)


def children(element: etree._Element, tag: str) -> list[etree._Element]:
    return [child for child in element if tag_of(child) == tag]


def all_text(element: etree._Element) -> str:
    """Every text node under ``element``, in document order."""
    return "".join(str(part) for part in element.itertext())


def macro_parameter(macro: etree._Element, name: str) -> str | None:
    """The text of ``<ac:parameter ac:name="...">`` of a structured macro."""
    for parameter in children(macro, "ac:parameter"):
        if attribute(parameter, "ac:name") == name:
            return all_text(parameter).strip()
    return None
