"""JSON shapes of the fake GitHub, as the REST API (GitHub Enterprise Server layout) answers.

The API lives under `<root>/api/v3`, web pages under `<root>`; every `url` field points back at
the fake, so PyGithub's lazy completion and pagination follow them to the same server.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any
from urllib.parse import quote

from tests.fakes.github.state import Comment, Issue, Label, Milestone, Repo, User, can

UTC = dt.UTC


def github_time(when: dt.datetime | None) -> str | None:
    """GitHub's timestamps: UTC, whole seconds, a `Z`."""
    if when is None:
        return None
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def due_on_time(day: dt.date | None) -> str | None:
    """A milestone keeps only the date of `due_on`; GitHub answers it at a fixed hour of that
    day, not the time that was sent, so a client must compare dates, not timestamps."""
    if day is None:
        return None
    return f"{day.isoformat()}T07:00:00Z"


def _node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0:{kind}{number}".encode()).decode()


class Renderer:
    def __init__(self, root: str) -> None:
        self.root = root.rstrip("/")
        self.api = f"{self.root}/api/v3"

    # --- people ---------------------------------------------------------------------------------

    def simple_user(self, user: User | None) -> dict[str, Any] | None:
        if user is None:
            return None
        api = f"{self.api}/users/{user.login}"
        return {
            "login": user.login,
            "id": user.id,
            "node_id": _node_id("User", user.id),
            "avatar_url": f"{self.root}/avatars/u/{user.id}",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{self.root}/{user.login}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": user.type,
            "site_admin": False,
            "user_view_type": "public",
        }

    def private_user(self, user: User) -> dict[str, Any]:
        """`GET /user`: the token's own account, with the private counters."""
        out = self.simple_user(user)
        assert out is not None
        out.update(
            {
                "user_view_type": "private",
                "name": user.name,
                "company": None,
                "blog": "",
                "location": None,
                "email": user.email,
                "hireable": None,
                "bio": None,
                "twitter_username": None,
                "public_repos": 0,
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "created_at": github_time(user.created),
                "updated_at": github_time(user.created),
                "private_gists": 0,
                "total_private_repos": 1,
                "owned_private_repos": 0,
                "disk_usage": 0,
                "collaborators": 0,
                "two_factor_authentication": True,
            }
        )
        return out

    # --- repository -----------------------------------------------------------------------------

    def repo(self, repo: Repo, permission: str) -> dict[str, Any]:
        api = f"{self.api}/repos/{repo.full_name}"
        html = f"{self.root}/{repo.full_name}"
        open_count = sum(1 for i in repo.issues.values() if i.state == "open")
        created = github_time(repo.created)
        templated = {
            "archive_url": "/{archive_format}{/ref}",
            "assignees_url": "/assignees{/user}",
            "blobs_url": "/git/blobs{/sha}",
            "branches_url": "/branches{/branch}",
            "collaborators_url": "/collaborators{/collaborator}",
            "comments_url": "/comments{/number}",
            "commits_url": "/commits{/sha}",
            "compare_url": "/compare/{base}...{head}",
            "contents_url": "/contents/{+path}",
            "git_commits_url": "/git/commits{/sha}",
            "git_refs_url": "/git/refs{/sha}",
            "git_tags_url": "/git/tags{/sha}",
            "issue_comment_url": "/issues/comments{/number}",
            "issue_events_url": "/issues/events{/number}",
            "issues_url": "/issues{/number}",
            "keys_url": "/keys{/key_id}",
            "labels_url": "/labels{/name}",
            "milestones_url": "/milestones{/number}",
            "notifications_url": "/notifications{?since,all,participating}",
            "pulls_url": "/pulls{/number}",
            "releases_url": "/releases{/id}",
            "statuses_url": "/statuses/{sha}",
            "trees_url": "/git/trees{/sha}",
        }
        plain = (
            "contributors",
            "deployments",
            "downloads",
            "events",
            "forks",
            "hooks",
            "languages",
            "merges",
            "stargazers",
            "subscribers",
            "subscription",
            "tags",
            "teams",
        )
        out: dict[str, Any] = {
            "id": repo.id,
            "node_id": _node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": self.simple_user(repo.owner),
            "private": repo.private,
            "visibility": "private" if repo.private else "public",
            "html_url": html,
            "description": repo.description,
            "fork": False,
            "url": api,
            **{key: api + suffix for key, suffix in templated.items()},
            **{f"{name}_url": f"{api}/{name}" for name in plain},
            "clone_url": f"{html}.git",
            "git_url": f"git://{html.split('://', 1)[1]}.git",
            "ssh_url": f"git@{html.split('://', 1)[1].split('/', 1)[0]}:{repo.full_name}.git",
            "svn_url": html,
            "mirror_url": None,
            "homepage": None,
            "language": None,
            "default_branch": repo.default_branch,
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers": 0,
            "watchers_count": 0,
            "size": 0,
            "open_issues": open_count,
            "open_issues_count": open_count,
            "has_issues": True,
            "has_projects": True,
            "has_wiki": False,
            "has_pages": False,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "license": None,
            "pushed_at": created,
            "created_at": created,
            "updated_at": created,
            "network_count": 0,
            "subscribers_count": len(repo.collaborators),
            "permissions": {
                "admin": can(permission, "admin"),
                "maintain": can(permission, "maintain"),
                "push": can(permission, "write"),
                "triage": can(permission, "triage"),
                "pull": True,
            },
        }
        return out

    # --- labels, milestones, comments -------------------------------------------------------

    def label(self, repo: Repo, label: Label) -> dict[str, Any]:
        return {
            "id": label.id,
            "node_id": _node_id("Label", label.id),
            "url": f"{self.api}/repos/{repo.full_name}/labels/{quote(label.name, safe='')}",
            "name": label.name,
            "description": label.description,
            "color": label.color,
            "default": label.default,
        }

    def milestone(self, repo: Repo, milestone: Milestone) -> dict[str, Any]:
        api = f"{self.api}/repos/{repo.full_name}/milestones/{milestone.number}"
        issues = [i for i in repo.issues.values() if i.milestone is milestone]
        return {
            "url": api,
            "html_url": f"{self.root}/{repo.full_name}/milestone/{milestone.number}",
            "labels_url": f"{api}/labels",
            "id": milestone.id,
            "node_id": _node_id("Milestone", milestone.id),
            "number": milestone.number,
            "state": milestone.state,
            "title": milestone.title,
            "description": milestone.description,
            "creator": self.simple_user(milestone.creator),
            "open_issues": sum(1 for i in issues if i.state == "open"),
            "closed_issues": sum(1 for i in issues if i.state == "closed"),
            "created_at": github_time(milestone.created),
            "updated_at": github_time(milestone.updated),
            "closed_at": github_time(milestone.closed),
            "due_on": due_on_time(milestone.due_on),
        }

    def comment(self, repo: Repo, issue: Issue, comment: Comment) -> dict[str, Any]:
        return {
            "id": comment.id,
            "node_id": _node_id("IssueComment", comment.id),
            "url": f"{self.api}/repos/{repo.full_name}/issues/comments/{comment.id}",
            "html_url": (
                f"{self.root}/{repo.full_name}/issues/{issue.number}#issuecomment-{comment.id}"
            ),
            "issue_url": f"{self.api}/repos/{repo.full_name}/issues/{issue.number}",
            "body": comment.body,
            "user": self.simple_user(comment.user),
            "created_at": github_time(comment.created),
            "updated_at": github_time(comment.updated),
            "author_association": "MEMBER",
        }

    # --- issues ---------------------------------------------------------------------------------

    def issue(self, repo: Repo, issue: Issue) -> dict[str, Any]:
        api = f"{self.api}/repos/{repo.full_name}/issues/{issue.number}"
        kind = "pull" if issue.is_pull_request else "issues"
        html = f"{self.root}/{repo.full_name}/{kind}/{issue.number}"
        out: dict[str, Any] = {
            "url": api,
            "repository_url": f"{self.api}/repos/{repo.full_name}",
            "labels_url": f"{api}/labels{{/name}}",
            "comments_url": f"{api}/comments",
            "events_url": f"{api}/events",
            "html_url": html,
            "timeline_url": f"{api}/timeline",
            "id": issue.id,
            "node_id": _node_id("Issue", issue.id),
            "number": issue.number,
            "title": issue.title,
            "user": self.simple_user(issue.user),
            "labels": [self.label(repo, label) for label in issue.labels],
            "state": issue.state,
            "state_reason": issue.state_reason,
            "locked": issue.locked,
            "active_lock_reason": None,
            "assignee": self.simple_user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.simple_user(u) for u in issue.assignees],
            "milestone": self.milestone(repo, issue.milestone) if issue.milestone else None,
            "comments": len(issue.comments),
            "created_at": github_time(issue.created),
            "updated_at": github_time(issue.updated),
            "closed_at": github_time(issue.closed),
            "closed_by": self.simple_user(issue.closed_by),
            "author_association": "MEMBER",
            "body": issue.body,
            "reactions": {
                "url": f"{api}/reactions",
                "total_count": 0,
                **dict.fromkeys(
                    ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"), 0
                ),
            },
        }
        if issue.is_pull_request:
            pull = f"{self.api}/repos/{repo.full_name}/pulls/{issue.number}"
            out["draft"] = False
            out["pull_request"] = {
                "url": pull,
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": None,
            }
        return out


