"""Write-back into a git source: the edits committed as "syncd", and pushed.

- ``commit`` mode pushes to the source's branch. A push refused because the branch moved on (a
  person pushed meanwhile) fetches the new commit, applies the edits again to the new text (an
  edit is a pure function of the text) and pushes again, twice at most; then the edits wait for
  the next cycle. Never a merge, so never a conflict marker in a file.
- ``pull_request`` mode rebuilds syncd's own branch from the source's branch each cycle, pushes
  it only when its content differs from what the branch holds (``--force-with-lease``, so a
  push by another process meanwhile is never overwritten blindly), and opens ONE pull or merge
  request from it, after looking for an open one. A process killed between the push and the
  request finds the branch as it left it next cycle, pushes nothing and opens the request.

The team's lease makes a cycle single-writer; the clone's lock keeps two processes on one
machine from sharing a working tree; the host's own checks (a push that is not a fast-forward,
a lease, one open request per branch) keep processes on different machines from doubling.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from connectors.markdown.files import points_outside
from connectors.markdown.git import GitRepository
from connectors.markdown.proposals import Proposals
from connectors.markdown.write_back_document import Extractor, edit_document
from syncd.connector.http import AmbiguousWriteError, HttpError
from syncd.connector.source import SourceError
from syncd.connector.write_back import (
    EditOutcome,
    EditResult,
    WriteBackEdit,
    WriteBackResult,
)

AUTHOR = ("syncd", "syncd@users.noreply.invalid")
PUSH_ATTEMPTS = 3
# The comment on a request syncd closes because it has nothing left to propose.
WITHDRAWN = (
    "syncd has nothing left to propose here: the documents on the base branch already name "
    "every tracker key (and done mark) this request would add, perhaps written by hand. syncd "
    "closes this request; it opens a new one when there is something to write again."
)
# What ``git push --porcelain`` reports for a ref refused because the remote moved on.
_REFUSED_AS_STALE = ("[rejected]", "non-fast-forward", "fetch first", "stale info")


@dataclass(frozen=True, slots=True)
class Applied:
    """The edits applied to the clone's files: what became of each, and what changed."""

    results: tuple[EditResult, ...]
    changed: tuple[str, ...]  # paths relative to the clone, as git names them
    written: tuple[WriteBackEdit, ...]


