"""Milestones as due dates (``due_dates: milestone``): one per date, created once, reused.

The repository's milestones are listed once per tracker instance (a cycle), one request per
100 milestones; a date without one costs one ``POST``. Another replica creating the same
milestone at the same moment is answered 422 ``already_exists``: the list is read again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from connectors.github import answers
from connectors.github.connection import PAGE_SIZE, GitHubConnection, RefusedError
from connectors.github.issues import milestone_due, milestone_title
from connectors.github.listing import pages


class Milestones:
    def __init__(self, connection: GitHubConnection, repo: str) -> None:
        self._connection = connection
        self._repo = repo
        self._by_due: dict[date, int] | None = None

    def number_for(self, due: date) -> int:
        """The number of the milestone standing for ``due``, created when missing."""
        known = self._known()
        if due in known:
            return known[due]
        body = {"title": milestone_title(due), "due_on": f"{due.isoformat()}T12:00:00Z"}
        try:
            path = f"/repos/{self._repo}/milestones"
            created = self._connection.post(path, body, expect=answers.numbered).data
        except RefusedError as exc:
            if exc.status != 422:
                raise
            self._by_due = None  # created meanwhile elsewhere: read the list again
            known = self._known()
            if due not in known:
                raise
            return known[due]
        number = int(created["number"])
        known[due] = number
        return number

    def _known(self) -> dict[date, int]:
        if self._by_due is None:
            found: dict[date, int] = {}
            params = {"state": "all", "per_page": PAGE_SIZE, "sort": "due_on"}
            path = f"/repos/{self._repo}/milestones"
            for page in pages(self._connection, path, params, expect=answers.numbered):
                for milestone in page:
                    _remember(found, milestone)
            self._by_due = found
        return self._by_due


def _remember(found: dict[date, int], milestone: Any) -> None:
    due = milestone_due(milestone)
    if due is None:
        return
    # syncd's own milestone ("Due <date>") wins over another one with the same due date.
    mine = str(milestone.get("title") or "") == milestone_title(due)
    if due not in found or mine:
        found[due] = int(milestone["number"])
