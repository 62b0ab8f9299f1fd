"""A source whose mass removal the guard holds is told first under "needs attention", in every
rendering, whatever else the digest holds (``syncd.cycle.removal_guard``)."""

from __future__ import annotations

import json

from connectors.discord import render_discord
from connectors.mattermost import render_mattermost
from connectors.msteams import render_teams
from connectors.slack import render_slack
from syncd.digest import (
    build_digest,
    digest_as_json,
    render_text,
)
from tests.digest.team_fixture import (
    CHAT_IDS,
    LAST_DIGEST,
    LINK_BASE,
    NOW,
    POLICY,
    POSTMORTEMS,
    team_items,
)

WARNING = (
    "source pm returned 0 of the 12 documents it had last time; their items are kept, not "
    "orphaned. If the documents were really removed, run `syncd sync --team payments "
    "--confirm-removal pm`; else it is accepted if the next 2 syncs find them missing too"
)


def test_a_held_source_alone_makes_a_digest_with_only_that_to_say() -> None:
    digest = build_digest("payments", [], [], POLICY, NOW, LAST_DIGEST, LINK_BASE, {}, [WARNING])
    assert not digest.quiet
    text = render_text(digest)
    assert f"Needs attention (1)\n  \u26a0 {WARNING}\n" in text
    assert digest_as_json(digest)["held_sources"] == [WARNING]
    quiet = build_digest("payments", [], [], POLICY, NOW, LAST_DIGEST, LINK_BASE, {})
    assert quiet.quiet and digest_as_json(quiet)["held_sources"] == []


def test_the_warning_comes_first_and_is_in_every_rendering() -> None:
    digest = build_digest(
        "payments",
        team_items(),
        POSTMORTEMS,
        POLICY,
        NOW,
        LAST_DIGEST,
        LINK_BASE,
        CHAT_IDS,
        [WARNING],
    )
    attention = render_text(digest).split("Needs attention (", 1)[1]
    assert attention.splitlines()[1] == f"  \u26a0 {WARNING}"
    for render in (render_slack, render_teams, render_mattermost, render_discord):
        payload = json.dumps(render(digest), ensure_ascii=False)
        assert "source pm returned 0 of the 12 documents it had last time" in payload, render
        assert "--confirm-removal pm" in payload, render
