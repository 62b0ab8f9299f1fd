"""What a failed request means, in words a person can act on: for the whole folder (the
source fails, its items are kept) or for one document (reported, the others read)."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.google_docs.auth import TokenRefused
from connectors.google_docs.drive import DriveRefused
from connectors.google_docs.listing import IncompleteListing
from connectors.google_docs.settings import GoogleDocsSettings
from syncd.connector.http import HttpError, RateLimitedError, TransientError

KEPT = "nothing was read from this source; its items are kept as they were"
# Google answers 403 (not 429) with these when a quota runs out: a pause, not a refusal.
RATE_LIMIT_REASONS = frozenset({"userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded"})
API_DISABLED_REASONS = frozenset({"accessNotConfigured", "SERVICE_DISABLED"})


@dataclass(frozen=True, slots=True)
class DocumentProblemReason:
    message: str
    stop_exports: bool  # Drive asked to wait: the cycle's other exports wait for the next one


def listing_failure(exc: Exception, settings: GoogleDocsSettings, account: str) -> str:
    folder = settings.folder_id
    share = (
        f"add {account} to the shared drive as a member (Viewer or more)"
        if settings.drive
        else f"share the folder with {account} (Viewer)"
    )
    if settings.subject:
        share += f", or check that {settings.subject} can open it"
    if isinstance(exc, TokenRefused):
        return f"{exc}; {KEPT}"
    if isinstance(exc, IncompleteListing):
        why = str(exc) or "Drive answered that it is incomplete (incompleteSearch)"
        return (
            f"the listing of folder {folder} cannot be believed ({why}), so missing "
            f"documents cannot be told from deleted ones; {KEPT}"
        )
    if isinstance(exc, DriveRefused):
        if exc.reason in RATE_LIMIT_REASONS:
            return f"Drive's rate limit ran out ({exc.reason}); it is read again next cycle; {KEPT}"
        if exc.reason in API_DISABLED_REASONS:
            return (
                "the Google Drive API is not enabled in the service account's project: enable "
                f"it in the Google Cloud console (APIs & Services); {KEPT}"
            )
        if exc.status == 404:
            return (
                f"folder {folder} was not found, or {account} cannot see it: check `folder`"
                f"{' and `drive`' if settings.drive else ''}, or {share}; {KEPT}"
            )
        if exc.status in (401, 403):
            return f"{account} may not list folder {folder} ({exc}): {share}; {KEPT}"
        return f"Drive refused to list folder {folder} ({exc}); {KEPT}"
    if isinstance(exc, RateLimitedError):
        return (
            f"Drive asked syncd to wait {exc.retry_after:.0f} s before listing folder {folder}; "
            f"it is read again next cycle; {KEPT}"
        )
    if isinstance(exc, TransientError):
        return f"Drive could not be reached or failed ({exc.reason}); {KEPT}"
    if isinstance(exc, HttpError):
        return f"{exc}; {KEPT}"
    return f"{type(exc).__name__}; {KEPT}"


def document_failure(exc: Exception) -> DocumentProblemReason:
    later = "it is read again next cycle; its items are kept as they were"
    if isinstance(exc, TokenRefused):
        return DocumentProblemReason(f"{exc}; {later}", True)
    if isinstance(exc, RateLimitedError):
        return DocumentProblemReason(
            f"Drive asked syncd to wait {exc.retry_after:.0f} s before exporting more; {later}",
            True,
        )
    if isinstance(exc, TransientError):
        return DocumentProblemReason(f"the export failed ({exc.reason}); {later}", False)
    if isinstance(exc, DriveRefused):
        if exc.reason in RATE_LIMIT_REASONS:
            return DocumentProblemReason(
                f"Drive's rate limit ran out ({exc.reason}); {later}", True
            )
        if exc.reason == "exportSizeLimitExceeded":
            return DocumentProblemReason(
                "it is too large for Drive to export as markdown (over 10 MB); skipped; its "
                "items are kept as they were",
                False,
            )
        if exc.status == 404:
            return DocumentProblemReason(
                "it was not found when exported (deleted, or no longer shared, since the folder "
                "was listed); its items are kept until a listing no longer shows it",
                False,
            )
        if exc.status in (401, 403):
            return DocumentProblemReason(
                f"the service account may not export it ({exc}): share it with the service "
                "account, or let viewers download it (its sharing settings); its items are "
                "kept as they were",
                False,
            )
        return DocumentProblemReason(f"Drive refused to export it ({exc}); {later}", False)
    if isinstance(exc, HttpError):
        return DocumentProblemReason(f"{exc}; {later}", False)
    return DocumentProblemReason(f"{type(exc).__name__}; {later}", False)
