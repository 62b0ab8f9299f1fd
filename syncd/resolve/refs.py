"""Existing tracker issues an item points at: Jira keys and URLs, GitHub issues and pull requests.

A reference found here makes syncd adopt that issue instead of creating one, so the readers are
strict: a GitLab or Confluence URL, a bare bug number or an incident id is no reference.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from syncd.connector.jira_keys import JIRA_PROJECT, is_jira_project_key
from syncd.model import TrackerRef
from syncd.resolve.text import markdown_links, strip_markup

# An issue number starts at 1: "PAY-0" is no issue.
_JIRA_KEY = rf"{JIRA_PROJECT}-[1-9][0-9]*"
_JIRA_KEY_ONLY = re.compile(rf"^(?P<key>{_JIRA_KEY})$")
_JIRA_KEY_IN_TEXT = re.compile(rf"(?<![A-Za-z0-9_\-/#])(?P<key>{_JIRA_KEY})(?![A-Za-z0-9_\-])")

_URL = re.compile(r"https?://[^\s<>()\[\]]+", re.IGNORECASE)
# ".../browse/PAY-123", ".../projects/PAY/issues/PAY-123", "...?selectedIssue=PAY-123"
_JIRA_URL = re.compile(
    rf"^https?://[^/\s]+[^\s#]*?(?:/browse/|/issues/|[?&]selectedIssue=)(?P<key>{_JIRA_KEY})"
    r"(?:[/?#&]\S*)?$",
    re.IGNORECASE,
)
# github.com/o/r/issues/45, /pull/45, a GitHub Enterprise host, or the REST API's form.
_GITHUB_URL = re.compile(
    r"^https?://[^/\s]+/(?:api/v3/)?(?:repos/)?(?P<owner>[A-Za-z0-9][A-Za-z0-9\-]*)/"
    r"(?P<repo>[A-Za-z0-9._\-]+)/(?:issues|pulls?)/(?P<number>[1-9][0-9]*)(?:[/?#]\S*)?$",
    re.IGNORECASE,
)
_GITHUB_REPO_REF = re.compile(
    r"^(?P<owner>[A-Za-z0-9][A-Za-z0-9\-]*)/(?P<repo>[A-Za-z0-9._\-]+)#(?P<number>[1-9][0-9]*)$"
)
_GITHUB_REPO_REF_IN_TEXT = re.compile(
    r"(?<![\w/.\-])(?P<owner>[A-Za-z0-9][A-Za-z0-9\-]*)/(?P<repo>[A-Za-z0-9._\-]+)"
    r"#(?P<number>[1-9][0-9]*)\b"
)
_GITHUB_NUMBER = re.compile(r"^#(?P<number>[1-9][0-9]*)$")
_GITHUB_NUMBER_IN_TEXT = re.compile(r"(?<![\w/&])#(?P<number>[1-9][0-9]*)\b")
_URL_TRAILING = ".,;:!?'\">)]"


def parse_tracker_ref(
    written: str, jira_projects: Collection[str] | None = None
) -> TrackerRef | None:
    """The issue a reference as written names, or None when it names none syncd can adopt.

    ``jira_projects``: the projects whose bare keys ("PAY-123") name the team's issues; a key
    of any other project ("KIP-405", a proposal; "ISO-27001") is no reference. None accepts
    every project. A Jira URL names its issue explicitly and is accepted whatever its project.
    """
    text = written.strip()
    if not text:
        return None
    # A link's target is more precise than its text: "[PAY-123](https://acme/browse/PAY-123)".
    urls = [url for _, url in markdown_links(text)]
    plain = strip_markup(text)
    urls += [match.group().rstrip(_URL_TRAILING) for match in _URL.finditer(plain)]
    for url in urls:
        if (ref := _from_url(url)) is not None:
            return ref
    candidate = plain.strip("<>()[] ").rstrip(_URL_TRAILING)
    if (ref := _from_short_form(candidate, jira_projects)) is not None:
        return ref
    if urls:
        return None  # a URL of something else (a wiki page, a dashboard) is not an issue
    return _from_text(plain, jira_projects)


def _from_url(url: str) -> TrackerRef | None:
    if match := _GITHUB_URL.match(url):
        return _github_ref(match, url=url)
    if match := _JIRA_URL.match(url):
        return TrackerRef(system="jira", key=match["key"].upper(), url=url)
    return None


def _from_short_form(text: str, jira_projects: Collection[str] | None) -> TrackerRef | None:
    if (match := _JIRA_KEY_ONLY.match(text)) and _is_jira_key(match["key"], jira_projects):
        return TrackerRef(system="jira", key=match["key"])
    if match := _GITHUB_REPO_REF.match(text):
        return _github_ref(match)
    if match := _GITHUB_NUMBER.match(text):
        return TrackerRef(system="github", key=f"#{match['number']}")
    return None


def _from_text(text: str, jira_projects: Collection[str] | None) -> TrackerRef | None:
    """A reference inside a little text: "Jira: PAY-123", "tracked in acme/pay#45"."""
    for key_match in _JIRA_KEY_IN_TEXT.finditer(text):
        if _is_jira_key(key_match["key"], jira_projects):
            return TrackerRef(system="jira", key=key_match["key"])
    if repo_match := _GITHUB_REPO_REF_IN_TEXT.search(text):
        return _github_ref(repo_match)
    if number_match := _GITHUB_NUMBER_IN_TEXT.search(text):
        return TrackerRef(system="github", key=f"#{number_match['number']}")
    return None


def _is_jira_key(key: str, jira_projects: Collection[str] | None) -> bool:
    # A project the team lists is its own, whatever it looks like ("INC" may be one);
    # otherwise words like "SEV-1" or "UTF-8" in prose name no issue.
    project = key.split("-", 1)[0]
    if jira_projects is not None:
        return project in jira_projects
    return is_jira_project_key(project)


def _github_ref(match: re.Match[str], url: str | None = None) -> TrackerRef:
    return TrackerRef(
        system="github", key=f"{match['owner']}/{match['repo']}#{match['number']}", url=url
    )
