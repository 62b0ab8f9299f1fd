"""Finding and reading the document files under a source root.

Everything a file system can throw at a reader (symlink loops, broken links, fifos, huge or
binary files, bad encodings, permission errors, files vanishing mid-read) becomes a
``PathProblem`` naming the path and saying what to do; only an unreadable root is fatal.

Speed matters: a source of 2,000 postmortems is listed with ``os.scandir``, each file is
``stat``-ed once and its bytes are read once.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from connectors.markdown.path_globs import ExcludeMatcher, PathMatcher

BINARY_SNIFF_BYTES = 8192

# Reads at most ``limit + 1`` bytes of a file whose size was ``size_hint`` when listed; the extra
# byte tells a file that grew past the limit after it was listed.
ReadFile = Callable[[Path, int, int], bytes]


class RootUnreadable(Exception):
    """The source root itself is missing or unreadable: the whole source failed.

    The message is the reason alone ("does not exist"); the caller names the root.
    """


@dataclass(frozen=True, slots=True)
class FoundFile:
    document: str  # path relative to the source root, forward slashes
    path: Path
    size: int


@dataclass(frozen=True, slots=True)
class PathProblem:
    document: str
    error: str


def _is_hidden(name: str) -> bool:
    # .git, .github, editor lock files (.#notes.md, often dangling symlinks), .DS_Store …
    return name.startswith(".")


def find_documents(
    root: Path, include: PathMatcher, exclude: ExcludeMatcher
) -> list[FoundFile | PathProblem]:
    """Every file under ``root`` that ``include`` selects, or why it cannot be read; sorted.

    Symlinks are followed only while they stay inside ``root``: a link whose real path is outside
    (to ``/etc/passwd``, to ``/``, to a sibling folder) is reported and never read, so a document
    cannot pull in files the source was not meant to expose. A folder reached again through a
    link is a loop when it is one of the link's own parents (reported once, not entered);
    otherwise its files were already listed under their first path and are not listed twice
    (which would make duplicate items).
    """
    root_real = os.path.realpath(root)
    inside = _inside(root_real)
    found: list[FoundFile | PathProblem] = []
    visited = {root_real}
    # (folder path, its path relative to root with a trailing "/", real path, real paths of parents)
    pending: list[_Folder] = [(str(root), "", root_real, frozenset({root_real}))]
    # Linked folders wait until every real folder was listed, so a file is listed under its real
    # path, whatever the names sort like, and never a second time under a link's name.
    linked: list[_Folder] = []
    while pending or linked:
        if (next_folder := _next_folder(pending, linked, visited)) is None:
            continue
        folder, prefix, folder_real, ancestors = next_folder
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            if not prefix:
                raise RootUnreadable(_root_error(exc)) from None
            found.append(PathProblem(prefix, _folder_error(exc)))
            continue
        for entry in entries:
            if _is_hidden(entry.name):
                continue
            relative = prefix + entry.name
            if _is_folder(entry):
                if exclude.excludes_folder(relative):
                    continue
                if not entry.is_symlink():
                    real = os.path.join(folder_real, entry.name)
                    if real not in visited:
                        visited.add(real)
                        pending.append((entry.path, relative + "/", real, ancestors | {real}))
                    continue
                real = os.path.realpath(entry.path)
                if not inside(real):
                    found.append(PathProblem(relative, POINTS_OUTSIDE))
                elif real in ancestors:
                    found.append(PathProblem(relative, _loop_message(real)))
                else:
                    linked.append((entry.path, relative + "/", real, ancestors | {real}))
            elif include.matches(relative) and not exclude.excludes_file(relative):
                found.append(_inspect(entry, relative, inside))
    found.sort(key=lambda item: item.document)
    return found


_Folder = tuple[str, str, str, frozenset[str]]


def _next_folder(
    pending: list[_Folder], linked: list[_Folder], visited: set[str]
) -> _Folder | None:
    """The next folder to list: real folders first; a linked one unless already listed."""
    if pending:
        return pending.pop()
    folder = linked.pop(0)
    folder_real = folder[2]
    if folder_real in visited:
        return None
    visited.add(folder_real)
    return folder


def inspect_file(path: Path, document: str) -> FoundFile | PathProblem:
    """A single file named by the source's path, checked like the files of a folder."""
    try:
        info = path.stat()
    except OSError as exc:
        return PathProblem(document, _stat_error(exc, path.is_symlink(), path))
    # The source names this file itself, so a link here is the team's choice: read its target.
    return _regular_file(info, Path(os.path.realpath(path)), document)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop or an unreadable link target: reported as a file, if selected
        return False


def _inspect(
    entry: os.DirEntry[str], document: str, inside: Callable[[str], bool]
) -> FoundFile | PathProblem:
    path = Path(entry.path)
    if entry.is_symlink():
        real = os.path.realpath(entry.path)
        if not inside(real):
            return PathProblem(document, POINTS_OUTSIDE)
        # The resolved path is what gets read, without following links (``read_at_most``), so a
        # link swapped for one pointing outside after this check is refused, not read.
        path = Path(real)
    try:
        info = entry.stat()
    except OSError as exc:
        return PathProblem(document, _stat_error(exc, entry.is_symlink(), Path(entry.path)))
    return _regular_file(info, path, document)


