"""``syncd digest``: build a team's digest for the current schedule slot, preview or post it."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from rich.console import Console

from syncd import plugins
from syncd.config.blocks import ChannelConfig
from syncd.config.loader import LoadedTeam
from syncd.cycle.digest_inputs import current_slot, digest_inputs
from syncd.digest import Digest, build_digest, digest_as_json, render_text
from syncd.notifier import NotifierContext, PostResult
from syncd.output.failure_streaks import FailureKey
from syncd.output.logs import get_logger, log_failure
from syncd.store import StateStore

# Formats a dry run previews besides the installed notifiers' payloads.
TEXT, JSON = "text", "json"


def digest_formats() -> tuple[str, ...]:
    """What ``syncd digest --dry-run --format`` accepts: text, json, or a notifier's type."""
    return (TEXT, *plugins.available("notifier"), JSON)


def render_payload(channel_type: str, digest: Digest) -> Mapping[str, Any]:
    """The digest as a channel of this type receives it; the JSON model for ``json``, and for a
    notifier that renders nothing of its own."""
    if channel_type == JSON:
        return digest_as_json(digest)
    render = getattr(plugins.connector_class("notifier", channel_type), "render", None)
    payload: Mapping[str, Any] = digest_as_json(digest) if render is None else render(digest)
    return payload


def team_digest(
    team: LoadedTeam, store: StateStore, *, now: datetime, since: datetime | None
) -> Digest:
    inputs = digest_inputs(team, store)
    return build_digest(
        team.config.team,
        inputs.items,
        inputs.postmortems,
        inputs.policy,
        now,
        since,
        link_base=team.config.digest.link,
        chat_ids=inputs.chat_ids,
        source_warnings=inputs.source_warnings,
    )


def preview_digest(team: LoadedTeam, store: StateStore, *, now: datetime, fmt: str) -> str:
    """The digest as text, or as one channel's payload, without posting or recording anything."""
    digest = team_digest(team, store, now=now, since=None)
    if fmt == TEXT:
        return render_text(digest)
    return json.dumps(render_payload(fmt, digest), indent=2, ensure_ascii=False) + "\n"


DIGEST_LEASE = timedelta(minutes=10)  # a replica that dies mid-post frees the slot after this


def post_digests(
    team: LoadedTeam,
    store: StateStore,
    *,
    now: datetime,
    force: bool,
    console: Console,
    replica: str | None = None,
    context_extras: Mapping[str, Any] | None = None,
) -> bool:
    """Post this slot's digest to each channel not yet served; True when nothing failed.

    Each (team, slot, channel) is claimed in the state store first, so a rerun, a restart or a
    second replica never posts it again; a failed post is recorded and retried on the next run.
    """
    name = team.config.team
    log = get_logger(team=name)
    slot = current_slot(team.config.digest.schedule, team.config.timezone, now)
    channels = team.config.digest.channels
    if not channels:
        console.print(f"{name}: no digest channels configured; nothing to post")
        return True
    ok = True
    replica = replica or f"{socket.gethostname()}:{os.getpid()}"
    context = NotifierContext(team=name, **dict(context_extras or {}))
    for index, channel in enumerate(channels):
        key = f"{channel.type}:{index}"
        claimed = store.claim_digest_post(
            name, slot, key, replica=replica, at=now, lease=DIGEST_LEASE
        )
        if not claimed and not force:
            console.print(f"{name}: {key}: the digest of {slot.isoformat()} was already posted")
            continue
        digest = team_digest(team, store, now=now, since=store.last_posted_slot(name, key))
        payload = render_payload(channel.type, digest)
        result = _post_to(channel, context, payload)
        if result.ok:
            if claimed:
                store.mark_digest_posted(name, slot, key, at=now)
            console.print(f"{name}: {key}: digest of {slot.isoformat()} posted")
            log.info("digest.posted", channel=key, slot=slot.isoformat())
            continue
        ok = False
        message = result.message or f"HTTP {result.status}"
        if claimed:
            # An ambiguous post (sent, outcome unknown) is also marked failed: a rare duplicate
            # digest is better than a lost one.
            store.mark_digest_failed(name, slot, key, at=now, error=message)
        console.print(f"[red]{name}: {key}: posting failed:[/] {message}")
        log_failure(
            log,
            FailureKey("digest", key),
            "digest.post_failed",
            error=message,
            channel=key,
            slot=slot.isoformat(),
        )
    return ok


def _post_to(
    channel: ChannelConfig, context: NotifierContext, payload: Mapping[str, Any]
) -> PostResult:
    """One post, through a notifier opened for it alone."""
    notifier = plugins.connector_class("notifier", channel.type)(channel.settings, context)
    try:
        result: PostResult = notifier.post(payload)
    finally:
        notifier.close()
    return result
