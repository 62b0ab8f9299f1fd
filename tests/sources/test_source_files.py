"""The markdown source over local files: which files are read, in what order, and bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connectors.markdown.files import read_at_most
from connectors.markdown.path_globs import ExcludeMatcher, PathMatcher
from syncd.model import DocumentFailure, ExtractedDocument
from syncd.plugins import SourceContext, SourceError
from tests.sources.markdown_support import (
    FakeExtractor,
    documents,
    failures,
    make_source,
    read_all,
    write,
)


@pytest.fixture
def root(context: SourceContext) -> Path:
    path = context.config_dir.parent / "postmortems"
    path.mkdir()
    return path


# --- which files, in which order ---------------------------------------------------------------


def test_reads_a_folder_recursively_in_sorted_order(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    for name in ["b.md", "a/z.md", "a.md", "a/b/c.md", "notes.txt", "c.markdown"]:
        write(root / name, f"# {name}\n")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["a.md", "a/b/c.md", "a/z.md", "b.md"]
    assert failures(results) == {}
    assert all(source == "pm-repo" for source, _, _ in fake_extract.calls)
    assert fake_extract.calls[1] == ("pm-repo", "a/b/c.md", "# a/b/c.md\n")


def test_glob_list_selects_other_extensions(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    for name in ["a.md", "b.markdown", "c.txt", "d/e.markdown", "f.rst"]:
        write(root / name, "x")
    settings = {"path": "../postmortems", "glob": ["**/*.md", "**/*.markdown", "*.txt"]}
    results = read_all(make_source(context, settings, fake_extract))
    assert documents(results) == ["a.md", "b.markdown", "c.txt", "d/e.markdown"]


def test_exclude_by_name_folder_and_path(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    for name in [
        "TEMPLATE.md",
        "2024/TEMPLATE.md",
        "drafts/x.md",
        "2024/drafts/y.md",
        "archive/2019/old.md",
        "archive/2020/kept.md",
        "2024/real.md",
    ]:
        write(root / name, "x")
    settings = {
        "path": "../postmortems",
        "exclude": ["TEMPLATE.md", "drafts", "archive/2019/**"],
    }
    results = read_all(make_source(context, settings, fake_extract))
    assert documents(results) == ["2024/real.md", "archive/2020/kept.md"]


def test_hidden_files_and_folders_are_skipped(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / ".git/HEAD.md", "x")
    write(root / ".github/ISSUE_TEMPLATE/pm.md", "x")
    write(root / ".#lock.md", "x")
    write(root / "real.md", "x")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["real.md"]


def test_path_glob_roots_documents_at_its_fixed_prefix(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    for name in ["payments/2024/a.md", "payments/b.md", "payments/c.txt", "search/d.md"]:
        write(root / name, "x")
    source = make_source(context, {"path": "../postmortems/payments/**/*.md"}, fake_extract)
    assert documents(read_all(source)) == ["2024/a.md", "b.md"]
    top_level = make_source(context, {"path": "../postmortems/payments/*.md"}, fake_extract)
    assert documents(read_all(top_level)) == ["b.md"]


def test_absolute_path_and_single_file(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "sub/one.md", "x")
    write(root / "two.md", "x")
    assert documents(read_all(make_source(context, {"path": str(root)}, fake_extract))) == [
        "sub/one.md",
        "two.md",
    ]
    single = make_source(context, {"path": "../postmortems/two.md"}, fake_extract)
    assert documents(read_all(single)) == ["two.md"]


def test_url_template_sets_the_postmortem_url(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "2024/db outage.md", "x")
    settings = {
        "path": "../postmortems",
        "url_template": "https://github.com/acme/pm/blob/main/payments/{path}",
    }
    [result] = read_all(make_source(context, settings, fake_extract))
    assert isinstance(result, ExtractedDocument)
    assert (
        result.postmortem.url == "https://github.com/acme/pm/blob/main/payments/2024/db%20outage.md"
    )


def test_no_url_without_template(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "a.md", "x")
    [result] = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert isinstance(result, ExtractedDocument)
    assert result.postmortem.url is None


def test_empty_folder_reads_nothing(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    assert read_all(make_source(context, {"path": "../postmortems"}, fake_extract)) == []


# --- the whole source failed -------------------------------------------------------------------


def test_missing_folder_is_a_source_error(
    context: SourceContext, fake_extract: FakeExtractor
) -> None:
    source = make_source(context, {"path": "../nowhere"}, fake_extract)
    with pytest.raises(SourceError, match=r"path '\.\./nowhere'.*does not exist"):
        read_all(source)


def test_glob_under_missing_folder_is_a_source_error(
    context: SourceContext, fake_extract: FakeExtractor
) -> None:
    source = make_source(context, {"path": "../nowhere/**/*.md"}, fake_extract)
    with pytest.raises(SourceError, match="does not exist"):
        read_all(source)


def test_glob_matching_nothing_in_an_existing_folder_is_empty(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "a.txt", "x")
    source = make_source(context, {"path": "../postmortems/**/*.md"}, fake_extract)
    assert read_all(source) == []


def test_root_that_is_a_file_of_the_wrong_kind(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "file.md", "x")
    source = make_source(context, {"path": "../postmortems/file.md/**/*.md"}, fake_extract)
    with pytest.raises(SourceError, match="not a directory"):
        read_all(source)


# --- bad documents: reported, and everything else still read -----------------------------------


def test_non_utf8_names_the_byte_offset(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "a.md", "fine")
    write(root / "latin1.md", "# Title\nCaf\xe9 down\n".encode("latin-1"))
    write(root / "z.md", "fine")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["a.md", "z.md"]
    error = failures(results)["latin1.md"]
    assert "not valid UTF-8" in error
    assert "offset 11" in error and "line 2" in error and "save the file as UTF-8" in error


def test_byte_order_mark_is_accepted_and_dropped(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "bom.md", b"\xef\xbb\xbf# Title\n")
    write(root / "bad-after-bom.md", b"\xef\xbb\xbf# T\xff\n")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["bom.md"]
    assert fake_extract.calls[0][2] == "# Title\n"
    assert "offset 6" in failures(results)["bad-after-bom.md"]


def test_too_large_is_refused_without_reading(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "big.md", "x" * 5000)
    write(root / "small.md", "x" * 100)
    read_paths: list[str] = []

    def recording_read(path: Path, size_hint: int, limit: int) -> bytes:
        read_paths.append(path.name)
        return read_at_most(path, size_hint, limit)

    settings = {"path": "../postmortems", "max_document_bytes": 1000}
    source = make_source(context, settings, fake_extract, read_file=recording_read)
    results = read_all(source)
    assert documents(results) == ["small.md"]
    assert read_paths == ["small.md"]
    error = failures(results)["big.md"]
    assert "5,000 bytes" in error and "max_document_bytes (1,000)" in error


def test_file_grown_past_the_limit_after_listing(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "growing.md", "x" * 10)

    def grown(path: Path, size_hint: int, limit: int) -> bytes:
        return b"x" * (limit + 1)

    settings = {"path": "../postmortems", "max_document_bytes": 100}
    results = read_all(make_source(context, settings, fake_extract, read_file=grown))
    assert "grew past max_document_bytes" in failures(results)["growing.md"]


def test_read_at_most_never_reads_past_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "f.md", "y" * 50)
    assert read_at_most(path, 10, 1000) == b"y" * 50  # grew from 10 to 50 bytes since listing
    assert read_at_most(path, 50, 20) == b"y" * 21
    assert read_at_most(path, 10, 20) == b"y" * 21


def test_binary_file_matching_the_glob(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "diagram.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(root / "ok.md", "x")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["ok.md"]
    assert "binary file (NUL byte at offset 8)" in failures(results)["diagram.md"]


def test_symlink_loop_is_reported_once_and_not_followed(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "a/doc.md", "x")
    write(root / "b.md", "x")
    (root / "a/loop").symlink_to(root)
    (root / "a/self").symlink_to(root / "a")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["a/doc.md", "b.md"]
    problems = failures(results)
    assert set(problems) == {"a/loop", "a/self"}
    assert all("symlink loop" in error for error in problems.values())


def test_symlinked_folder_is_followed_and_read_once(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "shared/notes.md", "x")
    (root / "2024").mkdir()
    (root / "2024/linked").symlink_to(root / "shared")
    write(root / "2025/a.md", "x")
    (root / "latest").symlink_to(root / "2025")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["2025/a.md", "shared/notes.md"]  # under their real paths
    assert failures(results) == {}


def test_file_symlinks_loop_and_broken(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    (root / "broken.md").symlink_to(root / "gone.md")
    (root / "ping.md").symlink_to(root / "pong.md")
    (root / "pong.md").symlink_to(root / "ping.md")
    (root / "broken.txt").symlink_to(root / "gone.txt")  # not selected: not reported
    write(root / "real.md", "x")
    (root / "alias.md").symlink_to(root / "real.md")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["alias.md", "real.md"]
    problems = failures(results)
    assert set(problems) == {"broken.md", "ping.md", "pong.md"}
    assert "broken symlink" in problems["broken.md"] and "gone.md" in problems["broken.md"]
    assert "symlink loop" in problems["ping.md"]


def test_fifo_is_not_read(context: SourceContext, root: Path, fake_extract: FakeExtractor) -> None:
    os.mkfifo(root / "pipe.md")
    write(root / "ok.md", "x")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    assert documents(results) == ["ok.md"]
    assert "not a regular file" in failures(results)["pipe.md"]


def test_permission_denied(context: SourceContext, root: Path, fake_extract: FakeExtractor) -> None:
    # Tests may run as root, where chmod 000 does not stop reading: the failure is injected.
    write(root / "locked.md", "x")
    write(root / "open.md", "x")

    def refusing(path: Path, size_hint: int, limit: int) -> bytes:
        if path.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(path))
        return read_at_most(path, size_hint, limit)

    source = make_source(context, {"path": "../postmortems"}, fake_extract, read_file=refusing)
    results = read_all(source)
    assert documents(results) == ["open.md"]
    assert "permission denied" in failures(results)["locked.md"]
    assert "readable by the user syncd runs as" in failures(results)["locked.md"]


def test_file_vanishing_between_listing_and_reading(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "a.md", "x")
    write(root / "b.md", "x")
    write(root / "c.md", "x")
    reading = make_source(context, {"path": "../postmortems"}, fake_extract).read()
    first = next(reading)  # the folder is listed before the first document is yielded
    (root / "b.md").unlink()
    rest = list(reading)
    assert isinstance(first, ExtractedDocument) and first.postmortem.document == "a.md"
    assert documents(rest) == ["c.md"]
    assert "disappeared between listing and reading" in failures(rest)["b.md"]


def test_extractor_exception_fails_only_that_document(context: SourceContext, root: Path) -> None:
    write(root / "a.md", "fine")
    write(root / "b.md", "boom")
    write(root / "c.md", "fine")
    fake = FakeExtractor()

    def fragile(text: str, *, source: str, document: str) -> ExtractedDocument:
        if text == "boom":
            raise RuntimeError("unexpected table shape")
        return fake(text, source=source, document=document)

    results = read_all(make_source(context, {"path": "../postmortems"}, fragile))
    assert documents(results) == ["a.md", "c.md"]
    assert results[1] == DocumentFailure(
        "pm-repo",
        "b.md",
        "extraction failed (RuntimeError: unexpected table shape); this is a bug in syncd, "
        "please report it together with the document",
    )


def test_failures_keep_the_sorted_order(
    context: SourceContext, root: Path, fake_extract: FakeExtractor
) -> None:
    write(root / "a.md", "x")
    write(root / "b.md", b"\x00")
    write(root / "c/d.md", "x")
    results = read_all(make_source(context, {"path": "../postmortems"}, fake_extract))
    order = [
        r.document if isinstance(r, DocumentFailure) else r.postmortem.document for r in results
    ]
    assert order == ["a.md", "b.md", "c/d.md"]


# --- patterns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("**/*.md", "a.md", True),
        ("**/*.md", "x/y/a.md", True),
        ("**/*.md", "a.mdx", False),
        ("*.md", "a.md", True),
        ("*.md", "x/a.md", False),
        ("2024/**/*.md", "2024/a.md", True),
        ("2024/**/*.md", "2024/q1/a.md", True),
        ("2024/**/*.md", "2025/a.md", False),
        ("202?-*.md", "2024-db.md", True),
        ("[0-9]*.md", "2024.md", True),
        ("[!0-9]*.md", "2024.md", False),
        ("[!0-9]*.md", "notes.md", True),
        ("a[.md", "a[.md", True),
        ("**", "any/thing", True),
        ("./*.md", "a.md", True),
    ],
)
def test_path_matcher(pattern: str, path: str, expected: bool) -> None:
    assert PathMatcher([pattern]).matches(path) is expected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("drafts", "drafts/a.md", True),
        ("drafts", "x/drafts/a.md", True),
        ("drafts", "mydrafts/a.md", False),
        ("TEMPLATE.md", "x/TEMPLATE.md", True),
        ("*.tmp.md", "x/a.tmp.md", True),
        ("archive/2019", "archive/2019/a.md", True),
        ("archive/2019", "x/archive/2019/a.md", False),
        ("archive/**", "archive/a.md", True),
        ("archive/", "archive/a.md", True),
    ],
)
def test_exclude_matcher(pattern: str, path: str, expected: bool) -> None:
    assert ExcludeMatcher([pattern]).excludes_file(path) is expected


def test_excluded_folder_is_not_entered() -> None:
    assert ExcludeMatcher(["archive/**"]).excludes_folder("archive")
    assert not ExcludeMatcher(["archive/*.md"]).excludes_folder("archive")
