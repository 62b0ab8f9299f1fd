"""JSON shapes of the fake's resources, as Jira Cloud (v3/v2) and Data Center (v2) send them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tests.fakes.jira.state import (
    Comment,
    Issue,
    Named,
    Project,
    RemoteLink,
    Status,
    StatusCategory,
    User,
)

# id, name, navigable, schema type, clause names: the system fields the fake knows.
FIELDS: tuple[tuple[str, str, bool, dict[str, Any], list[str]], ...] = (
    ("issuekey", "Key", False, {}, ["id", "issue", "issuekey", "key"]),
    ("summary", "Summary", True, {"type": "string", "system": "summary"}, ["summary"]),
    (
        "description",
        "Description",
        True,
        {"type": "string", "system": "description"},
        ["description"],
    ),
    ("assignee", "Assignee", True, {"type": "user", "system": "assignee"}, ["assignee"]),
    ("reporter", "Reporter", True, {"type": "user", "system": "reporter"}, ["reporter"]),
    ("duedate", "Due date", True, {"type": "date", "system": "duedate"}, ["due", "duedate"]),
    ("priority", "Priority", True, {"type": "priority", "system": "priority"}, ["priority"]),
    (
        "labels",
        "Labels",
        True,
        {"type": "array", "items": "string", "system": "labels"},
        ["labels"],
    ),
    ("status", "Status", True, {"type": "status", "system": "status"}, ["status"]),
    (
        "resolution",
        "Resolution",
        True,
        {"type": "resolution", "system": "resolution"},
        ["resolution"],
    ),
    (
        "resolutiondate",
        "Resolved",
        True,
        {"type": "datetime", "system": "resolutiondate"},
        ["resolutiondate", "resolved"],
    ),
    (
        "issuetype",
        "Issue Type",
        True,
        {"type": "issuetype", "system": "issuetype"},
        ["issuetype", "type"],
    ),
    ("project", "Project", True, {"type": "project", "system": "project"}, ["project"]),
    (
        "created",
        "Created",
        True,
        {"type": "datetime", "system": "created"},
        ["created", "createdDate"],
    ),
    (
        "updated",
        "Updated",
        True,
        {"type": "datetime", "system": "updated"},
        ["updated", "updatedDate"],
    ),
    ("comment", "Comment", False, {"type": "comments-page", "system": "comment"}, ["comment"]),
)
ALL_FIELDS = tuple(f[0] for f in FIELDS if f[0] != "issuekey")
NAVIGABLE_FIELDS = tuple(f[0] for f in FIELDS if f[2])
ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"


def jira_time(moment: dt.datetime) -> str:
    """Jira's timestamp format: 2026-11-21T10:30:00.000+0000."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def text_to_adf(text: str | None) -> dict[str, Any] | None:
    """Plain text as an Atlassian Document: one paragraph per line."""
    if text is None:
        return None
    content = [
        {"type": "paragraph", "content": [{"type": "text", "text": line}] if line else []}
        for line in text.split("\n")
    ]
    return {"type": "doc", "version": 1, "content": content}


def adf_to_text(doc: Any) -> str | None:
    """The text of an Atlassian Document, blocks separated by newlines (how v2 shows it)."""
    if doc is None or isinstance(doc, str):
        return doc

    def walk(node: Any) -> str:
        if not isinstance(node, dict):
            return ""
        if node.get("type") == "text":
            text = str(node.get("text", ""))
            for mark in node.get("marks", []):
                href = mark.get("attrs", {}).get("href") if mark.get("type") == "link" else None
                if href and href != text:
                    text = f"[{text}|{href}]"
            return text
        if node.get("type") == "hardBreak":
            return "\n"
        inner = "".join(walk(child) for child in node.get("content", []))
        block = node.get("type") in ("paragraph", "heading", "listItem", "codeBlock")
        return inner + "\n" if block else inner

    return walk(doc).rstrip("\n")


