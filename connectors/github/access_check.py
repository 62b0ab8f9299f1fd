"""``check --online``: that ``api_url`` is a GitHub API, the token, and what it may do in the
team's repository."""

from __future__ import annotations

from collections.abc import Mapping

from connectors.github import answers
from connectors.github.connection import GitHubConnection, content_type, is_github_answer
from connectors.github.repository import in_repository


def check_access(connection: GitHubConnection, api_url: str, repo: str) -> str:
    server = _github_api(connection, api_url)
    path = f"/repos/{repo}"
    found = in_repository(
        api_url, repo, lambda: connection.get(path, expect=answers.repository)
    ).data
    permissions = found.get("permissions") or {}
    allowed = [p for p in ("admin", "maintain", "push", "triage", "pull") if permissions.get(p)]
    if not (permissions.get("push") or permissions.get("triage")):
        return (
            f"{server}; {repo} visible, but the token may only "
            f"{', '.join(allowed) or 'read'}: GitHub will silently drop assignees, labels "
            "and milestones"
        )
    return f"{server}; {repo} visible; the token may {', '.join(allowed)}"


def _github_api(connection: GitHubConnection, api_url: str) -> str:
    """Ask ``GET /meta`` whether ``api_url`` is a GitHub API; which one, in words."""
    meta = connection.answer("GET", "/meta", expect=answers.meta)
    data = meta.data if isinstance(meta.data, Mapping) else {}
    if not is_github_answer(meta) and "verifiable_password_authentication" not in data:
        raise connection.not_github(
            "GET",
            "/meta",
            meta.status,
            "its answer has no X-GitHub-Media-Type header, and is not GitHub's meta "
            f"document ({content_type(meta.headers)})",
        )
    if meta.status >= 400:
        connection.request("GET", "/meta")  # raises the refusal (a bad token: 401)
    version = data.get("installed_version")
    kind = f"GitHub Enterprise Server {version}" if version else "GitHub"
    return f"{kind} API at {api_url}"
