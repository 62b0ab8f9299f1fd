"""Item identity that survives editing.

An item's id is derived from (team, source, document, normalised title, occurrence), so an empty
state store computes the same ids again for unchanged items. When the store already knows the
document, extracted items are matched to the known ones first — exactly, then by similarity —
so an item keeps its id when the document is reordered, when its wording changes a little, or
when it moves to another section. Only what matches nothing gets a new id. An item whose
source names it by a stable id of its own (``RawItem.native_id``: an incident.io follow-up, a
Confluence task) takes the id derived from that instead, so even a full rewording keeps it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

from syncd.model import KnownItem, RawItem

ID_LENGTH = 16  # hex digits: 64 bits keeps collisions out of reach for any realistic fleet

# Below this similarity (0-100) two titles are different items. Chosen on the corpus: a fixed
# typo or a few added words scores 80+, sibling items of one document rarely pass 70, and a
# pair competes only when both sides lost their exact match in the same edit.
MATCH_THRESHOLD = 72.0

_NON_WORD = re.compile(r"[^\w]+")


def normalize_title(title: str) -> str:
    """Lower-case words only: punctuation, markup leftovers, accents and spacing do not count."""
    if title.isascii():  # the common case, and nothing to decompose
        folded = title.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", title)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def item_id(team: str, source: str, document: str, title: str, occurrence: int = 0) -> str:
    """The deterministic id of the ``occurrence``-th item with this title in this document."""
    return _hash_id(team, source, document, normalize_title(title), occurrence)


def _hash_id(team: str, source: str, document: str, normalized: str, occurrence: int) -> str:
    key = "\x1f".join((team, source, document, normalized, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:ID_LENGTH]


def title_similarity(a: str, b: str) -> float:
    """0-100. Plain edit similarity, or token-set overlap for added/removed words.

    Token-set similarity alone would call any title a perfect match of its own prefix, so it is
    discounted and only counts when the shorter title keeps at least three words.
    """
    return normalized_similarity(normalize_title(a), normalize_title(b))


def normalized_similarity(na: str, nb: str) -> float:
    """``title_similarity`` of two titles already normalised (``normalize_title``)."""
    if not na or not nb:
        return 0.0
    plain = fuzz.ratio(na, nb)
    if min(len(na.split()), len(nb.split())) >= 3:
        return max(plain, 0.92 * fuzz.token_set_ratio(na, nb))
    return plain


class MatchKind(StrEnum):
    EXACT = "exact"  # same normalised title (and occurrence): the id as computed
    SIMILAR = "similar"  # reworded a little: keeps the known item's id
    NEW = "new"  # matches nothing known
    MOVED = "moved"  # a known item gone from another document, file or source (identity_across)


@dataclass(frozen=True, slots=True)
class Assignment:
    id: str
    kind: MatchKind
    previous_title: str | None = None  # the known title, when matched by similarity


@dataclass(frozen=True, slots=True)
class DocumentMatch:
    assignments: tuple[Assignment, ...]  # one per extracted item, in document order
    unmatched_known: tuple[KnownItem, ...]  # known items of the document no longer in it


def match_document(
    team: str,
    source: str,
    document: str,
    items: Sequence[RawItem],
    known: Sequence[KnownItem],
    *,
    taken_ids: AbstractSet[str] = frozenset(),
    assigned_elsewhere: AbstractSet[str] = frozenset(),
) -> DocumentMatch:
    """Give each extracted item of one document its id.

    ``known`` are the state store's items of this document (orphaned ones included, so an item
    put back is recognised). An item orphaned in an earlier cycle comes back only by its very
    text: a new item merely similar to it is new, and never takes over the removed item's
    issue. ``taken_ids`` are ids in use elsewhere in the team, which a new id must avoid.
    """
    # A known item of this document whose id another document's item took this cycle by its
    # native id moved there: it is neither matched here nor left behind.
    known = [k for k in known if k.id not in assigned_elsewhere]
    known_ids = {k.id for k in known}
    used: set[str] = set()
    normalized = [normalize_title(item.title) for item in items]
    occurrences = _occurrences(normalized)
    computed = [
        _hash_id(team, source, document, normalized[index], occurrences[index])
        for index in range(len(items))
    ]
    native = _match_native(team, source, items, known_ids, used, assigned_elsewhere)
    assigned = _match_exactly(normalized, computed, known, used, native)
    _match_similar(items, known, assigned, used)

    # 3. New: the deterministic id, moved past any id already taken.
    def taken(candidate: str) -> bool:
        return candidate in used or candidate in known_ids or candidate in taken_ids

    result: list[Assignment] = []
    for index, assignment in enumerate(assigned):
        if assignment is None:
            new_id = computed[index]
            occurrence = occurrences[index]
            while taken(new_id):
                occurrence += 1
                new_id = _hash_id(team, source, document, normalized[index], occurrence)
            used.add(new_id)
            assignment = Assignment(new_id, MatchKind.NEW)
        result.append(assignment)

    unmatched = tuple(k for k in known if k.id not in used)
    return DocumentMatch(tuple(result), unmatched)


def native_item_id(team: str, source: str, native_id: str) -> str:
    """The id of an item its source names by a stable id of its own (``RawItem.native_id``,
    unique in the source): the same in whichever document of the source the item is."""
    return _hash_id(team, source, "", "\x00native\x00" + native_id, 0)


def _match_native(
    team: str,
    source: str,
    items: Sequence[RawItem],
    known_ids: AbstractSet[str],
    used: set[str],
    assigned_elsewhere: AbstractSet[str],
) -> list[Assignment | None]:
    """Step 0: an item with a native id has the id derived from it, whatever its title says
    (exact when the store knows it, else new); title matching never sees it."""
    assigned: list[Assignment | None] = [None] * len(items)
    for index, item in enumerate(items):
        if item.native_id is None:
            continue
        derived = native_item_id(team, source, item.native_id)
        if derived in used or derived in assigned_elsewhere:
            continue  # a source repeating a native id: the repeat is matched by title
        kind = MatchKind.EXACT if derived in known_ids else MatchKind.NEW
        assigned[index] = Assignment(derived, kind)
        used.add(derived)
    return assigned


def _match_exactly(
    normalized: Sequence[str],
    computed: Sequence[str],
    known: Sequence[KnownItem],
    used: set[str],
    assigned: list[Assignment | None],
) -> list[Assignment | None]:
    """Step 1, exact: a known item with the same normalised title (the store's title, not the
    id: an id can outlive the wording it was computed from). Fills ``assigned`` where step 0
    left it empty; ids taken go into ``used``."""
    known_by_title: dict[str, list[KnownItem]] = {}
    for k in sorted(known, key=lambda k: (k.line, k.id)):
        for title in dict.fromkeys(normalize_title(t) for t in known_titles(k)):
            known_by_title.setdefault(title, []).append(k)
    for index, title in enumerate(normalized):
        if assigned[index] is not None:
            continue
        same = [k for k in known_by_title.get(title, ()) if k.id not in used]
        if same:
            # The known item whose id this text would compute wins; else the first in order.
            chosen = next((k for k in same if k.id == computed[index]), same[0])
            assigned[index] = Assignment(chosen.id, MatchKind.EXACT)
            used.add(chosen.id)
    return assigned


def _match_similar(
    items: Sequence[RawItem],
    known: Sequence[KnownItem],
    assigned: list[Assignment | None],
    used: set[str],
) -> None:
    """Step 2, similar: best pairs first among what is left on both sides; not an item removed
    in an earlier cycle (its issue is left alone; another action would take it over). Fills
    ``assigned`` and ``used``."""
    open_items = [i for i, a in enumerate(assigned) if a is None]
    open_known = [k for k in known if k.id not in used and k.orphaned_at is None]
    if not (open_items and open_known):
        return
    pairs = sorted(
        ((_pair_score(items[i], k), i, k) for i in open_items for k in open_known),
        key=lambda p: (-p[0], p[1], p[2].line, p[2].id),
    )
    for score, index, known_item in pairs:
        if score < MATCH_THRESHOLD:
            break
        if assigned[index] is not None or known_item.id in used:
            continue
        assigned[index] = Assignment(known_item.id, MatchKind.SIMILAR, known_item.title)
        used.add(known_item.id)


def _occurrences(normalized_titles: Sequence[str]) -> list[int]:
    """For each item, how many earlier items of the document share its normalised title."""
    seen: dict[str, int] = {}
    result = []
    for title in normalized_titles:
        result.append(seen.get(title, 0))
        seen[title] = seen.get(title, 0) + 1
    return result


def _wordings(item: RawItem, known: KnownItem) -> list[str]:
    """The known item's wordings, and each without the item's own references: a title read
    before the extraction took a pointing reference out ("Rotate keys, see PAY-12") still
    matches its item ("Rotate keys") when the title is too short for the token-set rule."""
    titles = list(known_titles(known))
    for title in list(titles):
        stripped = title
        for ref in item.tracker_refs:
            stripped = stripped.replace(ref, " ")
        if stripped != title:
            titles.append(stripped)
        if item.tracker_refs and _pointer_tail_of(item.title, title):
            titles.append(item.title)
    return titles


# Words of a pointer's lead-in or of a link's text that older extractions left in a title.
_POINTER_WORDS = frozenset({
    "see", "also", "tracked", "in", "at", "ticket", "tickets", "jira", "issue", "issues", "bug",
    "link", "here", "the", "this", "a", "github", "gitlab", "pr", "mr", "via", "ref", "cf",
    "for", "details", "tracking",
})  # fmt: skip


def _pointer_tail_of(title: str, known_title: str) -> bool:
    """Whether ``known_title`` is ``title`` followed only by a pointer's words: the same item
    read before its reference's link text ("Rotate keys, see the ticket") left the title.

    Only for an item that names a reference (the caller checks), so that a short title that
    merely begins a longer one is never taken for it.
    """
    short, long = normalize_title(title), normalize_title(known_title)
    if not short or not long.startswith(short + " "):
        return False
    tail = long[len(short) + 1 :].split()
    return 0 < len(tail) <= 6 and all(word in _POINTER_WORDS for word in tail)


def known_titles(known: KnownItem) -> tuple[str, ...]:
    """Every wording a known item answers to: its title, then its aliases."""
    return (known.title, *known.aliases)


def _pair_score(item: RawItem, known: KnownItem) -> float:
    score = max(title_similarity(item.title, title) for title in _wordings(item, known))
    # Between equally similar candidates, prefer the one still in the same section.
    if item.section == known.section:
        score += 0.5
    return score
