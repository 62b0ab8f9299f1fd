"""Untrusted text can mention nobody, open no formatting and disguise no link, in any channel.

Titles, postmortem titles, owners as written, tracker errors and URLs below are hostile. Each
rendering's payload is parsed the way the channel would read it, and every mention and link
found must be one syncd itself put there: an owner from the people map, an issue or postmortem
URL that passed the URL check, the "see all" link.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest

from connectors.discord import render_discord
from connectors.mattermost import render_mattermost
from connectors.msteams import render_teams
from connectors.slack import render_slack
from syncd.digest import (
    Digest,
    build_digest,
    digest_as_json,
    render_text,
)
from syncd.judge import ItemState
from syncd.model import CoOwner, Owner, TrackerAssignee
from tests.digest.digest_support import markdown_links, strings
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

HOSTILE = [
    "<!channel> deploy the fix now",
    "<!here|here> and <!everyone>",
    "ping <@U999EVIL1> and <!subteam^S0123|@oncall>",
    "see <#C0123ABCD> and <http://evil.example|your bank>",
    "@everyone @here look at this",
    "<@999999999999999999> <@!999999999999999999> <@&888888888888888888> <#777777777777777777>",
    "<at>Chief Executive</at> please approve",
    "[https://bank.example](https://evil.example/login) now",
    "**bold** _italic_ ~~struck~~ `code` > quote ||spoiler||",
    "line one\n# heading\n- list item\n> quote",
    "@channel @all @alice @bob",
    "\u202eevil reversed\u202c and a\x1b[2Jterminal clear",
    "![image](https://evil.example/pixel.png)",
    "[label]\u200b(https://evil.example/zwsp)",
]
SAFE_URLS = {LINK_BASE}
BAD_URLS = ("evil.example", "javascript:")


def _hostile_digest() -> Digest:
    pm = replace(
        postmortem(
            "hostile",
            "<!channel> [Bank](https://evil.example) @everyone",
            NOW.date() - timedelta(days=60),
        ),
        url="https://bank.example@evil.example/pm",
    )
    states: list[ItemState] = []
    for n, title in enumerate(HOSTILE):
        due = NOW.date() + timedelta(days=[-3, 2, 30][n % 3])
        action = item(title, pm, owner="alice" if n % 2 else None, due=due)
        if n % 2 == 0:
            action = replace(
                action, owner=Owner(written=HOSTILE[(n + 1) % len(HOSTILE)], person=None)
            )
        else:  # co-owners as written are shown beside a mention of the assignee
            co_owner = CoOwner(HOSTILE[(n + 4) % len(HOSTILE)], None)
            action = replace(action, owner=replace(action.owner, co_owners=(co_owner,)))
        kwargs: dict[str, object] = {}
        if n % 3 == 1:  # reassigned in the tracker to a user whose name is hostile
            name = HOSTILE[(n + 3) % len(HOSTILE)]
            kwargs["tracker_assignee"] = TrackerAssignee(f"user-{n}", name, None)
        if n % 3 == 2:
            kwargs["last_activity"] = days_ago(40)
        if n % 4 == 0:
            kwargs["sync_error"] = HOSTILE[(n + 2) % len(HOSTILE)]
        if n % 5 == 0:
            kwargs.update(tracker_done=True, done_at=days_ago(1))
        s = state(action, key=f"PAY-{n + 1}", **kwargs)
        if n % 4 == 1:
            s = replace(s, issue_url="javascript:alert(document.cookie)")
        if n == 3:
            s = replace(
                s, issue_key="<!channel>", issue_url="https://jira.example.com/browse/x|y>z"
            )
        states.append(s)
    digest = build_digest("payments", states, [pm], POLICY, NOW, LAST_DIGEST, LINK_BASE, CHAT_IDS)
    assert digest.done_since and digest.overdue and digest.due_soon and digest.stale
    assert digest.attention and digest.reviews
    owners = [e.owner for e in digest.attention + digest.due_soon + digest.stale if e.owner]
    owners += [e.owner for g in digest.overdue for e in g.entries if e.owner]
    assert any(o.reassigned for o in owners) and any(o.co_owners for o in owners)
    return digest


def _allowed_urls(digest: Digest) -> set[str]:
    urls = set(SAFE_URLS) | {"https://jira.example.com/browse/x%7Cy%3Ez"}
    for n in range(1, len(HOSTILE) + 1):
        urls.add(f"https://jira.example.com/browse/PAY-{n}")
    return urls


DIGEST = _hostile_digest()
ALLOWED_URLS = _allowed_urls(DIGEST)


def _no_bad_url(text: str) -> None:
    for bad in BAD_URLS:
        for _label, url in markdown_links(text):
            assert bad not in url, (_label, url)


def test_slack_has_only_syncds_mentions_and_links() -> None:
    payload = render_slack(DIGEST)
    allowed_members = {ids["slack"] for ids in CHAT_IDS.values() if "slack" in ids}
    mentioned = set()
    for text in strings(payload):
        for token in re.findall(r"<([^<>]*)>", text):
            if token.startswith("@"):
                assert token[1:] in allowed_members, token
                mentioned.add(token[1:])
            else:
                url, _, label = token.partition("|")
                assert url.replace("&amp;", "&") in ALLOWED_URLS, token
                assert "<" not in label and ">" not in label
        assert "<!" not in text and "\n#" not in text
        assert not any(ch in text for ch in "`~"), text  # user text's formatting neutralised
        for line in text.split("\n"):
            assert line.count("*") % 2 == 0, line  # only syncd's own bold pairs
    assert mentioned == {"U012ABCDEF"}


def test_discord_pings_nobody_but_syncds_users_and_shows_no_masked_user_link() -> None:
    payload = render_discord(DIGEST)
    allowed = {ids["discord"] for ids in CHAT_IDS.values() if "discord" in ids}
    assert payload["allowed_mentions"]["parse"] == []
    assert set(payload["allowed_mentions"]["users"]) <= allowed
    for text in strings(payload):
        assert "@everyone" not in text and "@here" not in text
        for kind, ident in re.findall(r"<(@!?|@&|#|/)(\w[^>]*)>", text):
            assert kind == "@" and ident in allowed, (kind, ident)
        for _label, url in markdown_links(text):
            assert url in ALLOWED_URLS or url.startswith("https://git.example.com/"), url
        _no_bad_url(text)
    assert "\u202e" not in json.dumps(payload) and "\x1b" not in json.dumps(payload)


def test_teams_has_no_at_from_user_text_and_no_disguised_links() -> None:
    payload = render_teams(DIGEST)
    content = payload["attachments"][0]["content"]
    entities = {e["text"]: e["mentioned"]["id"] for e in content["msteams"].get("entities", [])}
    allowed = {ids["teams"] for ids in CHAT_IDS.values() if "teams" in ids}
    assert set(entities.values()) <= allowed and entities
    for text in strings(content["body"]):
        for tag in re.findall(r"<at>.*?</at>", text, flags=re.IGNORECASE | re.DOTALL):
            assert tag in entities, tag
        opened = len(re.findall(r"<\s*at\b", text, flags=re.IGNORECASE))
        assert opened == sum(text.count(tag) for tag in entities), text
        for _label, url in markdown_links(text):
            assert url in ALLOWED_URLS or url.startswith("https://git.example.com/"), url
        # even a renderer that ignores backslashes finds no other "](": a zero-width space
        # sits between a user's "]" and "("
        for url in re.findall(r"\]\(([^)]*)\)", text):
            assert url in ALLOWED_URLS or url.startswith("https://git.example.com/"), url
        _no_bad_url(text)


def test_mattermost_mentions_only_syncds_usernames() -> None:
    payload = render_mattermost(DIGEST)
    allowed = {ids["mattermost"] for ids in CHAT_IDS.values() if "mattermost" in ids}
    for text in strings(payload):
        assert "<" not in text and ">" not in text  # Slack-style <!channel>, <url|x>, <userid>
        for name in re.findall(r"(?<![\w@])@([A-Za-z0-9._-]+)", text):
            assert name in allowed, name
        for _label, url in markdown_links(text):
            assert url in ALLOWED_URLS or url.startswith("https://git.example.com/"), url
        _no_bad_url(text)


def test_text_for_the_terminal_has_no_control_or_direction_characters() -> None:
    text = render_text(DIGEST)
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text)
    assert "\u202e" not in text and "\u202c" not in text
    # every line is syncd's: no user text starts a line of its own
    assert "\n# heading" not in text and "\n- list item" not in text
    assert "javascript:" not in text


def test_json_keeps_text_as_written_and_leaves_out_chat_ids() -> None:
    data = digest_as_json(DIGEST)
    encoded = json.dumps(data)
    assert json.loads(encoded) == data
    titles = {e["title"] for group in data["overdue"] for e in group["items"]}
    assert titles <= set(HOSTILE) and titles
    assert "U012ABCDEF" not in encoded and "chat_ids" not in encoded


@pytest.mark.parametrize(
    "render", [render_slack, render_teams, render_mattermost, render_discord, render_text]
)
def test_a_hostile_postmortem_link_is_not_a_link(render: object) -> None:
    out = json.dumps(render(DIGEST))  # type: ignore[operator]
    assert "bank.example@evil.example" not in out.replace("\\u200b", "")


# --- bare mentions, channel by channel ---------------------------------------------------------

# What each channel reads as a mention in text it parses, whatever syncd escapes around it.
_BARE = {
    "slack": re.compile(r"(?<![\w\u200b])@(here|channel|everyone)\b|<[!@]"),
    "mattermost": re.compile(r"(?<![\w\u200b])@(all|channel|here|everyone)\b|<[!@]"),
    "discord": re.compile(r"(?<![\w\u200b])@(everyone|here)\b"),
    "teams": re.compile(r"<\s*at\b", re.IGNORECASE),
}


def _objects(payload: object) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    if isinstance(payload, dict):
        found.append(payload)
        for value in payload.values():
            found += _objects(value)
    elif isinstance(payload, list):
        for value in payload:
            found += _objects(value)
    return found


def test_every_slack_text_object_is_verbatim_and_mentions_nobody() -> None:
    payload = render_slack(DIGEST)
    texts = [o for o in _objects(payload) if o.get("type") in ("mrkdwn", "plain_text")]
    mrkdwn = [o for o in texts if o["type"] == "mrkdwn"]
    assert len(mrkdwn) > 5
    assert all(o.get("verbatim") is True for o in mrkdwn), mrkdwn
    everything = [payload["text"], *(str(o["text"]) for o in texts)]
    hostile = [text for text in everything if _BARE["slack"].search(text.replace("<@U012", ""))]
    assert hostile == []
    # the hostile text is still there for a person to read, mentions broken by a zero-width space
    assert any("@\u200beveryone @\u200bhere" in text for text in everything)


@pytest.mark.parametrize(
    ("channel", "render"),
    [("slack", render_slack), ("mattermost", render_mattermost), ("discord", render_discord)],
)
@pytest.mark.parametrize(
    "mention", ["@here", "@channel", "@everyone", "@all", "<!here>", "<@U0BADBAD1>", "<!channel>"]
)
def test_a_bare_mention_anywhere_mentions_nobody(
    channel: str, render: object, mention: str
) -> None:
    digest = _digest_titled(f"{mention} fix the failover {mention}", owner=mention)
    payload = render(digest)  # type: ignore[operator]
    for text in strings(payload):
        if channel == "slack":
            text = text.replace("<@U012ABCDEF>", "")  # the one person syncd itself mentions
        if channel == "discord":
            text = re.sub(r"<@\d+>", "", text)  # syncd's own, listed in allowed_mentions
        assert not _BARE[channel].search(text), (mention, text)


def test_teams_bare_at_tags_in_every_text_block_are_broken() -> None:
    digest = _digest_titled("<at>Chief Executive</at> < at >x</at> <AT>y</AT>", owner="<at>z</at>")
    content = render_teams(digest)["attachments"][0]["content"]
    entities = {e["text"] for e in content["msteams"].get("entities", [])}
    for text in strings(content["body"]):
        for tag in entities:
            text = text.replace(tag, "")
        assert not _BARE["teams"].search(text), text


def _digest_titled(title: str, owner: str) -> Digest:
    pm = postmortem("hostile", title, NOW.date() - timedelta(days=60))
    states = []
    for n, due_days in enumerate((-3, 2, 30)):
        due = NOW.date() + timedelta(days=due_days)
        action = item(f"{title} {n}", pm, owner="alice" if n == 1 else None, due=due)
        if n != 1:
            action = replace(action, owner=Owner(written=owner, person=None))
        states.append(state(action, key=f"PAY-{n + 1}", sync_error=title))
    return build_digest("payments", states, [pm], POLICY, NOW, LAST_DIGEST, LINK_BASE, CHAT_IDS)
