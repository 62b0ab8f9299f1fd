"""Clean titles (issue 17 point 3), generated: every connector, reference form and position.

A reference that only points at an issue goes to ``tracker_refs`` and leaves nothing behind in
the title: no reference, no lead-in word, no dangling punctuation or bracket. A reference that
is the object of the action stays where the author wrote it.
"""

from __future__ import annotations

import re

import pytest

from connectors.markdown.extract import extract_document
from syncd.connector.model import RawItem

ACTION = "Rotate the keys for shard 3"
JIRA_URL = "https://acme.atlassian.net/browse/PAY-12"
GITHUB_URL = "https://github.com/acme/pay/issues/5"

# (markdown as written, the references it gives, as written)
REFERENCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "key": ("PAY-12", ("PAY-12",)),
    "number": ("#123", ("#123",)),
    "repo_number": ("acme/repo#45", ("acme/repo#45",)),
    "jira_url": (JIRA_URL, (JIRA_URL,)),
    "github_url": (GITHUB_URL, (GITHUB_URL,)),
    "link_the_issue": (f"[the issue]({GITHUB_URL})", (GITHUB_URL,)),
    "link_ticket": (f"[ticket]({JIRA_URL})", (JIRA_URL,)),
    "link_key": (f"[PAY-12]({JIRA_URL})", ("PAY-12", JIRA_URL)),
    "link_here": (f"[here]({GITHUB_URL})", (GITHUB_URL,)),
    "autolink": (f"<{JIRA_URL}>", (JIRA_URL,)),
}
# How an author sets a reference after the action: "{ref}" is the reference.
TAIL_CONNECTORS = {
    "see": " see {ref}",
    "comma_see": ", see {ref}",
    "dash": " - {ref}",
    "em_dash": " — {ref}",
    "colon": ": {ref}",
    "paren": " ({ref})",
    "bracket": " [{ref}]",
    "tracked_in": " tracked in {ref}",
    "ticket": " ticket {ref}",
    "jira": " jira {ref}",
    "via": " via {ref}",
    "ref": " ref {ref}",
    "cf": " cf. {ref}",
    "see_paren": " see ({ref})",
    "paren_see": " (see {ref})",
    "dash_jira": " - jira {ref}",
}
# Lead-ins inside a bracket or a clause in the middle of the action.
LEAD_INS = ["see ", "tracked in ", "ticket ", "jira ", "via ", "ref ", "cf. ", ""]
HEADS = {"colon": "{ref}: ", "dash": "{ref} - ", "em_dash": "{ref} — ", "bracket": "[{ref}] ",
         "paren": "({ref}) "}  # fmt: skip
# What may stand around the reference without changing what it is.
EMPHASIS = {"plain": "{ref}", "bold": "**{ref}**", "italic": "_{ref}_"}

_LEFTOVER = re.compile(
    r"(?i:\b(?:see|tracked|ticket|jira|via|ref|cf|the issue|here)\W*$)|[-—:,;(\[]\s*$|[(\[]\s*[)\]]"
)
_REFERENCE = re.compile(r"PAY-12|#\d+|https?://|acme/")


def only_item(markdown: str) -> RawItem:
    found = extract_document(markdown, source="pm", document="d.md").items
    assert len(found) == 1, [i.title for i in found]
    return found[0]


def from_list(text: str) -> RawItem:
    return only_item(f"## Action items\n\n- {text}\n")


def assert_clean(item: RawItem, action: str, refs: tuple[str, ...]) -> None:
    assert item.title == action, item.title
    assert not _REFERENCE.search(item.title)
    assert not _LEFTOVER.search(item.title)
    assert item.tracker_refs == refs


def _emphasised(ref: str, emphasis: str) -> str:
    return EMPHASIS[emphasis].format(ref=ref)


def _cases(emphases: tuple[str, ...] = ("plain",)) -> list[tuple[str, str, str]]:
    return [(r, c, e) for r in REFERENCES for c in TAIL_CONNECTORS for e in emphases]


@pytest.mark.parametrize(("ref", "connector", "emphasis"), _cases(("plain", "bold", "italic")))
def test_a_reference_at_the_tail_leaves_only_the_action(
    ref: str, connector: str, emphasis: str
) -> None:
    written, refs = REFERENCES[ref]
    tail = TAIL_CONNECTORS[connector].format(ref=_emphasised(written, emphasis))
    assert_clean(from_list(ACTION + tail), ACTION, refs)


@pytest.mark.parametrize(("ref", "head"), [(r, h) for r in REFERENCES for h in HEADS])
def test_a_reference_at_the_head_leaves_only_the_action(ref: str, head: str) -> None:
    written, refs = REFERENCES[ref]
    assert_clean(from_list(HEADS[head].format(ref=written) + ACTION), ACTION, refs)


