"""What ``syncd sync --explain`` adds: per document, why each item was taken (section, rule)
and why each candidate list or table was passed over, so an author whose style is not read
can see why and adapt. The decisions are recorded by the extraction
(``ExtractedDocument.explanations``); sources that record none show none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.markup import escape

from syncd.cycle.team_cycle import TeamRun
from syncd.model import ExtractedDocument, ExtractionStep


def step_json(step: ExtractionStep) -> dict[str, Any]:
    return {
        "line": step.line,
        "taken": step.taken,
        "what": step.what,
        "section": step.section,
        "rule": step.rule,
    }


def explain_json(run: TeamRun) -> list[dict[str, Any]]:
    """``teams.NAME.explain``: one entry per document read."""
    return [
        {
            "source": doc.postmortem.source,
            "document": doc.postmortem.document,
            "steps": [step_json(step) for step in doc.explanations],
        }
        for doc in _documents(run)
    ]


def render_explain(console: Console, runs: Iterable[TeamRun]) -> None:
    for run in runs:
        documents = _documents(run)
        if not documents:
            continue
        console.rule(f"[bold]why: team {escape(run.team)}")
        for doc in documents:
            pm = doc.postmortem
            # Titles, sections and headings are the document's text: never markup.
            console.print(f"[bold]{escape(pm.source)}:{escape(pm.document)}[/]", soft_wrap=True)
            if not doc.explanations:
                console.print("  [dim]no decisions recorded (no lists, tables or labels read)[/]")
            for step in doc.explanations:
                console.print(f"  {escape(step_line(step))}", soft_wrap=True)


def step_line(step: ExtractionStep) -> str:
    where = f"line {step.line}" if step.line is not None else "line ?"
    section = f'"{step.section}"' if step.section else "(no section)"
    if step.taken:
        return f'{where}: took "{step.what}" in {section}: {step.rule}'
    return f"{where}: skipped the {step.what} in {section}: {step.rule}"


def _documents(run: TeamRun) -> list[ExtractedDocument]:
    return list(run.reading.documents) if run.reading is not None else []
