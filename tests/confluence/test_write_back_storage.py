"""Write-back into the storage format (``connectors.confluence.write_back``): the key goes into
the item's tracker cell or after its text, a done item is marked as the page marks done items,
nothing else of the page changes by a single byte, a second run changes nothing, and the items
read back with the same titles and task ids (their identity)."""

from __future__ import annotations

import re

import pytest

from connectors.confluence.extract import PageMeta, extract_page, locate_items
from connectors.confluence.spans import SpansUnaligned, element_spans
from connectors.confluence.storage import parse_storage
from connectors.confluence.write_back import KeyEdit, Outcome, edit_page
from tests.confluence.support import fixture, fixture_names

META = PageMeta("65537", "Checkout outage", 3, None, "https://wiki/p?pageId=65537", None)
URL = "https://acme.atlassian.net/browse/"


def _edits(body: str, *, done: bool = False) -> list[KeyEdit]:
    """An edit for each item naming no issue yet (as the core plans them)."""
    located = locate_items(body, META, source="wiki").items
    return [
        KeyEdit(i.item.line, i.item.title, f"PAY-{900 + n}", f"{URL}PAY-{900 + n}", done,
                i.item.native_id)
        for n, i in enumerate(located)
        if not i.item.tracker_refs
    ]  # fmt: skip


_EMPTY_FORM = re.compile(r"<([\w:]+)([^<>]*?)/>")


def _without_links(before: str, after: str, keys: list[str]) -> str:
    """``after`` with each key's link taken out (once; with the space written before it), and
    both texts' ``<x/>`` written ``<x></x>`` (an empty cell is written so to hold the key):
    equal to ``before`` when the links are all that changed."""
    for key in keys:
        in_text, alone = _link(key, in_text=True), _link(key)
        for written in (f" {in_text}", in_text, f" {alone}", alone):
            if written in after:
                after = after.replace(written, "", 1)
                break
        else:
            raise AssertionError(f"{key} was not written")

    def expand(m: re.Match[str]) -> str:
        return f"<{m.group(1)}{m.group(2).rstrip()}></{m.group(1)}>"

    assert _EMPTY_FORM.sub(expand, after) == _EMPTY_FORM.sub(expand, before)
    return after


def _link(key: str, *, in_text: bool = False) -> str:
    link = f'<a href="{URL}{key}">{key}</a>'
    return f"({link})" if in_text else link


@pytest.mark.parametrize("name", fixture_names())
def test_every_element_of_a_realistic_page_is_found_in_its_text(name: str) -> None:
    body = fixture(name)
    root = parse_storage(body)
    spans = element_spans(body, root)
    elements = [e for e in root.iterdescendants() if isinstance(e.tag, str)]
    assert len(spans) == len(elements) > 0
    for span in spans.values():
        assert body[span.start :].startswith("<" + span.tag)
        assert body[: span.end].endswith(">")
        assert span.start < span.inner_start <= span.inner_end <= span.end


@pytest.mark.parametrize("name", fixture_names())
def test_keys_go_into_realistic_pages_changing_nothing_else_and_once(name: str) -> None:
    body = fixture(name)
    before = extract_page(body, META, source="wiki")
    edits = _edits(body)
    first = edit_page(body, META, edits, source="wiki")
    assert all(o.outcome is Outcome.WRITTEN for o in first.outcomes)
    _without_links(body, first.body, [e.key for e in edits])  # and nothing else changed
    # Read back: the same items (titles, ids, lines), each naming its key now.
    after = extract_page(first.body, META, source="wiki")
    assert [(i.title, i.native_id, i.line) for i in after.items] == [
        (i.title, i.native_id, i.line) for i in before.items
    ]
    by_line = {i.line: i for i in after.items}
    for edit in edits:
        assert edit.key in by_line[edit.line].tracker_refs
        assert edit.url in by_line[edit.line].tracker_refs
    # Idempotent: the second run finds every key and writes nothing.
    second = edit_page(first.body, META, edits, source="wiki")
    assert second.body == first.body and not second.changed
    assert all(o.outcome is Outcome.PRESENT for o in second.outcomes)