@dataclass(frozen=True)
class Renderer:
    """Renders for one request: its base URL, REST version (2/3/latest) and the server mode."""

    base_url: str
    version: str
    mode: str

    @property
    def api(self) -> str:
        return f"{self.base_url}/rest/api/{self.version}"

    @property
    def uses_adf(self) -> bool:
        return self.mode == "cloud" and self.version == "3"

    def rich_text(self, value: Any) -> Any:
        """Stored text in this request's flavour: ADF on Cloud v3, a string everywhere else."""
        if self.uses_adf:
            return value if isinstance(value, dict) or value is None else text_to_adf(value)
        return adf_to_text(value)

    def avatar_urls(self, kind: str, ident: str) -> dict[str, str]:
        return {
            f"{n}x{n}": f"{self.base_url}/secure/{kind}avatar?size={n}&id={ident}"
            for n in (48, 24, 16, 32)
        }

    def user(self, user: User) -> dict[str, Any]:
        if self.mode == "cloud":
            return {
                "self": f"{self.api}/user?accountId={user.account_id}",
                "accountId": user.account_id,
                "accountType": "atlassian",
                "emailAddress": user.email,
                "avatarUrls": self.avatar_urls("user", user.account_id),
                "displayName": user.display_name,
                "active": user.active,
                "timeZone": "UTC",
                "locale": "en_US",
            }
        return {
            "self": f"{self.api}/user?username={user.name}",
            "key": user.name,
            "name": user.name,
            "emailAddress": user.email,
            "avatarUrls": self.avatar_urls("user", user.name),
            "displayName": user.display_name,
            "active": user.active,
            "deleted": False,
            "timeZone": "UTC",
            "locale": "en_US",
        }

    def user_details(self, user: User) -> dict[str, Any]:
        """A user as embedded in issues and comments (Cloud's `UserDetails`: no locale)."""
        out = self.user(user)
        out.pop("locale", None)
        return out

    def project(self, project: Project, *, full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "self": f"{self.api}/project/{project.id}",
            "id": project.id,
            "key": project.key,
            "name": project.name,
            "projectTypeKey": "software",
            "avatarUrls": self.avatar_urls("project", project.id),
        }
        if self.mode == "cloud":
            out["simplified"] = False
        if full:
            out["description"] = ""
            out["isPrivate"] = False
            out["style"] = "classic"
        return out

    def issue_type(self, issue_type: Named) -> dict[str, Any]:
        out: dict[str, Any] = {
            "self": f"{self.api}/issuetype/{issue_type.id}",
            "id": issue_type.id,
            "description": issue_type.description,
            "iconUrl": f"{self.base_url}/images/icons/issuetypes/{issue_type.name.lower()}.svg",
            "name": issue_type.name,
            "subtask": False,
        }
        if self.mode == "cloud":
            out["hierarchyLevel"] = 0
            out["avatarId"] = 10318
        return out

    def priority(self, priority: Named) -> dict[str, Any]:
        return {
            "self": f"{self.api}/priority/{priority.id}",
            "iconUrl": f"{self.base_url}/images/icons/priorities/{priority.name.lower()}.svg",
            "name": priority.name,
            "id": priority.id,
        }

    def priority_full(self, priority: Named) -> dict[str, Any]:
        return {
            **self.priority(priority),
            "description": priority.description,
            "statusColor": "#ffab00",
        }

    def resolution(self, resolution: Named) -> dict[str, Any]:
        return {
            "self": f"{self.api}/resolution/{resolution.id}",
            "id": resolution.id,
            "description": resolution.description,
            "name": resolution.name,
        }

    def status_category(self, category: StatusCategory) -> dict[str, Any]:
        return {
            "self": f"{self.api}/statuscategory/{category.id}",
            "id": category.id,
            "key": category.key,
            "colorName": category.color,
            "name": category.name,
        }

    def status(self, status: Status) -> dict[str, Any]:
        return {
            "self": f"{self.api}/status/{status.id}",
            "description": "",
            "iconUrl": f"{self.base_url}/images/icons/statuses/generic.png",
            "name": status.name,
            "id": status.id,
            "statusCategory": self.status_category(status.category),
        }

    def comment(self, issue: Issue, comment: Comment) -> dict[str, Any]:
        author = self.user_details(comment.author)
        return {
            "self": f"{self.api}/issue/{issue.id}/comment/{comment.id}",
            "id": comment.id,
            "author": author,
            "body": self.rich_text(comment.body),
            "updateAuthor": author,
            "created": jira_time(comment.created),
            "updated": jira_time(comment.created),
            "jsdPublic": True,
        }

    def comments_page(self, issue: Issue) -> dict[str, Any]:
        comments = [self.comment(issue, c) for c in issue.comments]
        return {
            "comments": comments,
            "self": f"{self.api}/issue/{issue.id}/comment",
            "maxResults": len(comments),
            "total": len(comments),
            "startAt": 0,
        }

    def remote_link(self, issue: Issue, link: RemoteLink) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": link.id,
            "self": f"{self.api}/issue/{issue.key}/remotelink/{link.id}",
        }
        if link.global_id is not None:
            out["globalId"] = link.global_id
        if link.application is not None:
            out["application"] = link.application
        if link.relationship is not None:
            out["relationship"] = link.relationship
        out["object"] = link.object
        return out

    def field_value(self, issue: Issue, name: str) -> Any:
        if name == "summary":
            return issue.summary
        if name == "description":
            return self.rich_text(issue.description)
        if name == "assignee":
            return self.user_details(issue.assignee) if issue.assignee else None
        if name == "reporter":
            return self.user_details(issue.reporter)
        if name == "duedate":
            return issue.duedate
        if name == "priority":
            return self.priority(issue.priority)
        if name == "labels":
            return list(issue.labels)
        if name == "status":
            return self.status(issue.status)
        if name == "resolution":
            return self.resolution(issue.resolution) if issue.resolution else None
        if name == "resolutiondate":
            return jira_time(issue.resolution_date) if issue.resolution_date else None
        if name == "issuetype":
            return self.issue_type(issue.issue_type)
        if name == "project":
            return self.project(issue.project)
        if name == "created":
            return jira_time(issue.created)
        if name == "updated":
            return jira_time(issue.updated)
        if name == "comment":
            return self.comments_page(issue)
        raise KeyError(name)

    def issue(self, issue: Issue, fields: Iterable[str]) -> dict[str, Any]:
        wanted = list(fields)
        out: dict[str, Any] = {
            "expand": ISSUE_EXPAND,
            "id": issue.id,
            "self": f"{self.api}/issue/{issue.id}",
            "key": issue.key,
        }
        out["fields"] = {name: self.field_value(issue, name) for name in wanted}
        return out

    def field_list(self) -> list[dict[str, Any]]:
        out = []
        for ident, name, navigable, schema, clauses in FIELDS:
            entry: dict[str, Any] = {
                "id": ident,
                "name": name,
                "custom": False,
                "orderable": ident
                not in ("issuekey", "status", "resolutiondate", "created", "updated"),
                "navigable": navigable,
                "searchable": True,
                "clauseNames": clauses,
            }
            if self.mode == "cloud":
                entry["key"] = ident
            if schema:
                entry["schema"] = schema
            out.append(entry)
        return out


def select_fields(requested: list[str] | None, default: str) -> list[str]:
    """Jira's `fields` parameter: names, `*all`, `*navigable`, `-name`; [] means ids only."""
    items = [part.strip() for x in (requested or [default]) for part in x.split(",")]
    items = [x for x in items if x] or [default]
    excluded = {x[1:] for x in items if x.startswith("-")}
    chosen: list[str] = []
    for item in items:
        if item == "*all":
            chosen.extend(ALL_FIELDS)
        elif item == "*navigable":
            chosen.extend(NAVIGABLE_FIELDS)
        elif item in ALL_FIELDS:
            chosen.append(item)
    return [name for name in dict.fromkeys(chosen) if name not in excluded]
