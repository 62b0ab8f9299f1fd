"""Front matter within its limits: no anchors, small and shallow. A document whose front matter
is over them is reported and skipped, whatever the reading path (in process or in workers);
the other documents are read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from connectors.markdown import MarkdownSettings, MarkdownSource
from connectors.markdown.extract import extract_document
from connectors.markdown.files import FoundFile
from connectors.markdown.parallel import read_in_workers
from syncd.model import DocumentFailure, DocumentRejected, ExtractedDocument
from syncd.plugins import SourceContext
from syncd.reconcile.team_items import SourceOutcome, build_team_items
from syncd.resolve.people import PeopleDirectory
from syncd.resolve.resolver import ResolvePolicy
from tests.sources.markdown_support import write

BODY = "# Outage\n\n## Action items\n\n- [ ] Add an alert on queue depth @alice\n"
# Front matter of 300 bytes that stands for 9**7 values; built and printed, it took minutes.
LAUGHS = "".join(
    [
        "---\n",
        "a: &a [x, x, x, x, x, x, x, x, x]\n",
        *(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
            for p, n in zip("abcdef", "bcdefg", strict=True)
        ),
        "title: *g\n",
        "---\n",
    ]
)


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        (LAUGHS, "line 2: anchors (&name) and aliases (*name) are not allowed in front matter"),
        ("---\ntitle: &t Outage\n---\n", "line 2: anchors (&name) and aliases"),
        ("---\ndeep: " + "[" * 20 + "]" * 20 + "\n---\n", "line 2: front matter nests"),
        ("---\n" + ("k: " + "v" * 200 + "\n") * 400 + "---\n", "front matter is 81,"),
    ],
    ids=["laughs", "one anchor", "deep", "large"],
)
def test_front_matter_over_its_limits_rejects_the_document(front: str, reason: str) -> None:
    with pytest.raises(DocumentRejected) as rejected:
        extract_document(front + BODY, source="pm", document="2026-03-01-outage.md")
    assert str(rejected.value).startswith(reason)
    assert "the document was skipped" in str(rejected.value)


def test_a_rejected_document_is_skipped_and_the_others_are_read(
    context: SourceContext,
) -> None:
    root = context.config_dir.parent / "postmortems"
    write(root / "2026-03-01-bomb.md", LAUGHS + BODY)
    write(root / "2026-03-02-fine.md", "---\ntitle: Fine\n---\n" + BODY)
    results = list(MarkdownSource("pm", MarkdownSettings(path="../postmortems"), context).read())

    failed = {r.document: r.error for r in results if isinstance(r, DocumentFailure)}
    read = [r.postmortem.title for r in results if isinstance(r, ExtractedDocument)]
    assert read == ["Fine"]
    assert list(failed) == ["2026-03-01-bomb.md"]
    assert "aliases (*name) are not allowed in front matter" in failed["2026-03-01-bomb.md"]


def test_worker_processes_skip_a_rejected_document_the_same_way(tmp_path: Path) -> None:
    bomb = write(tmp_path / "2026-03-01-bomb.md", LAUGHS + BODY)
    fine = write(tmp_path / "2026-03-02-fine.md", BODY)
    files = [
        FoundFile("2026-03-01-bomb.md", bomb, bomb.stat().st_size),
        FoundFile("2026-03-02-fine.md", fine, fine.stat().st_size),
    ]
    results = list(read_in_workers(files, max_bytes=1 << 20, source="pm", budget=30.0))
    assert [type(r).__name__ for r in results] == ["PathProblem", "ExtractedDocument"]
    assert "not allowed in front matter" in str(getattr(results[0], "error", ""))


def test_a_far_front_matter_date_is_reported_and_the_file_name_date_used() -> None:
    text = "---\ntitle: Far\ndate: 9999-12-31\n---\n" + BODY
    document = extract_document(text, source="pm", document="2026-03-01-far.md")
    assert document.postmortem.date == date(2026, 3, 1)
    assert document.postmortem.date_origin == "filename"
    assert [p.message for p in document.problems] == [
        "front matter date: 9999-12-31 is not a postmortem's date (years 1990 to 2200); "
        "write the date of the incident"
    ]
    # The whole team used to fail here: the policy's due date overflowed the calendar.
    items = build_team_items(
        "payments",
        [SourceOutcome("pm", documents=(document,))],
        [],
        {},
        today=date(2026, 3, 2),
        people=PeopleDirectory([]),
        policy=ResolvePolicy(due_days={"default": 3650}, business_days=True),
    )
    assert [item.due.date for item in items.items if item.due] == [date(2040, 2, 24)]


def test_front_matter_that_is_not_yaml_is_reported_and_the_rest_read() -> None:
    text = "---\ntitle: [unclosed\n---\n" + BODY
    document = extract_document(text, source="pm", document="2026-03-01-x.md")
    assert [item.title for item in document.items] == ["Add an alert on queue depth"]
    assert document.problems[0].message.startswith("front matter: invalid YAML")
