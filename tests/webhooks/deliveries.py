"""Webhook bodies as GitHub, Jira and a CI job send them (the fields syncd reads, and some
it ignores), and signed requests to a running service."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any

from syncd.webhooks.verify import signature_of


def github_issue_event(repo: str, *, sender: str = "alice-gh", action: str = "edited") -> bytes:
    owner, name = repo.split("/")
    return _json(
        {
            "action": action,
            "issue": {"number": 7, "title": "Alert on checkout 5xx", "state": "open"},
            "repository": {
                "full_name": repo,
                "name": name,
                "owner": {"login": owner},
                "clone_url": f"https://github.com/{repo}.git",
            },
            "sender": {"login": sender, "type": "User"},
        }
    )


def github_push_event(repo: str, *, branch: str = "main", sender: str = "alice-gh") -> bytes:
    return _json(
        {
            "ref": f"refs/heads/{branch}",
            "before": "0" * 40,
            "after": "1" * 40,
            "repository": {
                "full_name": repo,
                "clone_url": f"https://github.com/{repo}.git",
                "ssh_url": f"git@github.com:{repo}.git",
                "git_url": f"git://github.com/{repo}.git",
                "html_url": f"https://github.com/{repo}",
            },
            "pusher": {"name": sender},
            "sender": {"login": sender},
            "commits": [{"id": "1" * 40, "message": "Add postmortem"}],
        }
    )


def jira_issue_event(
    site: str,
    key: str,
    *,
    event: str = "jira:issue_updated",
    account: str = "5b10ac8d82e05b22cc7d4ef5",
) -> bytes:
    return _json(
        {
            "timestamp": 1764790000000,
            "webhookEvent": event,
            "issue_event_type_name": "issue_generic",
            "user": {"accountId": account, "displayName": "Alice"},
            "issue": {
                "id": "10001",
                "self": f"{site}/rest/api/2/issue/10001",
                "key": key,
                "fields": {"project": {"key": key.split("-")[0]}, "summary": "Alert"},
            },
            "changelog": {"items": [{"field": "status", "toString": "Done"}]},
        }
    )


def generic_event(team: str) -> bytes:
    return _json({"team": team})


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value).encode()


def post(
    port: int, path: str, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """Status and body of a POST on loopback."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status), bytes(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def status_of_headers_only(port: int, path: str, content_length: int) -> int:
    """Send a POST's headers announcing ``content_length`` bytes, and no body: the status the
    server answers before reading it (a server that read first would wait, and time out)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Length: {content_length}\r\n\r\n".encode()
        )
        status_line = sock.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def github_headers(secret: str, body: bytes, *, event: str, delivery: str) -> dict[str, str]:
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature_of(secret, body),
        "User-Agent": "GitHub-Hookshot/abc123",
    }


def generic_headers(secret: str, body: bytes, *, delivery: str | None = None) -> dict[str, str]:
    headers = {"X-Syncd-Signature-256": signature_of(secret, body)}
    if delivery is not None:
        headers["X-Syncd-Delivery"] = delivery
    return headers
