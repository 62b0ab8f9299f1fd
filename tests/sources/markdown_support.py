"""Helpers for the markdown source tests: a fake extractor, file and git repository builders."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from connectors.markdown import MarkdownSettings, MarkdownSource
from syncd.model import DocumentFailure, ExtractedDocument, Postmortem
from syncd.plugins import SourceContext


class FakeExtractor:
    """Records what it was given; the document's title is its first line."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, text: str, *, source: str, document: str) -> ExtractedDocument:
        self.calls.append((source, document, text))
        title = text.splitlines()[0] if text else ""
        return ExtractedDocument(Postmortem(source, document, title, None, None), ())


def make_source(
    context: SourceContext, settings: dict[str, Any], extract: Any, **kwargs: Any
) -> MarkdownSource:
    return MarkdownSource(
        "pm-repo", MarkdownSettings.model_validate(settings), context, extract=extract, **kwargs
    )


def read_all(source: MarkdownSource) -> list[ExtractedDocument | DocumentFailure]:
    return list(source.read())


def documents(results: list[ExtractedDocument | DocumentFailure]) -> list[str]:
    return [r.postmortem.document for r in results if isinstance(r, ExtractedDocument)]


def failures(results: list[ExtractedDocument | DocumentFailure]) -> dict[str, str]:
    return {r.document: r.error for r in results if isinstance(r, DocumentFailure)}


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# git for building the test repositories, untouched by the machine's own git configuration.
_GIT_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=_GIT_ENV, check=True, capture_output=True, text=True
    )
    return done.stdout


def make_repo(path: Path, files: dict[str, str], branch: str = "main") -> Path:
    path.mkdir(parents=True)
    git(path, "init", "--quiet", "--initial-branch", branch)
    commit(path, files, "initial")
    return path


def commit(repo: Path, files: Mapping[str, str | None], message: str) -> None:
    for name, text in files.items():
        if text is None:
            (repo / name).unlink()
        else:
            write(repo / name, text)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)