class GitWriteBack:
    def __init__(
        self,
        repository: GitRepository,
        *,
        source: str,
        mode: str,
        source_branch: str,
        proposal_branch: str,
        subdir: str | None,
        proposals: Callable[[], Proposals] | None = None,
        extract: Extractor | None = None,
    ) -> None:
        self._repository = repository
        self._source = source
        self._mode = mode
        self._source_branch = source_branch
        self._proposal_branch = proposal_branch
        self._subdir = subdir
        self._proposals = proposals
        self._extract = extract

    def write(self, edits: Sequence[WriteBackEdit], now: datetime) -> WriteBackResult:
        try:
            with self._repository.checkout() as root:
                if self._mode == "commit":
                    return self._commit_mode(root, edits, now)
                return self._pull_request_mode(root, edits, now)
        except SourceError as exc:
            return WriteBackResult.all_as(edits, EditOutcome.RETRY, str(exc))

    # commit mode

    def _commit_mode(
        self, root: Path, edits: Sequence[WriteBackEdit], now: datetime
    ) -> WriteBackResult:
        for attempt in range(PUSH_ATTEMPTS):
            if attempt:
                self._repository.refresh()  # the branch's new commit, our commit dropped
            applied = self._committed(root, edits, now)
            if isinstance(applied, WriteBackResult):
                return applied
            target = f"HEAD:refs/heads/{self._source_branch}"
            push = ["push", "--porcelain", "--", self._repository.url, target]
            problem, report = self._repository.run(push)
            if problem is None:
                return WriteBackResult(applied.results, self._head())
            if not _refused_as_stale(report):
                return _retry_written(applied, f"git push failed: {problem}")
        return WriteBackResult.all_as(
            edits,
            EditOutcome.RETRY,
            f"the push to {self._source_branch} was refused {PUSH_ATTEMPTS} times (the branch "
            "moved on meanwhile); tried again next cycle",
        )

    # pull_request mode

    def _pull_request_mode(
        self, root: Path, edits: Sequence[WriteBackEdit], now: datetime
    ) -> WriteBackResult:
        applied = self._committed(root, edits, now)
        if isinstance(applied, WriteBackResult):
            return applied
        ref = f"refs/heads/{self._proposal_branch}"
        problem, listed = self._repository.run(["ls-remote", "--", self._repository.url, ref])
        if problem is not None:
            return _retry_written(applied, f"git ls-remote failed: {problem}")
        remote = listed.split()[0] if listed.strip() else ""
        pushed = False
        if not remote or not self._same_content(ref):
            lease = f"--force-with-lease={ref}:{remote}"
            push = ["push", "--porcelain", lease, "--", self._repository.url, f"HEAD:{ref}"]
            problem, _ = self._repository.run(push)
            if problem is not None:
                return _retry_written(applied, f"git push to {self._proposal_branch}: {problem}")
            pushed = True
        try:
            url, opened = self._proposal(applied)
        except HttpError as exc:
            where = "pushed; " if pushed else ""
            reason = f"{where}the pull request could not be opened: {exc}; tried again next cycle"
            if isinstance(exc, AmbiguousWriteError):
                reason = (
                    f"{where}the pull request may have been opened (no answer); looked for "
                    "again next cycle"
                )
            return _retry_written(applied, reason)
        outcome = EditOutcome.WRITTEN if pushed or opened else EditOutcome.PENDING
        return WriteBackResult(_as(applied, outcome), url)

    def withdraw(self) -> str | None:
        """A cycle with nothing to write: syncd's open request, if any, proposes nothing the
        documents still lack (people wrote the keys themselves, or merged another change).
        It is closed with a comment saying why; its URL, or None. The branch stays (never
        deleted; rebuilt when there is something to propose again). One ``git ls-remote``,
        and the hosting's API only while syncd's branch exists."""
        if self._mode != "pull_request" or self._proposals is None:
            return None
        ref = f"refs/heads/{self._proposal_branch}"
        problem, listed = self._repository.run(["ls-remote", "--", self._repository.url, ref])
        if problem is not None:
            raise SourceError(f"git ls-remote failed: {problem}")
        if not listed.strip():
            return None  # no branch of syncd's, so no request of its own
        client = self._proposals()
        try:
            return client.close_open(self._proposal_branch, self._source_branch, WITHDRAWN)
        finally:
            client.close()

    def _same_content(self, ref: str) -> bool:
        """Whether syncd's branch holds what this cycle would push (a rebuilt branch whose
        content is unchanged is not pushed again)."""
        fetch = ["fetch", "--quiet", "--depth", "1", "--no-tags", "--", self._repository.url, ref]
        if self._repository.run(fetch)[0] is not None:
            return False
        problem, trees = self._repository.run(["rev-parse", "HEAD^{tree}", "FETCH_HEAD^{tree}"])
        names = trees.split()
        return problem is None and len(names) == 2 and names[0] == names[1]

    def _proposal(self, applied: Applied) -> tuple[str, bool]:
        """The open request's URL, and whether this call opened it."""
        if self._proposals is None:
            raise SourceError("no hosting is configured for pull requests")
        client = self._proposals()
        try:
            found = client.find_open(self._proposal_branch, self._source_branch)
            if found is not None:
                return found, False
            title, body = _proposal_text(applied.written)
            return client.open(self._proposal_branch, self._source_branch, title, body), True
        finally:
            client.close()

    # shared

    def _committed(
        self, root: Path, edits: Sequence[WriteBackEdit], now: datetime
    ) -> Applied | WriteBackResult:
        """The edits applied and committed; or, when nothing changed or the commit failed,
        the result to answer with."""
        applied = self._apply(root, edits)
        if not applied.changed:
            return WriteBackResult(applied.results)
        problem = self._commit(applied, now)
        if problem is not None:
            return _retry_written(applied, problem)
        return applied

    def _apply(self, root: Path, edits: Sequence[WriteBackEdit]) -> Applied:
        by_document: dict[str, list[WriteBackEdit]] = defaultdict(list)
        for edit in edits:
            by_document[edit.document].append(edit)
        results: dict[str, EditResult] = {}
        changed: list[str] = []
        written: list[WriteBackEdit] = []
        for document, of_document in by_document.items():
            path = root / document
            problem = _unwritable(path, root, self._repository.clone_dir)
            if problem is not None:
                # Gone since the read (renamed, moved, deleted): a concurrent edit, which the
                # next cycle's read sees; the edits are planned again where the items are then.
                gone = not path.exists() and not path.is_symlink()
                outcome = EditOutcome.RETRY if gone else EditOutcome.FAILED
                for edit in of_document:
                    results[edit.item_id] = EditResult(edit.item_id, outcome, problem)
                continue
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                reason = (
                    f"{document} is not UTF-8; syncd writes only text it can keep byte for byte"
                )
                for edit in of_document:
                    results[edit.item_id] = EditResult(edit.item_id, EditOutcome.FAILED, reason)
                continue
            edited = edit_document(
                text, of_document, source=self._source, document=document, extract=self._extract
            )
            for edit, result in zip(of_document, edited.results, strict=True):
                results[edit.item_id] = result
                if result.outcome is EditOutcome.WRITTEN:
                    written.append(edit)
            if edited.changed:
                path.write_bytes(edited.text.encode("utf-8"))
                changed.append(path.relative_to(self._repository.clone_dir).as_posix())
        ordered = tuple(results[edit.item_id] for edit in edits)
        return Applied(ordered, tuple(changed), tuple(written))

    def _commit(self, applied: Applied, now: datetime) -> str | None:
        name, email = AUTHOR
        message = _commit_message(applied.written)
        problem, _ = self._repository.run(["add", "--", *applied.changed])
        if problem is not None:
            return f"git add failed: {problem}"
        commit = [
            "-c", f"user.name={name}", "-c", f"user.email={email}",
            "commit", "--quiet", "--no-verify", f"--date={now.isoformat()}",
            "-m", message, "--", *applied.changed,
        ]  # fmt: skip
        problem, _ = self._repository.run(commit)
        return None if problem is None else f"git commit failed: {problem}"

    def _head(self) -> str | None:
        problem, head = self._repository.run(["rev-parse", "HEAD"])
        return None if problem is not None else f"commit {head.strip()}"