def _inside(root_real: str) -> Callable[[str], bool]:
    """Whether a real path is ``root_real`` or below it."""
    prefix = root_real.rstrip(os.sep) + os.sep
    return lambda real: real == root_real or real.startswith(prefix)


def points_outside(path: Path, root: Path) -> bool:
    """Whether ``path``, links resolved, is outside ``root`` (links resolved too)."""
    return not _inside(os.path.realpath(root))(os.path.realpath(path))


def _regular_file(info: os.stat_result, path: Path, document: str) -> FoundFile | PathProblem:
    if not stat.S_ISREG(info.st_mode):
        # Reading a fifo would block the cycle forever; a device file is never a postmortem.
        return PathProblem(
            document, "not a regular file (a fifo, socket or device); exclude it or remove it"
        )
    return FoundFile(document, path, info.st_size)


def _stat_error(exc: OSError, is_link: bool, path: Path) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop: the link resolves to itself through other links; fix or remove it"
    if isinstance(exc, FileNotFoundError):
        if is_link:
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return (
                f"broken symlink: it points at {target!r}, which does not exist; fix or remove it"
            )
        return _VANISHED
    if isinstance(exc, PermissionError):
        return _PERMISSION_DENIED
    return f"cannot be read: {exc.strerror or exc}"


def _root_error(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    if isinstance(exc, NotADirectoryError):
        return "is not a directory"
    if isinstance(exc, PermissionError):
        return "cannot be read (permission denied); make it readable by the user syncd runs as"
    return f"cannot be read: {exc.strerror or exc}"


def _folder_error(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return (
            "folder cannot be listed (permission denied); make it readable by the user syncd "
            "runs as. Its documents are kept as they were"
        )
    if isinstance(exc, FileNotFoundError):
        return "folder disappeared while the source was being listed; it is read again next cycle"
    return f"folder cannot be listed: {exc.strerror or exc}"


def _loop_message(target: str) -> str:
    return (
        f"symlink loop: the link points at {target}, one of its own parent folders; "
        "remove the link or add it to `exclude`"
    )


POINTS_OUTSIDE = (
    "points outside the source: it is a symlink whose real path is not under the source root, "
    "so it is not read; move the file into the source, or remove the link"
)
_VANISHED = (
    "the file disappeared between listing and reading (moved or deleted while syncd ran); "
    "it is read again next cycle"
)
_REPLACED_BY_LINK = (
    "the file was replaced by a symlink between listing and reading; it is read again next cycle"
)
_PERMISSION_DENIED = "permission denied; make the file readable by the user syncd runs as"


def read_at_most(path: Path, size_hint: int, limit: int) -> bytes:
    """Up to ``limit + 1`` bytes of the file: what the listing saw, plus any growth since."""
    # O_NONBLOCK: should the file have been swapped for a fifo since it was listed, opening it
    # must not wait for a writer. Regular files ignore the flag.
    # O_NOFOLLOW: the listing resolved and checked every link; a link put in its place since then
    # (pointing outside the source) fails with ELOOP instead of being read.
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW
    fd = os.open(path, flags)
    with open(fd, "rb", closefd=True) as handle:
        data = handle.read(min(size_hint, limit) + 1)
        if size_hint < len(data) <= limit:
            data += handle.read(limit + 1 - len(data))
        return data


@dataclass(frozen=True, slots=True)
class DocumentText:
    document: str
    text: str


def load_text(
    found: FoundFile, max_bytes: int, read: ReadFile = read_at_most
) -> DocumentText | PathProblem:
    """The file's text, decoded as strict UTF-8 (a BOM is accepted), or why it is skipped."""
    if found.size > max_bytes:
        # Decided on the listing's size: a 5 MB file is never read just to be refused.
        return PathProblem(found.document, _too_large(found.size, max_bytes))
    try:
        data = read(found.path, found.size, max_bytes)
    except FileNotFoundError:
        return PathProblem(found.document, _VANISHED)
    except PermissionError:
        return PathProblem(found.document, _PERMISSION_DENIED)
    except IsADirectoryError:
        return PathProblem(found.document, _VANISHED)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return PathProblem(found.document, _REPLACED_BY_LINK)
        return PathProblem(found.document, f"cannot be read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return PathProblem(found.document, _too_large(len(data), max_bytes, grew=True))
    nul = data.find(b"\x00", 0, BINARY_SNIFF_BYTES)
    if nul != -1:
        return PathProblem(
            found.document,
            f"binary file (NUL byte at offset {nul}), not a markdown document; "
            "narrow `glob` or add it to `exclude`",
        )
    return decode_utf8(found.document, data)


def decode_utf8(document: str, data: bytes) -> DocumentText | PathProblem:
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[start:].decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        line = data.count(b"\n", 0, offset) + 1
        return PathProblem(
            document,
            f"not valid UTF-8: byte 0x{data[offset]:02x} at offset {offset} (line {line}); "
            "save the file as UTF-8",
        )
    return DocumentText(document, text)


def _too_large(size: int, limit: int, *, grew: bool = False) -> str:
    what = "over" if not grew else "grew past"
    return (
        f"{_human(size)} ({size:,} bytes) is {what} max_document_bytes ({limit:,}); "
        "raise max_document_bytes for this source, or exclude the file"
    )


def _human(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
