"""Symlinks never leave the source: folders, globs, git checkouts and git.subdir."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from connectors.markdown.files import FoundFile, load_text, read_at_most
from syncd.plugins import SourceContext, SourceError
from tests.sources.markdown_support import (
    FakeExtractor,
    documents,
    failures,
    make_repo,
    make_source,
    read_all,
    write,
)

OUTSIDE = "points outside the source"
SECRET = "root:x:0:0:the secret outside the source\n"


@pytest.fixture
def root(context: SourceContext) -> Path:
    path = context.config_dir.parent / "postmortems"
    path.mkdir()
    return path


@pytest.fixture
def secret(context: SourceContext) -> Path:
    return write(context.config_dir.parent / "private" / "passwd.md", SECRET)


def _texts(fake_extract: FakeExtractor) -> list[str]:
    return [text for _, _, text in fake_extract.calls]


def test_links_out_of_a_folder_are_reported_and_never_read(
    context: SourceContext, root: Path, secret: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "ok.md", "# fine\n")
    (root / "passwd.md").symlink_to(secret)  # absolute link to a file outside
    (root / "relative.md").symlink_to(Path("..") / "private" / "passwd.md")
    (root / "private").symlink_to(secret.parent)  # a folder outside
    (root / "up").symlink_to(root.parent)  # the folder holding the source
    (root / "everything").symlink_to("/")  # the whole file system
    (root / "hop.md").symlink_to(root / "relative.md")  # inside, then out
    (root / "dangling.md").symlink_to(root.parent / "gone.md")
    (root / "etc-passwd.md").symlink_to("/etc/passwd")
    started = time.monotonic()
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert time.monotonic() - started < 10  # "/" was not walked
    assert documents(results) == ["ok.md"]
    problems = failures(results)
    expected = {"passwd.md", "relative.md", "private", "up", "everything", "hop.md"}
    assert set(problems) == expected | {"dangling.md", "etc-passwd.md"}
    assert all(OUTSIDE in error for error in problems.values())
    assert _texts(fake_extract) == ["# fine\n"]
    assert not any(str(secret.parent) in error for error in problems.values())


def test_links_inside_the_source_are_still_read(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "archive/2024-db.md", "# db\n")
    (root / "latest.md").symlink_to(Path("archive") / "2024-db.md")
    (root / "current").symlink_to(root / "archive")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["archive/2024-db.md", "latest.md"]
    assert failures(results) == {}


def test_a_folder_link_loop_is_reported_not_followed(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    (root / "a").mkdir()
    (root / "b").mkdir()
    (root / "a/to-b").symlink_to(root / "b")
    (root / "b/to-a").symlink_to(root / "a")
    (root / "a/self").symlink_to(root / "a")
    (root / "a/ping.md").symlink_to(root / "a/pong.md")
    (root / "a/pong.md").symlink_to(root / "a/ping.md")
    write(root / "b/doc.md", "x")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["b/doc.md"]  # once, under its real path
    problems = failures(results)
    assert set(problems) == {"a/ping.md", "a/pong.md", "a/self"}
    assert all("symlink loop" in error for error in problems.values())


def test_a_glob_source_keeps_to_its_root(
    context: SourceContext, root: Path, secret: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "2026/ok.md", "# ok\n")
    (root / "2026/leak.md").symlink_to(secret)
    (root / "2026/private").symlink_to(secret.parent)
    settings = {"path": "../postmortems/**/*.md"}
    results = read_all(make_source(context, settings, fake_extract))
    assert documents(results) == ["2026/ok.md"]
    assert set(failures(results)) == {"2026/leak.md", "2026/private"}
    assert SECRET not in _texts(fake_extract)


def test_a_link_swapped_in_after_listing_is_not_read(root: Path, secret: Path) -> None:
    # The race: the listing saw a regular file; before it is read, it becomes a link outside.
    document = write(root / "race.md", "# fine\n")
    found = FoundFile("race.md", document, document.stat().st_size)
    document.unlink()
    document.symlink_to(secret)
    loaded = load_text(found, 1 << 20)
    assert not hasattr(loaded, "text")
    assert "replaced by a symlink" in getattr(loaded, "error", "")
    with pytest.raises(OSError):
        read_at_most(document, 10, 100)


def test_a_single_file_path_may_be_a_link_the_team_chose(
    context: SourceContext, root: Path, secret: Path, fake_extract: FakeExtractor
) -> None:
    # The team file names this file itself; the boundary is about what a folder holds.
    (root / "only.md").symlink_to(secret)
    results = read_all(make_source(context, {"path": "../postmortems/only.md"}, fake_extract))
    assert documents(results) == ["only.md"]


# --- git checkouts -------------------------------------------------------------------------------


def _repo_with_links(tmp_path: Path, secret: Path) -> Path:
    origin = make_repo(
        tmp_path / "origin",
        {"payments/ok.md": "# ok\n", "search/other.md": "# other\n"},
    )
    links = {
        "payments/passwd.md": "/etc/passwd",
        "payments/leak.md": str(secret),
        "payments/up.md": "../../../private/passwd.md",
        "payments/root": "/",
        "payments/sibling.md": "../search/other.md",
        "escape": str(secret.parent),
        "inside": "payments",
    }
    for name, target in links.items():
        os.symlink(target, origin / name)
    from tests.sources.markdown_support import git

    git(origin, "add", "--all")
    git(origin, "commit", "--quiet", "--message", "links")
    return origin


def test_links_in_a_git_checkout_never_leave_it(
    context: SourceContext, tmp_path: Path, secret: Path, fake_extract: FakeExtractor
) -> None:
    origin = _repo_with_links(tmp_path, secret)
    results = read_all(make_source(context, {"git": {"url": str(origin)}}, fake_extract))
    # "inside" links to "payments": its files are listed once, under their real path.
    assert documents(results) == ["payments/ok.md", "payments/sibling.md", "search/other.md"]
    problems = failures(results)
    assert set(problems) == {
        "escape",
        "payments/leak.md",
        "payments/passwd.md",
        "payments/root",
        "payments/up.md",
    }
    assert all(OUTSIDE in error for error in problems.values())
    assert SECRET not in _texts(fake_extract)


def test_git_subdir_is_the_boundary(
    context: SourceContext, tmp_path: Path, secret: Path, fake_extract: FakeExtractor
) -> None:
    origin = _repo_with_links(tmp_path, secret)
    settings = {"git": {"url": str(origin), "subdir": "payments"}}
    results = read_all(make_source(context, settings, fake_extract))
    assert documents(results) == ["ok.md"]
    assert "sibling.md" in failures(results)  # inside the repository, outside the subdir
    assert all(OUTSIDE in error for error in failures(results).values())


def test_a_git_subdir_that_links_out_is_a_source_error(
    context: SourceContext, tmp_path: Path, secret: Path, fake_extract: FakeExtractor
) -> None:
    origin = _repo_with_links(tmp_path, secret)
    settings = {"git": {"url": str(origin), "subdir": "escape"}}
    with pytest.raises(SourceError, match=OUTSIDE):
        read_all(make_source(context, settings, fake_extract))
    assert fake_extract.calls == []


def test_a_git_subdir_linking_inside_the_repository_is_read(
    context: SourceContext, tmp_path: Path, secret: Path, fake_extract: FakeExtractor
) -> None:
    origin = _repo_with_links(tmp_path, secret)
    settings = {"git": {"url": str(origin), "subdir": "inside"}}
    results = read_all(make_source(context, settings, fake_extract))
    assert documents(results) == ["ok.md"]


def test_excluded_and_hidden_links_out_are_neither_read_nor_reported(
    context: SourceContext, root: Path, secret: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "ok.md", "# ok\n")
    (root / "vendor").symlink_to(secret.parent)
    (root / ".cache").symlink_to(secret.parent)
    (root / "TEMPLATE.md").symlink_to(secret)
    settings = {"path": "../postmortems", "exclude": ["vendor", "TEMPLATE.md"]}
    results = read_all(make_source(context, settings, fake_extract))
    assert documents(results) == ["ok.md"]
    assert failures(results) == {}
    assert _texts(fake_extract) == ["# ok\n"]


def test_a_link_through_a_linked_folder_inside_still_cannot_leave(
    context: SourceContext, root: Path, secret: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "real/ok.md", "# ok\n")
    (root / "real/out.md").symlink_to(secret)
    (root / "alias").symlink_to(root / "real")  # inside: listed under its real path only
    (root / "deep").mkdir()
    (root / "deep/alias").symlink_to(Path("..") / "real")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["real/ok.md"]
    assert set(failures(results)) == {"real/out.md"}
    assert SECRET not in _texts(fake_extract)