def _unwritable(path: Path, root: Path, clone: Path) -> str | None:
    if points_outside(path, clone) or points_outside(path, root):
        return f"{path.name} points outside the repository (a symlink); not written to"
    if path.is_symlink():
        return f"{path.name} is a symlink; syncd writes only the file itself"
    if not path.is_file():
        return f"{path.name} is no longer in the repository (renamed or removed since it was read)"
    return None


def _refused_as_stale(problem: str) -> bool:
    return any(word in problem for word in _REFUSED_AS_STALE)


def _as(applied: Applied, outcome: EditOutcome) -> tuple[EditResult, ...]:
    return tuple(
        EditResult(r.item_id, outcome, r.reason) if r.outcome is EditOutcome.WRITTEN else r
        for r in applied.results
    )


def _retry_written(applied: Applied, reason: str) -> WriteBackResult:
    return WriteBackResult(
        tuple(
            EditResult(r.item_id, EditOutcome.RETRY, reason)
            if r.outcome is EditOutcome.WRITTEN
            else r
            for r in applied.results
        )
    )


def _commit_message(written: Sequence[WriteBackEdit]) -> str:
    keys = sorted({edit.key for edit in written})
    lines = [f"syncd: tracker keys for {len(written)} action item(s): {', '.join(keys[:8])}"]
    if len(keys) > 8:
        lines[0] += f" and {len(keys) - 8} more"
    lines.append("")
    for edit in written[:50]:
        done = " (done)" if edit.done else ""
        lines.append(f"- {edit.key}{done}: {edit.document}:{edit.line}")
    return "\n".join(lines)


def _proposal_text(written: Sequence[WriteBackEdit]) -> tuple[str, str]:
    title = "syncd: tracker keys in postmortems"
    body = [
        "syncd mirrors the action items of these postmortems to the tracker. This change writes "
        "each item's issue key (a link) next to it, and marks done the items whose issue is "
        "done, so that readers see where the work is. It changes nothing else in the files.",
        "",
        "syncd keeps this branch up to date each cycle; merge it when you like.",
        "",
    ]
    body += [f"- {edit.key}: {edit.document}:{edit.line}" for edit in written[:100]]
    return title, "\n".join(body)
