"""Write-back into a git source, against a bare repository on disk as the remote and the fake
GitHub and GitLab for pull and merge requests: what is committed, pushed and opened, once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.markdown.hosting import Hosting
from connectors.markdown.proposals import proposals_for
from syncd.connector.write_back import WritesBack
from syncd.plugins import SourceContext
from tests.fakes.faults import Fault
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.fakes.gitlab.server import FakeGitLab
from tests.sources.write_back_support import (
    DOCUMENT,
    FAST,
    TEXT,
    Runner,
    bare_origin,
    branches,
    commits,
    edits_for,
    push_upstream,
    show,
    show_bytes,
    write_back_source,
)

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
KEYS = {"Add replication lag alert": "PAY-101", "Rotate the replica keys": "PAY-102"}


def outcomes(result: object) -> list[str]:
    return [r.outcome.value for r in result.results]  # type: ignore[attr-defined]


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    return bare_origin(tmp_path)


# --- commit mode ----------------------------------------------------------------------------


def test_commit_mode_changes_only_the_items_lines_and_says_who(
    context: SourceContext, bare: Path
) -> None:
    source = write_back_source(context, bare, {"mode": "commit"})
    assert isinstance(source, WritesBack) and source.writes_back
    result = source.write_back(edits_for(TEXT, KEYS, done=["Rotate the replica keys"]), NOW)
    assert outcomes(result) == ["written", "written"]
    assert result.change is not None and result.change.startswith("commit ")
    after = show_bytes(bare, DOCUMENT)
    before_lines, after_lines = TEXT.encode().split(b"\r\n"), after.split(b"\r\n")
    assert len(before_lines) == len(after_lines)  # CRLF kept on every line
    changed = [(a, b) for a, b in zip(before_lines, after_lines, strict=True) if a != b]
    assert changed == [
        (
            b"- [ ] Add replication lag alert @alice due 2026-12-01  ",
            b"- [ ] Add replication lag alert @alice due 2026-12-01 "
            b"([PAY-101](https://jira.example.com/browse/PAY-101))  ",
        ),
        (
            b"| Rotate the replica keys | carol |  | In progress |",
            b"| Rotate the replica keys | carol | [PAY-102](https://jira.example.com/browse/PAY-102)"
            b" | Done |",
        ),
    ]
    log = commits(bare)
    assert log[0].startswith("syncd: syncd: tracker keys for 2 action item(s): PAY-101, PAY-102")


def test_commit_mode_twice_writes_once(context: SourceContext, bare: Path) -> None:
    source = write_back_source(context, bare, {"mode": "commit"})
    edits = edits_for(TEXT, KEYS)
    assert outcomes(source.write_back(edits, NOW)) == ["written", "written"]
    again = source.write_back(edits, NOW)
    assert outcomes(again) == ["present", "present"]
    assert again.change is None
    assert len(commits(bare)) == 2  # the seed and syncd's one


def test_a_concurrent_push_is_rebased_on_never_merged(
    tmp_path: Path, context: SourceContext, bare: Path
) -> None:
    """A person pushes between syncd's fetch and its push: the push is refused, syncd fetches
    their commit, applies the edits to the new text and pushes again."""
    raced = []

    def person_pushes_first(args: list[str]) -> None:
        if args[0] == "push" and not raced:
            raced.append(True)
            push_upstream(tmp_path, bare, lambda t: t.replace("Trailing notes", "Later notes"))

    runner = Runner(person_pushes_first)
    source = write_back_source(context, bare, {"mode": "commit"}, runner=runner)
    result = source.write_back(edits_for(TEXT, KEYS), NOW)
    assert outcomes(result) == ["written", "written"]
    assert len(runner.pushes()) == 2
    text = show(bare, DOCUMENT)
    assert "Later notes stay as they are." in text
    assert "([PAY-101](https://jira.example.com/browse/PAY-101))" in text
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    assert [c.split(":")[0] for c in commits(bare)] == ["syncd", "Test", "Test"]


def test_an_item_moved_by_a_concurrent_edit_is_found_by_its_title(
    tmp_path: Path, context: SourceContext, bare: Path
) -> None:
    raced = []

    def person_inserts_lines(args: list[str]) -> None:
        if args[0] == "push" and not raced:
            raced.append(True)
            push_upstream(
                tmp_path,
                bare,
                lambda t: t.replace("## Action Items\r\n", "## Action Items\r\n\r\nNew intro.\r\n"),
            )

    source = write_back_source(
        context, bare, {"mode": "commit"}, runner=Runner(person_inserts_lines)
    )
    result = source.write_back(edits_for(TEXT, KEYS), NOW)
    assert outcomes(result) == ["written", "written"]
    lines = show(bare, DOCUMENT).splitlines()
    assert lines[6].startswith("- [ ] Add replication lag alert") and "PAY-101" in lines[6]


def test_a_branch_that_keeps_moving_is_left_for_the_next_cycle(
    tmp_path: Path, context: SourceContext, bare: Path
) -> None:
    count = iter(range(100))

    def person_always_first(args: list[str]) -> None:
        if args[0] == "push":
            n = next(count)
            push_upstream(tmp_path, bare, lambda t: t + f"note {n}\r\n")

    source = write_back_source(
        context, bare, {"mode": "commit"}, runner=Runner(person_always_first)
    )
    result = source.write_back(edits_for(TEXT, KEYS), NOW)
    assert outcomes(result) == ["retry", "retry"]
    assert "refused 3 times" in (result.results[0].reason or "")
    assert "PAY-101" not in show(bare, DOCUMENT)
    assert all(c.startswith("person") or c.startswith("Test") for c in commits(bare))


def test_an_unreachable_remote_is_a_retry_not_a_crash(
    context: SourceContext, tmp_path: Path
) -> None:
    source = write_back_source(context, tmp_path / "nowhere.git", {"mode": "commit"})
    result = source.write_back(edits_for(TEXT, KEYS), NOW)
    assert outcomes(result) == ["retry", "retry"]
    assert "git clone" in (result.results[0].reason or "")


# --- pull_request mode, GitHub --------------------------------------------------------------


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    with FakeGitHub(secondary=SecondaryLimits.off(), pull_requests=0) as fake:
        yield fake


def github_pr(fake: FakeGitHub) -> dict[str, str]:
    return {
        "mode": "pull_request",
        "provider": "github",
        "api_url": fake.url,
        "repository": "acme/payments",
        "token": fake.token,
    }


def open_pulls(fake: FakeGitHub) -> list[tuple[str | None, str | None]]:
    return [
        (i.head, i.base)
        for i in fake.repo.issues.values()
        if i.is_pull_request and i.state == "open"
    ]


def test_pull_request_mode_pushes_its_branch_and_opens_one_request(
    context: SourceContext, bare: Path, fake_github: FakeGitHub
) -> None:
    runner = Runner()
    source = write_back_source(context, bare, github_pr(fake_github), runner=runner)
    edits = edits_for(TEXT, KEYS)
    result = source.write_back(edits, NOW)
    assert outcomes(result) == ["written", "written"]
    assert result.change is not None and "/acme/payments/pull/" in result.change
    assert open_pulls(fake_github) == [("syncd/tracker-keys", "main")]
    # The source's branch is the person's to merge into.
    assert show_bytes(bare, DOCUMENT).decode() == TEXT
    assert "PAY-102" in show(bare, DOCUMENT, "syncd/tracker-keys")
    # The next cycle finds the request open and its branch as it would push it: nothing new.
    runner.calls.clear()
    again = source.write_back(edits, NOW)
    assert outcomes(again) == ["pending", "pending"]
    assert again.change == result.change
    assert runner.pushes() == []
    assert open_pulls(fake_github) == [("syncd/tracker-keys", "main")]


def test_more_keys_later_update_the_same_request(
    context: SourceContext, bare: Path, fake_github: FakeGitHub
) -> None:
    source = write_back_source(context, bare, github_pr(fake_github))
    first = source.write_back(edits_for(TEXT, {"Add replication lag alert": "PAY-101"}), NOW)
    second = source.write_back(edits_for(TEXT, KEYS), NOW)
    assert outcomes(second) == ["written", "written"]
    assert second.change == first.change
    assert len(open_pulls(fake_github)) == 1
    assert "PAY-102" in show(bare, DOCUMENT, "syncd/tracker-keys")


def test_killed_between_push_and_request_the_next_cycle_opens_it_once(
    context: SourceContext, bare: Path, fake_github: FakeGitHub
) -> None:
    """The push happened, the request did not (a crash, or GitHub failing): the next cycle
    finds the branch as it left it, pushes nothing and opens the request."""
    fake_github.faults.on("POST", "*/pulls", Fault("500"), times=None)
    runner = Runner()
    source = write_back_source(context, bare, github_pr(fake_github), runner=runner)
    edits = edits_for(TEXT, KEYS)
    failed = source.write_back(edits, NOW)
    assert outcomes(failed) == ["retry", "retry"]
    assert (failed.results[0].reason or "").startswith("pushed; the pull request")
    assert "syncd/tracker-keys" in branches(bare) and open_pulls(fake_github) == []
    fake_github.faults = type(fake_github.faults)()
    runner.calls.clear()
    result = source.write_back(edits, NOW)
    assert outcomes(result) == ["written", "written"]
    assert runner.pushes() == []
    assert open_pulls(fake_github) == [("syncd/tracker-keys", "main")]


def test_a_request_made_but_its_answer_lost_is_found_not_made_again(
    context: SourceContext, bare: Path, fake_github: FakeGitHub
) -> None:
    fake_github.faults.on("POST", "*/pulls", Fault("drop_after"))
    source = write_back_source(context, bare, github_pr(fake_github))
    edits = edits_for(TEXT, KEYS)
    lost = source.write_back(edits, NOW)
    assert outcomes(lost) == ["retry", "retry"]
    assert len(open_pulls(fake_github)) == 1  # GitHub made it; syncd did not hear
    found = source.write_back(edits, NOW)
    assert outcomes(found) == ["pending", "pending"]
    assert len(open_pulls(fake_github)) == 1
    posts = [r for r in fake_github.requests if r.method == "POST"]
    assert len(posts) == 1


def test_two_processes_at_once_open_one_request(
    tmp_path: Path, context: SourceContext, bare: Path, fake_github: FakeGitHub
) -> None:
    """Two syncd processes (each its own clone, as on two machines) write back at the same
    moment: the branch lease and GitHub's one-open-request rule leave one request."""
    other = SourceContext(
        team=context.team, config_dir=context.config_dir, cache_dir=tmp_path / "cache-2", now=NOW
    )
    sources = [
        write_back_source(context, bare, github_pr(fake_github)),
        write_back_source(other, bare, github_pr(fake_github)),
    ]
    edits = edits_for(TEXT, KEYS)
    start = threading.Barrier(2)
    results: list[list[str]] = []

    def run(index: int) -> None:
        start.wait(timeout=30)
        results.append(outcomes(sources[index].write_back(edits, NOW)))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2
    assert all(set(r) <= {"written", "pending", "retry"} for r in results)
    assert open_pulls(fake_github) == [("syncd/tracker-keys", "main")]
    # Whatever each saw, the next cycle of either is settled.
    assert outcomes(sources[1].write_back(edits, NOW)) == ["pending", "pending"]
    assert len(open_pulls(fake_github)) == 1


