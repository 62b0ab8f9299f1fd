"""An extraction of an export, named as the Drive document it came from. Pure."""

from __future__ import annotations

import dataclasses
from datetime import date

from connectors.google_docs.listing import DriveFile
from syncd.connector.model import ExtractedDocument

DOCUMENT_EDIT_URL = "https://docs.google.com/document/d/{id}/edit"


def as_drive_document(extracted: ExtractedDocument, file: DriveFile) -> ExtractedDocument:
    """``document`` is the file's id address (the same across renames and moves), ``url`` where
    people open it, the title its name in Drive; with no date written in the document or its
    name, the day it was created is the postmortem's date."""
    postmortem = extracted.postmortem
    title = " ".join(file.name.split()) or postmortem.title
    found, origin = postmortem.date, postmortem.date_origin
    if found is None and (created := _day(file.created_time)) is not None:
        found, origin = created, "created"
    return dataclasses.replace(
        extracted,
        postmortem=dataclasses.replace(
            postmortem,
            document=file.document,
            title=title,
            url=file.web_view_link or DOCUMENT_EDIT_URL.format(id=file.id),
            date=found,
            date_origin=origin,
        ),
    )


def _day(timestamp: str | None) -> date | None:
    if not timestamp or len(timestamp) < 10:
        return None
    try:
        return date.fromisoformat(timestamp[:10])
    except ValueError:
        return None
