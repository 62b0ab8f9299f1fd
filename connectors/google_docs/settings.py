"""The Google Docs source's block of a team file, validated before anything is read.

Every field carries a description: they feed the published JSON Schema of the team file. The
service account key is a secret (``SecretStr``, never shown) or a file path; a malformed key is
reported when the key is loaded (``connectors.google_docs.key``), never echoed.
"""

from __future__ import annotations

import re

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator

from connectors.google_docs.key import encrypted_or_local, parse_key
from syncd.connector.settings import ConnectorSettings

DEFAULT_API_URL = "https://www.googleapis.com"
DEFAULT_MAX_DOCUMENT_BYTES = 1_048_576
# Drive refuses to export more than 10 MB, so a larger limit would never be reached.
LARGEST_MAX_DOCUMENT_BYTES = 10 * 1_048_576
DEFAULT_MAX_DOCUMENT_SECONDS = 10.0

# Drive ids are URL-safe base64-ish words; shared drive ids start with "0A". Anything else
# (a whole URL pasted, a quote that would break the listing's query) is refused here.
_DRIVE_ID = re.compile(r"[A-Za-z0-9_-]{10,200}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _drive_id(value: str, what: str) -> str:
    cleaned = value.strip()
    if "/folders/" in cleaned or "/drive/" in cleaned:
        # The id is the last part of the folder's address, which people often paste whole.
        cleaned = cleaned.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    if _DRIVE_ID.fullmatch(cleaned) is None:
        raise ValueError(
            f"must be a Drive {what} id (the part after /folders/ in its address), "
            "letters, digits, '-' and '_'"
        )
    return cleaned


class GoogleDocsSettings(ConnectorSettings):
    """Google Docs in a Drive folder (a shared drive's too), read with a service account."""

    folder_id: str = Field(
        validation_alias=AliasChoices("folder_id", "folder"),
        description=(
            "The Drive folder holding the postmortems: its id, the last part of its address "
            "(https://drive.google.com/drive/folders/<id>). Share it with the service account, "
            "or set `subject` to a user who can see it."
        ),
    )
    drive: str | None = Field(
        default=None,
        description="The shared drive's id when the folder is on a shared drive.",
    )
    recursive: bool = Field(
        default=False,
        description="Also read the documents in the folder's subfolders (one request per folder).",
    )
    service_account_key: SecretStr | None = Field(
        default=None,
        description=(
            'The service account\'s JSON key, as text: write it as "${GOOGLE_SA_KEY}". '
            "Exactly one of `service_account_key` and `credentials_file`."
        ),
    )
    credentials_file: str | None = Field(
        default=None,
        validation_alias=AliasChoices("credentials_file", "service_account_key_file"),
        description=(
            "Path of the service account's JSON key file, relative to the team file's "
            'directory (may be "${GOOGLE_APPLICATION_CREDENTIALS}").'
        ),
    )
    subject: str | None = Field(
        default=None,
        description=(
            "A user's e-mail to act as (domain-wide delegation, granted to the service account "
            "in the Google Workspace admin console for the Drive read-only scope)."
        ),
    )
    max_document_bytes: int = Field(
        default=DEFAULT_MAX_DOCUMENT_BYTES,
        gt=0,
        le=LARGEST_MAX_DOCUMENT_BYTES,
        description=(
            "A document whose markdown export, without its embedded images, is larger is "
            "reported and skipped (Drive exports at most 10 MB)."
        ),
    )
    max_document_seconds: float = Field(
        default=DEFAULT_MAX_DOCUMENT_SECONDS,
        gt=0,
        le=3600,
        description=(
            "A document whose reading takes longer is stopped, reported and skipped; the rest "
            "of the source is read."
        ),
    )
    api_url: str = Field(
        default=DEFAULT_API_URL,
        description="The Drive API's root (only changed for a proxy or a test server).",
    )

    @field_validator("folder_id")
    @classmethod
    def _valid_folder(cls, value: str) -> str:
        return _drive_id(value, "folder")

    @field_validator("drive")
    @classmethod
    def _valid_drive(cls, value: str | None) -> str | None:
        return None if value is None else _drive_id(value, "shared drive")

    @field_validator("service_account_key")
    @classmethod
    def _readable_key(cls, value: SecretStr | None) -> SecretStr | None:
        # Checked here so that a wrong variable is a configuration error naming the file and
        # line; the message says what is wrong and never quotes the key.
        if value is not None:
            parse_key(value.get_secret_value(), "the key")
        return value

    @field_validator("subject")
    @classmethod
    def _valid_subject(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if _EMAIL.fullmatch(value.strip()) is None:
            raise ValueError("must be the e-mail address of the user to act as")
        return value.strip()

    @field_validator("api_url")
    @classmethod
    def _valid_api_url(cls, value: str) -> str:
        if not encrypted_or_local(value):
            raise ValueError(
                "must be an https:// URL such as https://www.googleapis.com, without "
                "credentials (the access token travels to it)"
            )
        return value.rstrip("/")

    @model_validator(mode="after")
    def _one_key(self) -> GoogleDocsSettings:
        given = [
            name
            for name in ("service_account_key", "credentials_file")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of `service_account_key` (the JSON key from the environment) "
                "and `credentials_file` (a path to it)"
                + ("; both are set" if len(given) == 2 else "")
            )
        return self