def test_cdata_entities_macros_and_quoting_stay_byte_identical() -> None:
    body = (
        "<h2>Action items</h2>\n"
        "<ul><li>Fix the&nbsp;retry &amp; backoff &rsquo;loop&rsquo; "
        '<ac:link><ri:user ri:account-id="557058:aa" /></ac:link></li></ul>\n'
        "<ac:structured-macro ac:name='code' ac:schema-version=\"1\"><ac:parameter "
        'ac:name="language">bash</ac:parameter><ac:plain-text-body><![CDATA[if a < b && '
        "c > d; then echo '<li>'; fi]]></ac:plain-text-body></ac:structured-macro>\n"
        '<p><ac:image ac:height="250"><ri:attachment ri:filename="graph.png" /></ac:image></p>'
    )
    edits = _edits(body)
    edited = edit_page(body, META, edits, source="wiki")
    link = f' (<a href="{URL}PAY-900">PAY-900</a>)'
    at = body.index("</li>")
    assert edited.body == body[:at] + link + body[at:]


def test_a_task_gets_its_key_in_its_body_and_its_complete_status_when_done() -> None:
    body = (
        "<h2>Action items</h2><ac:task-list>\n<ac:task><ac:task-id>12</ac:task-id>"
        "<ac:task-status>incomplete</ac:task-status><ac:task-body><span>Page the on-call</span>"
        "<ul><li>with a runbook</li></ul></ac:task-body></ac:task>\n</ac:task-list>"
    )
    [edit] = _edits(body, done=True)
    assert edit.native_id == f"{META.document}#task-12"
    edited = edit_page(body, META, [edit], source="wiki")
    assert edited.outcomes[0].outcome is Outcome.WRITTEN
    assert "<ac:task-status>complete</ac:task-status>" in edited.body
    # before the nested list: the key is on the task's own line
    assert '<span>Page the on-call</span> (<a href="' in edited.body
    [item] = extract_page(edited.body, META, source="wiki").items
    assert item.done and item.native_id == edit.native_id and item.title == "Page the on-call"


def test_a_reworded_task_is_still_found_by_its_id() -> None:
    body = (
        "<h2>Action items</h2><ac:task-list><ac:task><ac:task-id>5</ac:task-id>"
        "<ac:task-status>incomplete</ac:task-status><ac:task-body>Old words</ac:task-body>"
        "</ac:task></ac:task-list>"
    )
    [edit] = _edits(body)
    reworded = body.replace("Old words", "<p>Intro</p><p>New words</p>")
    edited = edit_page(reworded, META, [edit], source="wiki")
    assert edited.outcomes[0].outcome is Outcome.WRITTEN
    assert "<p>New words (<a" in edited.body


_TABLE = (
    "<h2>Action items</h2><table><tbody>"
    "<tr><th><p>Action</p></th><th><p>Owner</p></th><th><p>Status</p></th>"
    "<th><p>Jira</p></th></tr>"
    "<tr><td><p>Add a canary</p></td><td><p>bob</p></td><td><p>Open</p></td><td>{cell}</td></tr>"
    "<tr><td><p>Fix the pool</p></td><td><p>ann</p></td><td>{done}</td><td><p>PAY-1</p></td></tr>"
    "</tbody></table>"
)
_STATUS_MACRO = (
    '<p><ac:structured-macro ac:name="status" ac:schema-version="1"><ac:parameter '
    'ac:name="colour">Green</ac:parameter><ac:parameter ac:name="title">DONE</ac:parameter>'
    "</ac:structured-macro></p>"
)


@pytest.mark.parametrize("cell", ["", "<p />", "<p></p>", "<p>&nbsp;</p>", "<br />"])
def test_the_key_goes_into_an_empty_tracker_cell(cell: str) -> None:
    body = _TABLE.format(cell=cell, done=_STATUS_MACRO)
    edits = _edits(body)[:1]
    edited = edit_page(body, META, edits, source="wiki")
    assert edited.outcomes[0].outcome is Outcome.WRITTEN
    _without_links(body, edited.body, ["PAY-900"])
    assert "<td><p>Add a canary</p></td>" in edited.body  # in its own cell, not after the text
    assert _link("PAY-900", in_text=True) not in edited.body
    item = extract_page(edited.body, META, source="wiki").items[0]
    assert item.title == "Add a canary" and "PAY-900" in item.tracker_refs


