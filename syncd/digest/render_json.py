"""The digest as JSON, for a generic webhook: the model itself, versioned, nothing rendered.

Texts are as written (JSON encoding makes them safe to carry; the receiver decides how to show
them and must treat titles, owners and reasons as untrusted). Chat ids are left out: a generic
receiver has no use for another channel's user ids. Dates are ISO 8601.
"""

from __future__ import annotations

from typing import Any

from syncd.digest import wording
from syncd.digest.model import Digest, DigestEntry, OwnerRef, PostmortemRef, Ratio, ReviewDue

SCHEMA = "syncd.digest/1"

Json = dict[str, Any]


def digest_as_json(digest: Digest) -> Json:
    """A JSON-serialisable dict of the whole digest, every item."""
    c = digest.counts
    return {
        "schema": SCHEMA,
        "team": digest.team,
        "generated_at": digest.generated_at.isoformat(),
        "date": digest.today.isoformat(),
        "timezone": digest.timezone,
        "since": digest.since.isoformat(),
        "since_last_digest": digest.since_last_digest,
        "quiet": digest.quiet,
        "summary": wording.quiet_line(digest) if digest.quiet else wording.summary_line(digest),
        "link": digest.link_base,
        "policy": {
            "due_soon_days": digest.due_soon_days,
            "stale_after_days": digest.stale_after_days,
        },
        "counts": {
            "open": c.open,
            "overdue": c.overdue,
            "due_soon": c.due_soon,
            "stale": c.stale,
            "done_since": c.done_since,
        },
        "done_since": [_entry(e) for e in digest.done_since],
        "overdue": [
            {"postmortem": _postmortem(g.postmortem), "items": [_entry(e) for e in g.entries]}
            for g in digest.overdue
        ],
        "due_soon": [_entry(e) for e in digest.due_soon],
        "stale": [_entry(e) for e in digest.stale],
        "needs_attention": [_entry(e) for e in digest.attention],
        # Sources whose mass removal is held: their missing documents' items are kept.
        "held_sources": list(digest.source_warnings),
        "reviews_due": [_review(r) for r in digest.reviews],
        "recurring": [
            {
                "postmortem": _postmortem(r.postmortem),
                "service": r.service,
                "open_items": r.open_items,
                "earlier": [_postmortem(p) for p in r.earlier],
            }
            for r in digest.recurring
        ],
        "rates": {
            "completion": _ratio(digest.rates.completion),
            "on_time": _ratio(digest.rates.on_time),
            "median_open_age_days": digest.rates.median_open_age_days,
        },
    }


def _postmortem(p: PostmortemRef) -> Json:
    return {
        "source": p.source,
        "document": p.document,
        "title": p.title,
        "date": p.date.isoformat() if p.date is not None else None,
        "url": p.url,
    }


def _owner(owner: OwnerRef | None) -> Json | None:
    if owner is None:
        return None
    return {
        "written": owner.written,
        "person": owner.person,
        "co_owners": list(owner.co_owners),
        "reassigned": owner.reassigned,
        "document_owner": owner.document_owner,
    }


def _entry(e: DigestEntry) -> Json:
    return {
        "id": e.item_id,
        "title": e.title,
        "postmortem": _postmortem(e.postmortem),
        "owner": _owner(e.owner),
        "issue": e.issue_key,
        "url": e.link,
        "due": e.due.isoformat() if e.due is not None else None,
        "due_origin": e.due_origin.value if e.due_origin is not None else None,
        "overdue_days": e.overdue_days,
        "days_to_due": e.days_to_due,
        "idle_days": e.idle_days,
        "done_at": e.done_at.isoformat() if e.done_at is not None else None,
        "reasons": list(e.reasons),
    }


def _review(r: ReviewDue) -> Json:
    return {
        "postmortem": _postmortem(r.postmortem),
        "review_date": r.review_date.isoformat(),
        "done": r.done,
        "total": r.total,
        "all_open": r.all_open,
    }


def _ratio(r: Ratio) -> Json:
    return {"numerator": r.numerator, "denominator": r.denominator, "percent": r.percent}
