"""Reading a team's sources through their connectors: the I/O edge before the pure core."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from syncd import plugins
from syncd.model import DocumentFailure, ExtractedDocument
from syncd.output.failure_streaks import FailureKey
from syncd.output.logs import get_logger, log_failure, log_recovery
from syncd.reconcile.team_items import SourceOutcome

# Called after each document with (source name, document); drives progress on a terminal.
DocumentCallback = Callable[[str, str], None]


def open_source(
    *,
    team: str,
    name: str,
    type_: str,
    settings: Any,
    config_dir: Path,
    cache_dir: Path,
    now: datetime,
) -> plugins.Source:
    """The source connector of one team's source, in its own cache folder."""
    context = plugins.SourceContext(
        team=team, config_dir=config_dir, cache_dir=cache_dir / team / name, now=now
    )
    source: plugins.Source = plugins.connector_class("source", type_)(name, settings, context)
    return source


def read_source(
    *,
    team: str,
    name: str,
    type_: str,
    settings: Any,
    config_dir: Path,
    cache_dir: Path,
    now: datetime,
    on_document: DocumentCallback | None = None,
) -> SourceOutcome:
    """Read one source completely. A failing source or connector never raises: it is reported."""
    log = get_logger(team=team, source=name)
    documents: list[ExtractedDocument] = []
    failures: list[DocumentFailure] = []
    try:
        source = open_source(
            team=team,
            name=name,
            type_=type_,
            settings=settings,
            config_dir=config_dir,
            cache_dir=cache_dir,
            now=now,
        )
        for result in source.read():
            if isinstance(result, DocumentFailure):
                failures.append(result)
                # Under ``syncd run`` a document skipped on every tick is news once.
                log_failure(
                    log,
                    _document_key(name, result.document),
                    "source.document_skipped",
                    error=result.error,
                    level="warning",
                    document=result.document,
                )
            else:
                documents.append(result)
                document = result.postmortem.document
                log_recovery(log, _document_key(name, document), document=document)
            if on_document is not None:
                on_document(
                    name,
                    result.document
                    if isinstance(result, DocumentFailure)
                    else result.postmortem.document,
                )
    except plugins.SourceError as exc:
        log_failure(log, FailureKey("source", name), "source.failed", error=str(exc))
        return SourceOutcome(name, tuple(documents), tuple(failures), str(exc))
    except Exception as exc:  # a connector bug must cost its source, never the team
        error = f"{type(exc).__name__}: {exc}"
        log_failure(log, FailureKey("source", name), "source.crashed", error=error, traceback=True)
        return SourceOutcome(name, tuple(documents), tuple(failures), error)
    log.debug("source.read", documents=len(documents), skipped=len(failures))
    return SourceOutcome(name, tuple(documents), tuple(failures))


def _document_key(source: str, document: str) -> FailureKey:
    return FailureKey("document", f"{source}/{document}")