def test_github_requests_match_the_spec(
    context: SourceContext, bare: Path, fake_github: FakeGitHub
) -> None:
    from tests.fakes.github import contract

    source = write_back_source(context, bare, github_pr(fake_github))
    source.write_back(edits_for(TEXT, KEYS), NOW)
    assert {r.endpoint for r in fake_github.requests} == {
        "GET /repos/{owner}/{repo}/pulls",
        "POST /repos/{owner}/{repo}/pulls",
    }
    assert contract.validate_requests(fake_github.requests) == []


# --- pull_request mode, GitLab --------------------------------------------------------------


def test_gitlab_merge_request_once(context: SourceContext, bare: Path) -> None:
    with FakeGitLab() as gitlab:
        settings = {
            "mode": "pull_request",
            "provider": "gitlab",
            "api_url": gitlab.url,
            "repository": "acme/postmortems",
            "token": gitlab.token,
        }
        source = write_back_source(context, bare, settings)
        edits = edits_for(TEXT, KEYS)
        result = source.write_back(edits, NOW)
        assert outcomes(result) == ["written", "written"]
        assert result.change is not None and "/acme/postmortems/-/merge_requests/1" in result.change
        assert outcomes(source.write_back(edits, NOW)) == ["pending", "pending"]
        opened = gitlab.open_merge_requests()
        assert [(m.source_branch, m.target_branch) for m in opened] == [
            ("syncd/tracker-keys", "main")
        ]
        posts = [r for r in gitlab.requests if r.method == "POST"]
        assert len(posts) == 1 and posts[0].headers["Private-Token"] == "REDACTED"
        # Nothing left to propose: closed with a note saying why, once.
        assert source.withdraw_proposal() == result.change
        assert gitlab.open_merge_requests() == []
        [closed] = gitlab.merge_requests
        assert len(closed.notes) == 1 and "nothing left to propose" in closed.notes[0]
        assert source.withdraw_proposal() is None


