"""The state store's tables, as this version of the code reads and writes them.

The database gets its shape only from the migrations in ``migrations/versions``; this module
must describe the schema at the head revision (a test compares the two). Change both together.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
    text,
)

from syncd.store.column_types import UTCDateTime, json_column_type

# Named constraints: SQLite batch migrations can only alter what they can name, and
# PostgreSQL's generated names differ between versions.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ITEM_ID_LENGTH = 40
RUN_OUTCOMES = ("ok", "partial", "failed")

metadata = MetaData(naming_convention=NAMING_CONVENTION)

items = Table(
    "items",
    metadata,
    Column("id", String(ITEM_ID_LENGTH), primary_key=True),
    Column("team", String, nullable=False),
    Column("source", String, nullable=False),
    Column("document", String, nullable=False),
    # The postmortem, as the item's document described it when last seen.
    Column("postmortem_title", Text, nullable=False),
    Column("postmortem_date", Date, nullable=True),
    Column("postmortem_date_origin", String, nullable=True),
    Column("postmortem_severity", String, nullable=True),
    Column("postmortem_incident", String, nullable=True),
    Column("postmortem_service", String, nullable=True),
    Column("postmortem_team", String, nullable=True),
    Column("postmortem_url", Text, nullable=True),
    # The item.
    Column("title", Text, nullable=False),
    Column("detail", Text, nullable=True),
    Column("section", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("owner_written", Text, nullable=True),
    Column("assignee", String, nullable=True),
    Column("owner_via", String, nullable=True),
    Column("owner_unresolved_reason", Text, nullable=True),
    # The other owners named beside the assignee: [{"written": ..., "person": ...}] (0006).
    Column("co_owners", json_column_type(), nullable=False, server_default=text("'[]'")),
    Column("due", Date, nullable=True),
    Column("due_origin", String, nullable=True),
    Column("due_written", Text, nullable=True),
    Column("ambiguous_date", Boolean, nullable=False),
    Column("priority", String, nullable=True),
    Column("priority_written", Text, nullable=True),
    Column("type", String, nullable=True),
    Column("type_written", Text, nullable=True),
    Column("status", String, nullable=False),
    Column("tracker_system", String, nullable=True),
    Column("tracker_key", String, nullable=True),
    Column("tracker_url", Text, nullable=True),
    Column("flags", json_column_type(), nullable=False),
    # Bookkeeping.
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("orphaned_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "team", "source", "document"),
)

documents = Table(
    "documents",
    metadata,
    Column("team", String, primary_key=True),
    Column("source", String, primary_key=True),
    Column("document", String, primary_key=True),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("title", Text, nullable=True),
    Column("postmortem_date", Date, nullable=True),
    Column("content_hash", String, nullable=True),
    Column("last_error", Text, nullable=True),
    # Returned by its source's last good read (0009): what the mass-removal guard measures
    # a new read's loss against. A held read leaves it as it was.
    Column("in_last_read", Boolean, nullable=False, server_default=false()),
)

sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team", String, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("outcome", String, nullable=True),
    Column("counts", json_column_type(), nullable=True),
    Column("error", Text, nullable=True),
    CheckConstraint("outcome IS NULL OR outcome IN ('ok', 'partial', 'failed')", name="outcome"),
    Index(None, "team", "started_at"),
)

# -- mirroring (revision 0002) ---------------------------------------------------------------
# No foreign keys to ``items``: a link or an intent is recorded around tracker calls, and must
# survive whatever happens to the item's row (orphaning, a store rebuilt from markers).

tracker_links = Table(
    "tracker_links",
    metadata,
    Column("item_id", String(ITEM_ID_LENGTH), primary_key=True),
    Column("team", String, nullable=False),
    Column("system", String, nullable=False),  # "jira" | "github"
    Column("key", String, nullable=False),  # "PAY-123", "acme/pay#45"
    Column("url", Text, nullable=True),
    Column("adopted", Boolean, nullable=False),  # an existing issue, not one syncd created
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("tracker_done", Boolean, nullable=False),
    Column("resolution", String, nullable=True),
    Column("won_t_do_explained", Boolean, nullable=True),
    # What was last reported about the item (conflicts, status mismatch, orphaned), so a
    # report is made once per change rather than every cycle.
    Column("last_reported", json_column_type(), nullable=True),
    # The last change to the issue by anyone but syncd (a person's edit, a transition).
    Column("last_activity", UTCDateTime, nullable=True),
    # Who holds the issue in the tracker, as last read (0006): the tracker's user id (Jira
    # accountId / Data Center username, GitHub login) and the name the tracker shows for it.
    Column("assignee", String, nullable=True),
    Column("assignee_name", Text, nullable=True),
    # Not unique: two items may name the same existing issue.
    Index(None, "team", "system", "key"),
)

sync_bases = Table(
    "sync_bases",
    metadata,
    Column("item_id", String(ITEM_ID_LENGTH), primary_key=True),
    Column("team", String, nullable=False),
    Column("base", json_column_type(), nullable=False),  # the mirrored fields as last synced
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "team"),
)

# An open intent: a create request may have been sent for the item, and its issue's key is not
# known yet. Resolved (the row deleted) by completing it with a link or by dropping it.
intents = Table(
    "intents",
    metadata,
    Column("item_id", String(ITEM_ID_LENGTH), primary_key=True),
    Column("team", String, nullable=False),
    Column("marker", String, nullable=False),
    Column("system", String, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("claimed_by", Text, nullable=True),  # the replica that recorded it
    # The epoch of the lease its recorder held (0007): a takeover leaves younger ones alone.
    Column("epoch", BigInteger, nullable=True),
    Index(None, "team", "started_at"),
)

tracker_cursors = Table(
    "tracker_cursors",
    metadata,
    Column("team", String, primary_key=True),
    Column("system", String, primary_key=True),
    Column("last_updated_seen", UTCDateTime, nullable=False),
    Column("etag", Text, nullable=True),
    Column("last_full_scan_at", UTCDateTime, nullable=True),
)

# -- digest posts (revision 0003) ------------------------------------------------------------
# One row per (team, schedule slot, channel): claimed before the post is sent, so that a rerun,
# a restart or a second replica never posts the same digest twice.

DIGEST_POST_STATUSES = ("claimed", "posted", "failed")

digest_posts = Table(
    "digest_posts",
    metadata,
    Column("team", String, primary_key=True),
    Column("slot", Text, primary_key=True),  # UTC, fixed-width ISO text: "2026-03-02T09:00:00Z"
    Column("channel", Text, primary_key=True),  # a stable channel key, e.g. "slack:0"
    Column("status", String, nullable=False),
    Column("claimed_by", Text, nullable=True),  # the replica holding (or last holding) the claim
    Column("claimed_at", UTCDateTime, nullable=False),
    # While claimed, a claim not released by then may be retaken; afterwards, when it was released.
    Column("lease_until", UTCDateTime, nullable=False),
    Column("posted_at", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False),  # claims taken, i.e. posts attempted
    Column("last_error", Text, nullable=True),
    CheckConstraint("status IN ('claimed', 'posted', 'failed')", name="status"),
)

# -- leases (revision 0005) ------------------------------------------------------------------
# Which replica works what (e.g. "team:payments"), until when. A lease not renewed by its
# expiry may be taken by any replica: that is how a dead replica's teams are taken over.

leases = Table(
    "leases",
    metadata,
    Column("name", String, primary_key=True),
    Column("holder", Text, nullable=False),  # the replica, e.g. "host:pid:random"
    Column("acquired_at", UTCDateTime, nullable=False),  # when this holder took it
    Column("expires_at", UTCDateTime, nullable=False),
    # The fencing token (0007): grows on every takeover, never goes back; a cycle's writes are
    # conditional on the epoch it started with. So a release keeps the row (``released_at``).
    Column("epoch", BigInteger, nullable=False, server_default=text("1")),
    Column("holder_command", String, nullable=True),  # "run", "sync", "digest"
    Column("released_at", UTCDateTime, nullable=True),
)

# -- account budgets (revision 0008) ---------------------------------------------------------
# One tracker account's rate limits (``syncd.http.budget``), shared by every process, team and
# replica using its credentials. ``account`` names the host and a hash of the credential, never
# the credential. Times are wall-clock epoch seconds.

account_budgets = Table(
    "account_budgets",
    metadata,
    Column("account", String, primary_key=True),
    Column("creates", Text, nullable=False),  # JSON list: content-creating requests, recent ones
    Column("last_write_end", Float, nullable=True),
    Column("writer", Text, nullable=True),  # who holds the write in flight
    Column("writer_until", Float, nullable=False),
    Column("held_until", Float, nullable=False),  # the server asked for a pause until then
    Column("hold_reason", Text, nullable=True),
)

# -- the mass-removal guard (revision 0009) --------------------------------------------------
# One row per (team, source) read at least once: when its last good read was and how many
# documents it returned (they are marked ``documents.in_last_read``), and the loss a held read
# found: since when, by how many consecutive cycles, and what was reported.

source_reads = Table(
    "source_reads",
    metadata,
    Column("team", String, primary_key=True),
    Column("source", String, primary_key=True),
    Column("read_at", UTCDateTime, nullable=False),  # the last good read
    Column("documents", Integer, nullable=False),  # documents it returned
    Column("held_cycles", Integer, nullable=False),  # consecutive held reads; 0 when none
    Column("held_since", UTCDateTime, nullable=True),  # the first of them
    Column("held_at", UTCDateTime, nullable=True),  # the latest of them
    Column("held_note", Text, nullable=True),  # what the latest reported
)

# -- nudges (revision 0010) ------------------------------------------------------------------
# One row per comment syncd decided to post on an item's issue ("overdue", "due_soon",
# "stale"), keyed by the team's day it was claimed on: the claim is taken before the comment is
# posted, so two writers can never post the same nudge, and the rows say when an item was last
# nudged for a reason (the period a second nudge waits). A failed post is retaken next cycle.

NUDGE_STATUSES = ("claimed", "sent", "failed", "unknown", "refused")

nudges = Table(
    "nudges",
    metadata,
    Column("team", String, primary_key=True),
    Column("item_id", String(ITEM_ID_LENGTH), primary_key=True),
    Column("reason", String, primary_key=True),
    Column("day", Date, primary_key=True),  # the team's day the nudge was claimed on
    Column("issue_key", Text, nullable=False),
    Column("status", String, nullable=False),
    Column("claimed_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("error", Text, nullable=True),
    CheckConstraint("status IN ('claimed', 'sent', 'failed', 'unknown', 'refused')", name="status"),
)

# -- the status page's daily snapshots (revision 0013) ---------------------------------------
# One row per team and team day, taken by the service's first sync of that day (a restart or a
# second replica finds the row and leaves it): the figures the status page's charts draw.

status_snapshots = Table(
    "status_snapshots",
    metadata,
    Column("team", String, primary_key=True),
    Column("day", Date, primary_key=True),  # the team's calendar day
    Column("taken_at", UTCDateTime, nullable=False),
    Column("items", Integer, nullable=False),  # counted items (orphaned ones left out)
    Column("open", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    Column("overdue", Integer, nullable=False),
    Column("due_soon", Integer, nullable=False),
    Column("on_time", Integer, nullable=False),
    Column("timed", Integer, nullable=False),  # done items with a due date and a done day
    Column("open_ages", json_column_type(), nullable=False),  # {bucket label: open items}
)

# -- sync requests (revision 0014) -----------------------------------------------------------
# One row per (webhook delivery, team) that asked for the team's sync: any replica records it,
# the replica holding the team's lease runs one sync for all of a team's pending rows and marks
# them done. The key de-duplicates a delivery across replicas and restarts; old rows are pruned.

sync_requests = Table(
    "sync_requests",
    metadata,
    Column("delivery_id", String, primary_key=True),
    Column("team", String, primary_key=True),
    Column("endpoint", String, nullable=False),  # github | jira | generic
    Column("received_at", UTCDateTime, nullable=False),
    Column("done_at", UTCDateTime, nullable=True),  # when the sync that settled it started
    Index(None, "done_at", "team"),
)

# What write-back saw in the documents (revision 0015): the key the item's document
# named, and whether it marked the item done while its issue was done. Once seen, a key or mark
# a person removes is not written again (``syncd.reconcile.write_back_plan``).
write_back_seen = Table(
    "write_back_seen",
    metadata,
    Column("team", String, primary_key=True),
    Column("item_id", String, primary_key=True),
    Column("key", String, nullable=True),
    Column("done", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
