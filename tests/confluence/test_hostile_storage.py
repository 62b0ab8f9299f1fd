"""Any storage-format body, well-formed or not, is read or refused whole: never an exception
out of the extraction, never a title or owner spanning lines, the same result every time."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.confluence.extract import PageMeta, extract_page
from syncd.connector.model import DocumentRejected, ExtractedDocument

META = PageMeta("1", "Page", 1, date(2026, 1, 1), "doc", "url")
# Text with what markdown would read as structure, invisible characters and entities.
_PIECES = [*"ab |*_#>-[]()`~\\:@1.\n\u00a0\u202e", "&nbsp;", "&amp;", "&lt;", "[x] ", "P1 "]
_LEAVES = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
_USER = st.sampled_from(['<ac:link><ri:user ri:account-id="557058:a-b"/></ac:link>', ""])
_TIME = st.sampled_from(['<time datetime="2026-12-01"/>', '<time datetime="soon"/>', ""])


def _wrap(tag: str) -> st.SearchStrategy[str]:
    return st.lists(st.deferred(lambda: _NODE), max_size=3).map(
        lambda kids: f"<{tag}>{''.join(kids)}</{tag}>"
    )


def _task(body: str, done: bool, user: str, when: str) -> str:
    status = "complete" if done else "incomplete"
    return (
        f"<ac:task><ac:task-id>1</ac:task-id><ac:task-status>{status}</ac:task-status>"
        f"<ac:task-body>{body}{user}{when}</ac:task-body></ac:task>"
    )


_TASKS = st.lists(st.builds(_task, _LEAVES, st.booleans(), _USER, _TIME), max_size=3).map(
    lambda tasks: f"<ac:task-list>{''.join(tasks)}</ac:task-list>"
)
_NODE: st.SearchStrategy[str] = st.one_of(
    _LEAVES,
    _USER,
    _TIME,
    _TASKS,
    st.sampled_from(["<h2>Action items</h2>", "<h2>Timeline</h2>", "<br/>", "<hr/>"]),
    *[_wrap(tag) for tag in ("p", "ul", "li", "ol", "strong", "s", "table", "tr", "td", "th")],
)
_BODY = st.lists(_NODE, max_size=8).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BODY)
def test_well_formed_bodies_are_read(body: str) -> None:
    first = _outcome(body)
    assert _outcome(body) == first  # the same every time
    if isinstance(first, ExtractedDocument):
        for item in first.items:
            assert "\n" not in item.title and "\n" not in (item.owner_text or "")


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/&;\"'=ac:p rix!-[]")), max_size=80))
def test_any_text_is_read_or_refused_whole(body: str) -> None:
    _outcome(body)


def _outcome(body: str) -> ExtractedDocument | str:
    try:
        return extract_page(body, META, source="wiki")
    except DocumentRejected as exc:
        return str(exc)