@pytest.mark.parametrize(("ref", "lead_in"), [(r, w) for r in REFERENCES for w in LEAD_INS])
@pytest.mark.parametrize("bracket", ["()", "[]"])
def test_a_pointing_bracket_in_the_middle_goes(ref: str, lead_in: str, bracket: str) -> None:
    written, refs = REFERENCES[ref]
    text = f"Rotate the keys {bracket[0]}{lead_in}{written}{bracket[1]} before the audit"
    assert_clean(from_list(text), "Rotate the keys before the audit", refs)


@pytest.mark.parametrize(("ref", "lead_in"), [(r, w) for r in REFERENCES for w in LEAD_INS])
@pytest.mark.parametrize("clause", [", {lead}{ref}, ", " — {lead}{ref} — "])
def test_a_pointing_clause_in_the_middle_goes(ref: str, lead_in: str, clause: str) -> None:
    if clause.startswith(",") and not lead_in:
        pytest.skip("a bare reference between commas is a list of objects: 'Close PAY-1, PAY-2'")
    written, refs = REFERENCES[ref]
    text = "Rotate the keys" + clause.format(lead=lead_in, ref=written) + "before the audit"
    assert_clean(from_list(text), "Rotate the keys before the audit", refs)


@pytest.mark.parametrize(("ref", "connector", "emphasis"), _cases())
def test_a_reference_in_a_table_cell(ref: str, connector: str, emphasis: str) -> None:
    written, refs = REFERENCES[ref]
    cell = ACTION + TAIL_CONNECTORS[connector].format(ref=written)
    table = f"## Action items\n\n| Action | Owner |\n|---|---|\n| {cell} | @alice |\n"
    item = only_item(table)
    assert_clean(item, ACTION, refs)
    assert item.owner_text == "@alice"


@pytest.mark.parametrize("ref", REFERENCES)
@pytest.mark.parametrize(
    ("template", "done", "owner", "due"),
    [
        ("[x] {action}, see {ref}", True, None, None),
        ("✅ {action} - {ref}", True, None, None),
        ("{action} (done), see {ref}", True, None, None),
        ("{action}, see {ref} (done)", True, None, None),
        ("{action} (done, see {ref})", True, None, None),
        ("{action}, merged in {ref}", True, None, None),
        ("{action}, see {ref} @alice due 2026-05-01", False, "@alice", "2026-05-01"),
        ("{action} (see {ref}) (owner: Alice Smith, due: 2026-05-01)", False, "Alice Smith",
         "2026-05-01"),
        ("{action} - jira {ref} @alice", False, "@alice", None),
        ("@alice {action}: {ref}", False, "@alice", None),
    ],
)  # fmt: skip
def test_a_reference_among_markers_and_annotations(
    ref: str, template: str, done: bool, owner: str | None, due: str | None
) -> None:
    written, refs = REFERENCES[ref]
    item = from_list(template.format(action=ACTION, ref=written))
    assert_clean(item, ACTION, refs)
    assert (item.done, item.owner_text, item.due_text) == (done, owner, due)


def test_several_pointers_at_the_tail_all_go() -> None:
    assert_clean(
        from_list("Rotate the keys for shard 4 see (PAY-14) - jira PAY-14"),
        "Rotate the keys for shard 4",
        ("PAY-14",),
    )
    assert_clean(
        from_list(f"Rotate the keys for shard 3, see PAY-12 and [the issue]({GITHUB_URL})"),
        ACTION,
        ("PAY-12", GITHUB_URL),
    )


@pytest.mark.parametrize(
    "title",
    [
        "Backport PAY-12 to 5.x",
        "Close #45 once the fix ships",
        "Link PAY-1 in the runbook",
        "Backport PAY-12",
        "Close #45",
        "Close PAY-1, PAY-2",
        "Review acme/repo#45 with the payments team",
        "Attach the logs to ticket PAY-12",
        "Lower the TTL SRCH-303",
        # A bracket or clause that says more than where to look stays whole.
        "Track the reload surge (see #52 for the panel spec)",
        "Rotate the keys, see PAY-12 for the order of the shards",
    ],
)
def test_a_reference_that_is_the_object_of_the_action_stays(title: str) -> None:
    item = from_list(title)
    assert item.title == title
    assert item.tracker_refs


def test_an_issue_link_that_is_the_object_keeps_its_text() -> None:
    item = from_list(f"Close [the duplicate]({GITHUB_URL}) once the fix ships")
    assert (item.title, item.tracker_refs) == (
        "Close the duplicate once the fix ships",
        (GITHUB_URL,),
    )


def test_a_link_elsewhere_is_not_a_reference_and_stays() -> None:
    item = from_list("Rotate the keys, see [the runbook](https://wiki.acme.example/keys)")
    assert (item.title, item.tracker_refs) == ("Rotate the keys, see the runbook", ())