def rate_limit_overview(limit: int, remaining: int, used: int, reset: int) -> dict[str, Any]:
    """`GET /rate_limit`: the core figures the fake tracks; the other resources untouched."""
    core = {"limit": limit, "remaining": remaining, "used": used, "reset": reset}
    idle = {"limit": 5000, "remaining": 5000, "used": 0, "reset": reset}
    search = {"limit": 30, "remaining": 30, "used": 0, "reset": reset}
    return {
        "resources": {
            "core": core,
            "graphql": idle,
            "search": search,
            "integration_manifest": idle,
            "code_search": {"limit": 10, "remaining": 10, "used": 0, "reset": reset},
        },
        "rate": core,
    }


def api_overview(enterprise_version: str | None) -> dict[str, Any]:
    """`GET /meta`: what github.com answers (addresses are the fake's loopback); an Enterprise
    Server adds its `installed_version`."""
    loopback = ["127.0.0.1/32"]
    body: dict[str, Any] = {
        "verifiable_password_authentication": enterprise_version is not None,
        "ssh_key_fingerprints": {"SHA256_ED25519": "fakeFingerprintOfTheFakeGitHubEd25519Key0"},
        "ssh_keys": ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyOfTheFakeGitHub"],
        "hooks": loopback,
        "web": loopback,
        "api": loopback,
        "git": loopback,
        "packages": loopback,
        "pages": loopback,
        "importer": loopback,
        "actions": loopback,
        "dependabot": loopback,
        "domains": {"website": ["127.0.0.1"]},
    }
    if enterprise_version is not None:
        body["installed_version"] = enterprise_version
    return body


