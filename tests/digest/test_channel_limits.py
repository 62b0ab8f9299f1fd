"""Every rendering keeps to its channel's documented limits; a digest too large for them is
shortened by whole items with "and N more" and a link, never cut inside an item or markup."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from connectors.discord import DiscordLimits, render_discord
from connectors.mattermost import render_mattermost
from connectors.msteams import render_teams
from connectors.slack import SlackLimits, render_slack
from syncd.digest import (
    Digest,
    DigestTooLarge,
    build_digest,
    render_text,
)
from syncd.judge import ItemState
from tests.digest.digest_support import markdown_links, strings, team_digest
from tests.digest.team_fixture import (
    CHAT_IDS,
    LAST_DIGEST,
    LINK_BASE,
    NOW,
    POLICY,
    days_ago,
    item,
    postmortem,
    state,
)

# Slack's documented limits: 50 blocks a message; section text 3,000 characters; header text
# 150; a section's fields at most 10 of 2,000 characters each; context elements at most 10.
SLACK_MAX_BLOCKS = 50
SLACK_SECTION_TEXT = 3000
SLACK_HEADER_TEXT = 150
SLACK_MAX_FIELDS = 10
SLACK_FIELD_TEXT = 2000
SLACK_CONTEXT_ELEMENTS = 10


def _big_digest(count: int = 500) -> Digest:
    """``count`` items over 40 postmortems, a quarter each overdue, due soon, stale, done."""
    pms = [
        postmortem(
            f"pm{n}",
            f"Incident number {n} in the payments API",
            date(2025, 10, 1) + timedelta(days=2 * n),
        )
        for n in range(40)
    ]
    states: list[ItemState] = []
    for n in range(count):
        kind = n % 4
        due = NOW.date() + timedelta(days=(-5, 3, 40, 40)[kind])
        action = item(
            f"Add a dedicated alert for failure mode {n} of the settlement-batch job "
            f"with a runbook link",
            pms[n % 40],
            owner=("alice", "bob", "carol")[n % 3],
            due=due,
            item_id=f"big{n:04d}",
        )
        extra: dict[str, object] = {}
        if kind == 2:
            extra["last_activity"] = days_ago(30)
        if kind == 3:
            extra.update(tracker_done=True, done_at=days_ago(1))
        states.append(state(action, key=f"PAY-{1000 + n}", **extra))
    return build_digest("payments", states, pms, POLICY, NOW, LAST_DIGEST, LINK_BASE, CHAT_IDS)


BIG = _big_digest()


def _slack_within_documented_limits(payload: dict) -> None:  # type: ignore[type-arg]
    blocks = payload["blocks"]
    assert 0 < len(blocks) <= SLACK_MAX_BLOCKS
    assert isinstance(payload["text"], str) and payload["text"]
    for block in blocks:
        assert block["type"] in {"header", "section", "divider", "context"}
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text"
            assert 0 < len(block["text"]["text"]) <= SLACK_HEADER_TEXT
        elif block["type"] == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                assert block["text"]["type"] == "mrkdwn"
                assert 0 < len(block["text"]["text"]) <= SLACK_SECTION_TEXT
            fields = block.get("fields", [])
            assert len(fields) <= SLACK_MAX_FIELDS
            assert all(0 < len(f["text"]) <= SLACK_FIELD_TEXT for f in fields)
        elif block["type"] == "context":
            assert 0 < len(block["elements"]) <= SLACK_CONTEXT_ELEMENTS


def test_the_realistic_team_fits_slack_whole() -> None:
    payload = render_slack(team_digest())
    _slack_within_documented_limits(payload)
    assert not re.search(r"and \d+ more", json.dumps(payload))


def test_500_items_fit_slack_with_and_n_more_and_a_link() -> None:
    payload = render_slack(BIG)
    _slack_within_documented_limits(payload)
    texts = [b["text"]["text"] for b in payload["blocks"] if "text" in b and b["type"] == "section"]
    more = [line for t in texts for line in t.split("\n") if re.search(r"and \d+ more", line)]
    assert len(more) == 5  # done, overdue, due soon, stale, reviews
    for line in more:
        assert re.fullmatch(rf"\u2026 and \d+ more \u2014 <{re.escape(LINK_BASE)}\|see all>", line)
    hidden = sum(int(re.search(r"and (\d+) more", line).group(1)) for line in more)  # type: ignore[union-attr]
    shown = sum(
        1
        for t in texts
        for line in t.split("\n")
        if line.startswith(("\u2022", "\u2713", "\u26a0"))
    )
    assert shown + hidden == 500 + len(BIG.reviews) and shown > 0


def _item_lines_complete(lines: list[str]) -> None:
    """Every item line shown ends with its issue key, so none was cut."""
    for line in lines:
        if line.startswith(("\u2022", "\u2713")):
            assert re.search(r"PAY-1\d{3}(\]\([^)]+\)|>)?$", line), line


def test_500_items_never_cut_mid_item_in_any_channel() -> None:
    slack = render_slack(BIG)
    _item_lines_complete([ln for t in strings(slack["blocks"]) for ln in t.split("\n")])
    teams = render_teams(BIG)
    body = teams["attachments"][0]["content"]["body"]
    _item_lines_complete([b["text"] for b in body if b["type"] == "TextBlock"])
    for payload in (render_mattermost(BIG), render_discord(BIG)):
        _item_lines_complete([ln for t in strings(payload) for ln in t.split("\n")])


def test_500_items_fit_teams() -> None:
    payload = render_teams(BIG)
    size = len(json.dumps(payload, ensure_ascii=False).encode())
    assert size <= 28_000
    text = json.dumps(payload, ensure_ascii=False)
    assert "and " in text and f"[see all]({LINK_BASE})" in text
    # every <at> has its entity, no more and no fewer
    content = payload["attachments"][0]["content"]
    tags = {t for s in strings(content["body"]) for t in re.findall(r"<at>[^<]+</at>", s)}
    assert tags == {e["text"] for e in content["msteams"]["entities"]}


def test_500_items_fit_mattermost() -> None:
    payload = render_mattermost(BIG)
    size = len(payload["text"]) + sum(
        len(a.get(k, "")) for a in payload["attachments"] for k in ("fallback", "title", "text")
    )
    assert size <= 16_383
    assert any(("see all", LINK_BASE) in markdown_links(a["text"]) for a in payload["attachments"])


def test_500_items_fit_discord() -> None:
    payload = render_discord(BIG)
    embeds = payload["embeds"]
    assert len(payload["content"]) <= 2000 and len(embeds) <= 10
    assert all(len(e["title"]) <= 256 and len(e["description"]) <= 4096 for e in embeds)
    total = sum(
        len(e["title"]) + len(e["description"]) + len(e.get("footer", {}).get("text", ""))
        for e in embeds
    )
    assert total <= 6000
    assert any(("see all", LINK_BASE) in markdown_links(e["description"]) for e in embeds)
    users = payload["allowed_mentions"]["users"]
    mentioned = {m for e in embeds for m in re.findall(r"<@(\d+)>", e["description"])}
    assert set(users) == mentioned


def test_without_a_link_base_more_says_how_many() -> None:
    payload = render_slack(replace(_big_digest(200), link_base=None))
    lines = [
        ln
        for t in strings(payload["blocks"])
        for ln in t.split("\n")
        if re.search(r"and \d+ more", ln)
    ]
    assert lines and all(re.fullmatch(r"\u2026 and \d+ more", ln) for ln in lines)


def test_smaller_limits_show_fewer_items() -> None:
    wide = render_slack(BIG)
    narrow = render_slack(BIG, SlackLimits(max_blocks=14))
    assert len(narrow["blocks"]) <= 14
    assert len(json.dumps(narrow)) < len(json.dumps(wide))


def test_limits_that_cannot_be_met_are_an_error_not_a_cut() -> None:
    with pytest.raises(DigestTooLarge):
        render_discord(BIG, DiscordLimits(embeds_total=50))


def test_text_for_the_terminal_lists_everything() -> None:
    text = render_text(BIG)
    assert not re.search(r"and \d+ more", text)
    assert (
        sum(1 for line in text.splitlines() if line.lstrip().startswith(("\u2022", "\u2713")))
        == 500
    )