def test_a_tracker_cell_a_person_wrote_in_is_left_alone() -> None:
    body = _TABLE.format(cell="<p>TBD with ops</p>", done=_STATUS_MACRO)
    edited = edit_page(body, META, _edits(body)[:1], source="wiki")
    assert edited.body == body
    assert edited.outcomes[0].outcome is Outcome.REFUSED
    assert "tracker cell" in (edited.outcomes[0].reason or "")


def test_a_done_row_is_marked_as_the_table_marks_its_done_rows() -> None:
    body = _TABLE.format(cell="", done=_STATUS_MACRO)
    edited = edit_page(body, META, _edits(body, done=True)[:1], source="wiki")
    row = edited.body.split("<tr>")[2]
    assert f"<td>{_STATUS_MACRO}</td>" in row  # the DONE status macro, copied
    assert extract_page(edited.body, META, source="wiki").items[0].done


def test_a_done_row_in_a_table_without_done_rows_says_done() -> None:
    body = _TABLE.format(cell="", done="<p>Open</p>")
    edited = edit_page(body, META, _edits(body, done=True)[:1], source="wiki")
    assert "<td><p>Done</p></td>" in edited.body.split("<tr>")[2]
    assert "<p>Open</p>" in edited.body.split("<tr>")[3]  # the other row untouched


def test_without_a_tracker_column_the_key_follows_the_action() -> None:
    body = (
        "<h2>Action items</h2><table><tbody><tr><th>Action</th><th>Owner</th></tr>"
        "<tr><td>Add a canary</td><td /></tr></tbody></table>"
    )
    edited = edit_page(body, META, _edits(body), source="wiki")
    assert f'<td>Add a canary (<a href="{URL}PAY-900">PAY-900</a>)</td><td />' in edited.body
    assert extract_page(edited.body, META, source="wiki").items[0].title == "Add a canary"


def test_an_item_moved_by_a_concurrent_edit_is_found_by_its_title() -> None:
    body = "<h2>Action items</h2><ul><li>Add a canary</li><li>Fix the pool</li></ul>"
    edits = _edits(body)
    moved = body.replace("<ul>", "<ul><li>A new first item</li>")
    edited = edit_page(moved, META, edits, source="wiki")
    assert [o.outcome for o in edited.outcomes] == [Outcome.WRITTEN, Outcome.WRITTEN]
    assert "<li>A new first item</li>" in edited.body


def test_an_item_gone_or_ambiguous_after_a_concurrent_edit_is_not_guessed() -> None:
    body = "<h2>Action items</h2><ul><li>Add a canary</li><li>Fix the pool</li></ul>"
    edits = _edits(body)
    changed = (
        "<h2>Action items</h2><ul><li>new</li><li>x</li><li>Fix the pool</li>"
        "<li>Fix the pool</li></ul>"
    )
    edited = edit_page(changed, META, edits, source="wiki")
    assert edited.body == changed
    assert [o.outcome for o in edited.outcomes] == [Outcome.MISSING, Outcome.MISSING]


def test_hostile_keys_and_urls_are_escaped() -> None:
    body = "<h2>Action items</h2><ul><li>Add a canary</li></ul>"
    [edit] = _edits(body)
    hostile = KeyEdit(edit.line, edit.title, "PAY-1", 'https://x/browse/PAY-1?a=1&b="<li>', False)
    edited = edit_page(body, META, [hostile], source="wiki")
    assert "&amp;b=&quot;&lt;li&gt;" in edited.body
    assert len(parse_storage(edited.body).findall(".//li")) == 1


def test_an_unreadable_page_is_refused_whole() -> None:
    edit = KeyEdit(5, "x", "PAY-1", None, False)
    edited = edit_page("<p>open", META, [edit], source="wiki")
    assert edited.body == "<p>open" and edited.outcomes[0].outcome is Outcome.REFUSED


def test_spans_that_do_not_pair_with_the_tree_are_refused() -> None:
    with pytest.raises(SpansUnaligned):
        element_spans("<p>a</p><ul />", parse_storage("<p>a</p><ol />"))
