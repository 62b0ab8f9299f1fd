"""Markdown postmortem -> ``ExtractedDocument``: metadata, action items as written, problems.

Pure: text in, data out; no I/O, no clock. Whatever cannot be read becomes a ``DocumentProblem``
and the rest of the document is still read; only a document refused whole raises
(``DocumentRejected``).

Speed matters (thousands of documents per cycle), so the document is parsed into blocks only;
inline markdown is parsed just for the blocks that become items.
"""

from __future__ import annotations

from connectors.markdown.clean_text import strip_invisible, visible_items, visible_title
from connectors.markdown.columns import Column, classify_header
from connectors.markdown.context import ExtractionContext
from connectors.markdown.front_matter import split_front_matter
from connectors.markdown.metadata import humanised_name, postmortem_metadata
from connectors.markdown.parser import ParseRefused, normalise_source, parse_blocks
from connectors.markdown.sections import SectionWalker
from connectors.markdown.shape_limits import check_shape
from syncd.connector.model import DocumentProblem, DocumentRejected, ExtractedDocument, Postmortem

# The table columns are re-exported for the Confluence source's write-back, which finds a row's
# tracker and status cells as this extraction reads them (its one import of this package).
__all__ = ["Column", "classify_header", "extract_document"]


def extract_document(text: str, *, source: str, document: str) -> ExtractedDocument:
    """Read one postmortem. ``document`` is its path relative to the source root ("/"-separated).

    Raises ``DocumentRejected`` only, for a document refused whole (front matter or shape
    over its limits); anything else that cannot be read is a ``DocumentProblem`` in the result.
    """
    try:
        return _extract(text, source=source, document=document)
    except MemoryError:
        raise  # the document is skipped by the caller: a partial read would orphan its items
    except DocumentRejected:
        raise
    except Exception as exc:  # the contract is "never raises": a bug here must not stop a source
        return ExtractedDocument(
            postmortem=Postmortem(
                source=source,
                document=document,
                title=humanised_name(str(document)),
                date=None,
                date_origin=None,
            ),
            items=(),
            problems=(
                DocumentProblem(None, f"could not read the document: {type(exc).__name__}: {exc}"),
            ),
        )


def _extract(text: str, *, source: str, document: str) -> ExtractedDocument:
    front = split_front_matter(normalise_source(strip_invisible(text)))
    check_shape(front.body, line_offset=front.body_line_offset)
    ctx = ExtractionContext(body=front.body, line_offset=front.body_line_offset)
    try:
        blocks = parse_blocks(front.body, ctx.env)
    except ParseRefused as exc:  # named on the file's line, front matter included
        raise ParseRefused(exc.line, exc.reason, front.body_line_offset) from None
    walker = SectionWalker(blocks, ctx)
    walker.walk()
    items = tuple(visible_items(ctx.items))
    postmortem, metadata_problems = postmortem_metadata(
        source=source,
        document=document,
        front_matter=front.data,
        first_h1=walker.first_h1,
        body=front.body,
        body_line_offset=front.body_line_offset,
    )
    problems = sorted(
        (*front.problems, *metadata_problems, *ctx.problems),
        key=lambda p: (p.line is None, p.line or 0),
    )
    return ExtractedDocument(
        postmortem=visible_title(postmortem, humanised_name(document)),
        items=items,
        problems=tuple(problems),
        explanations=tuple(ctx.steps),
    )