def test_a_create_refused_because_it_exists_returns_the_existing_one(
    fake_github: FakeGitHub,
) -> None:
    """Another process opened it between this one's look and its create: GitHub's 422 and
    GitLab's 409 are answered by looking again, never by a second request."""
    with FakeGitLab() as gitlab:
        clients = [
            proposals_for(
                Hosting("github", fake_github.url, "acme/payments"), fake_github.token, policy=FAST
            ),
            proposals_for(
                Hosting("gitlab", gitlab.url, "acme/postmortems"), gitlab.token, policy=FAST
            ),
        ]
        for client in clients:
            first = client.open("syncd/tracker-keys", "main", "syncd: keys", "Keys.")
            second = client.open("syncd/tracker-keys", "main", "syncd: keys", "Keys.")
            assert second == first
            client.close()
        assert len(open_pulls(fake_github)) == 1
        assert len(gitlab.open_merge_requests()) == 1
        assert [r.status for r in gitlab.requests if r.method == "POST"] == [201, 409]


def test_a_document_renamed_upstream_since_it_was_read_is_a_retry(
    tmp_path: Path, context: SourceContext, bare: Path
) -> None:
    """A person renames the postmortem between syncd's read and its write-back: a concurrent
    edit, so the edits are tried again next cycle (on the file's new name), not failed."""
    from tests.sources.markdown_support import git

    work = tmp_path / "renamer"
    git(tmp_path, "clone", "--quiet", str(bare), str(work))
    git(work, "mv", DOCUMENT, "renamed.md")
    git(work, "-c", "user.name=p", "-c", "user.email=p@example.com", "commit", "-qm", "rename")
    git(work, "push", "--quiet")
    source = write_back_source(context, bare, {"mode": "commit"})
    result = source.write_back(edits_for(TEXT, KEYS), NOW)
    assert outcomes(result) == ["retry", "retry"]
    assert "no longer in the repository" in (result.results[0].reason or "")
    assert "PAY-101" not in show(bare, "renamed.md")