def pull_request(render: Renderer, repo: Repo, issue: Issue, *, full: bool) -> dict[str, Any]:
    """A pull request as `GET /pulls` (`pull-request-simple`) or `POST /pulls` (`pull-request`,
    ``full``) show it; the fake keeps no commits, so its head's sha is a stand-in."""
    api = f"{render.api}/repos/{repo.full_name}"
    pull = f"{api}/pulls/{issue.number}"
    html = f"{render.root}/{repo.full_name}/pull/{issue.number}"
    shown_repo = {**render.repo(repo, "read"), "has_downloads": True}
    shown_repo.pop("permissions", None)

    def side(branch: str | None) -> dict[str, Any]:
        name = branch or ""
        return {
            "label": f"{repo.owner.login}:{name}",
            "ref": name,
            "repo": shown_repo,
            "sha": hashlib.sha1(name.encode()).hexdigest(),
            "user": render.simple_user(repo.owner),
        }

    statuses = f"{api}/statuses/{hashlib.sha1((issue.head or '').encode()).hexdigest()}"
    links = {
        "self": pull,
        "html": html,
        "issue": f"{api}/issues/{issue.number}",
        "comments": f"{api}/issues/{issue.number}/comments",
        "review_comments": f"{pull}/comments",
        "review_comment": f"{api}/pulls/comments{{/number}}",
        "commits": f"{pull}/commits",
        "statuses": statuses,
    }
    out: dict[str, Any] = {
        "url": pull,
        "id": issue.id,
        "node_id": _node_id("PullRequest", issue.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": links["issue"],
        "commits_url": links["commits"],
        "review_comments_url": links["review_comments"],
        "review_comment_url": links["review_comment"],
        "comments_url": links["comments"],
        "statuses_url": statuses,
        "number": issue.number,
        "state": issue.state,
        "locked": issue.locked,
        "title": issue.title,
        "user": render.simple_user(issue.user),
        "body": issue.body,
        "labels": [render.label(repo, label) for label in issue.labels],
        "milestone": render.milestone(repo, issue.milestone) if issue.milestone else None,
        "active_lock_reason": None,
        "created_at": github_time(issue.created),
        "updated_at": github_time(issue.updated),
        "closed_at": github_time(issue.closed),
        "merged_at": None,
        "merge_commit_sha": None,
        "assignee": render.simple_user(issue.assignees[0]) if issue.assignees else None,
        "assignees": [render.simple_user(u) for u in issue.assignees],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": side(issue.head),
        "base": side(issue.base),
        "_links": {name: {"href": href} for name, href in links.items()},
        "author_association": "MEMBER",
        "auto_merge": None,
        "draft": False,
    }
    if full:
        out.update(
            merged=False,
            mergeable=None,
            rebaseable=None,
            mergeable_state="unknown",
            merged_by=None,
            comments=len(issue.comments),
            review_comments=0,
            maintainer_can_modify=False,
            commits=1,
            additions=0,
            deletions=0,
            changed_files=0,
        )
    return out
