"""Creating issues, serial and paced (GitHub has no bulk create), and saying what GitHub
silently dropped: an assignee, labels or a milestone the token cannot set."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from connectors.github import answers
from connectors.github import issues as gh
from connectors.github.connection import GitHubConnection, RefusedError
from connectors.github.milestones import Milestones
from connectors.github.repository import issue_url
from connectors.github.settings import GitHubSettings
from syncd.connector.http import AuthError, HttpError, RateLimitedError, TransientError
from syncd.connector.tracker import CreateIssue, CreateResult

# GitHub's names of issue fields in a 422, as the mirror names them.
_MIRROR_FIELD = {"assignees": "assignee", "assignee": "assignee", "milestone": "due"}


class IssueCreation:
    def __init__(
        self,
        settings: GitHubSettings,
        connection: GitHubConnection,
        reader: gh.IssueReader,
        milestones: Milestones,
        log: Any,
    ) -> None:
        self.settings = settings
        self.labels: frozenset[str] = frozenset(settings.labels)
        self._repo = settings.repo
        self._connection = connection
        self._reader = reader
        self._milestones = milestones
        self._log = log
        self._assignable: dict[str, bool | None] = {}
        self.first_created: datetime | None = None  # GitHub's time of our first create

    def create(self, issues: Sequence[CreateIssue]) -> Sequence[CreateResult]:
        results: list[CreateResult] = []
        for position, create in enumerate(issues):
            try:
                payload = self._create_payload(create)
                answer = self._connection.post(self._issues_path, payload, expect=answers.issue)
            except RefusedError as exc:
                refused = frozenset(_MIRROR_FIELD.get(f, f) for f in exc.fields)
                results.append(
                    CreateResult(create.item_id, None, error=exc.reason, refused_fields=refused)
                )
                continue
            except RateLimitedError as exc:
                if not results:
                    raise  # nothing sent: the executor defers the rest of its creates
                # The budget is spent: the rest waits for a later cycle, nothing was sent.
                results += [CreateResult(c.item_id, None, deferred=exc) for c in issues[position:]]
                break
            except TransientError as exc:
                if not any(r.key for r in results):
                    raise  # nothing created: the executor tries the batch again next cycle
                # Some of the batch exist: report the rest as not created, never the batch.
                results += [
                    CreateResult(c.item_id, None, error=f"not created this cycle: {exc.reason}")
                    for c in issues[position:]
                ]
                break
            results.append(self._created(create, answer.data, payload))
        return results

    def _create_payload(self, create: CreateIssue) -> dict[str, Any]:
        fields = create.fields
        in_body = self.settings.due_dates == "body"
        payload: dict[str, Any] = {
            "title": fields.summary,
            "body": gh.compose_body(
                fields.description, fields.due if in_body else None, create.marker, create.origin
            ),
            "labels": sorted(self.labels | fields.labels),
        }
        if fields.assignee is not None:
            payload["assignees"] = [fields.assignee]
        if fields.due is not None and not in_body:
            payload["milestone"] = self._milestones.number_for(fields.due)
        return payload

    def _created(
        self, create: CreateIssue, issue: Mapping[str, Any], payload: Mapping[str, Any]
    ) -> CreateResult:
        """The result of one create, comparing what GitHub holds with what was sent: GitHub
        drops an assignee, labels or a milestone the token cannot set, without an error."""
        key = gh.issue_key(self._repo, int(issue["number"]))
        url = str(issue.get("html_url") or issue_url(self.settings.api_url, self._repo, key))
        if issue.get("created_at"):
            created = gh.parse_time(str(issue["created_at"]))
            if self.first_created is None or created < self.first_created:
                self.first_created = created
        held = self._reader.snapshot(issue, closure_explained=False).fields
        sent = create.fields
        dropped: dict[str, object] = {}
        logins = {str(a.get("login", "")).casefold() for a in issue.get("assignees") or []}
        if sent.assignee is not None and sent.assignee.casefold() not in logins:
            dropped["assignee"] = held.assignee
        if not sent.labels <= held.labels:
            dropped["labels"] = sent.labels & held.labels
        if (
            "milestone" in payload
            and (issue.get("milestone") or {}).get("number") != payload["milestone"]
        ):
            dropped["due"] = held.due
        if not dropped:
            return CreateResult(create.item_id, key, url)
        reason = self._drop_reason(set(dropped), sent.assignee)
        self._log.warning(
            "github.fields_dropped", item=create.item_id, key=key, fields=sorted(dropped)
        )
        return CreateResult(
            create.item_id,
            key,
            url,
            error=reason,
            dropped_fields=frozenset(dropped),
            held_fields=dataclasses.replace(sent, **dropped),  # type: ignore[arg-type]
        )

    def _drop_reason(self, dropped: set[str], login: str | None) -> str:
        reasons = []
        if "assignee" in dropped and login is not None:
            assignable = self._is_assignable(login)
            if assignable is False:
                reasons.append(
                    f"{login} is not a collaborator of {self._repo} "
                    "(GitHub assigns collaborators only)"
                )
            else:
                reasons.append(f"the token cannot set assignees in {self._repo}")
        if "labels" in dropped:
            reasons.append(f"the token cannot set labels in {self._repo}")
        if "due" in dropped:
            reasons.append(f"the token cannot set milestones in {self._repo}")
        text = "; ".join(reasons)
        if any(r.startswith("the token") for r in reasons):
            text += " (it needs triage or write access to the repository)"
        return f"GitHub dropped it without an error: {text}"

    def _is_assignable(self, login: str) -> bool | None:
        """Whether ``login`` can be assigned in the repository; None when GitHub did not say."""
        if login not in self._assignable:
            try:
                self._connection.get(f"/repos/{self._repo}/assignees/{quote(login, safe='')}")
                self._assignable[login] = True
            except RefusedError as exc:
                self._assignable[login] = False if exc.status == 404 else None
            except AuthError:
                raise
            except HttpError:
                self._assignable[login] = None
        return self._assignable[login]

    @property
    def _issues_path(self) -> str:
        return f"/repos/{self._repo}/issues"
