"""Identity across documents: an item that moved to another file, folder or source keeps its id.

``syncd.reconcile.identity`` matches items within their document. What is left over on both sides —
items that matched nothing in their document, and known items that vanished from theirs (or whose
document or source is gone) — is matched here by the same rules, plus the postmortem: the text must
be similar and the postmortem the same (its title or its date), so that a file renamed or moved, a
source renamed, or an item moved between two files of one postmortem keeps its issue. A known item
that vanished in this very cycle may also be taken by an item of another postmortem with the very
same text (moved to another postmortem); one orphaned in an earlier cycle is not, so an old removed
item never captures a new postmortem's identical action, and within its own postmortem only its very
text takes it back (a merely similar new item is new).

Near-linear: candidates are found through indexes (exact text, postmortem title, date, rare
words), never by comparing every pair, so a thousand moved items against a thousand candidates
cost a few thousand similarity calls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from syncd.model import KnownItem
from syncd.reconcile.identity import (
    MATCH_THRESHOLD,
    known_titles,
    normalize_title,
    normalized_similarity,
)

# Above this many candidates of one postmortem, only those sharing the rarest words are scored.
POOL_LIMIT = 48
# A word in more candidates than this says nothing about which one is meant.
COMMON_WORD = 200
# Ties between equally similar candidates: the same postmortem title and date, then the source.
_SAME_TITLE_BONUS = 3.0
_SAME_DATE_BONUS = 3.0
_SAME_SOURCE_BONUS = 0.5

# Of two normalised titles (``normalize_title``): each text is normalised once, not per pair.
Similarity = Callable[[str, str], float]


@dataclass(frozen=True, slots=True)
class Newcomer:
    """An item that matched nothing known in its own document."""

    title: str
    source: str
    postmortem_title: str
    postmortem_date: date | None


def match_across_documents(
    newcomers: Sequence[Newcomer],
    candidates: Sequence[KnownItem],
    *,
    vanished_now: Iterable[str] = (),
    similarity: Similarity = normalized_similarity,
) -> dict[int, KnownItem]:
    """Newcomer index → the known item it is. Best pairs first; each side used once.

    ``candidates`` are known items no document holds any more in this cycle; ``vanished_now``
    the ids among them that a document held until now (not orphaned in an earlier cycle).
    """
    if not newcomers or not candidates:
        return {}
    index = _CandidateIndex(candidates)
    fresh = set(vanished_now)
    pairs: list[tuple[float, int, int]] = []
    for position, newcomer in enumerate(newcomers):
        text = normalize_title(newcomer.title)
        if not text:
            continue
        postmortem = normalize_title(newcomer.postmortem_title)
        same_postmortem = index.of_postmortem(postmortem, newcomer.postmortem_date)
        exact = {
            c
            for c in index.exact.get(text, ())
            if c in same_postmortem or candidates[c].id in fresh
        }
        if exact:
            # The very same text: nothing similar can score higher, so nothing else is scored.
            pool, scored = exact, False
        else:
            pool, scored = same_postmortem, True
            if len(pool) > POOL_LIMIT:
                pool = index.sharing_rare_words(text, within=pool)
        for c in pool:
            known = candidates[c]
            score = max(similarity(text, title) for title in index.titles[c]) if scored else 100.0
            if c not in same_postmortem:
                # Another postmortem: only the very same text, moved in this cycle.
                if score < 100.0 or known.id not in fresh:
                    continue
            elif score < MATCH_THRESHOLD or (score < 100.0 and known.orphaned_at is not None):
                # Removed in an earlier cycle: only its very text takes it back.
                continue
            bonus = _bonus(newcomer, postmortem, known, index.postmortems[c])
            pairs.append((score + bonus, position, c))
    pairs.sort(key=lambda p: (-p[0], p[1], candidates[p[2]].id))
    matched: dict[int, KnownItem] = {}
    taken: set[int] = set()
    for _score, position, c in pairs:
        if position in matched or c in taken:
            continue
        matched[position] = candidates[c]
        taken.add(c)
    return matched


def _bonus(newcomer: Newcomer, postmortem: str, known: KnownItem, known_postmortem: str) -> float:
    bonus = 0.0
    if postmortem and postmortem == known_postmortem:
        bonus += _SAME_TITLE_BONUS
    if newcomer.postmortem_date is not None and newcomer.postmortem_date == known.postmortem_date:
        bonus += _SAME_DATE_BONUS
    if newcomer.source == known.source:
        bonus += _SAME_SOURCE_BONUS
    return bonus


class _CandidateIndex:
    """The candidates by exact text, by postmortem title, by postmortem date and by word."""

    def __init__(self, candidates: Sequence[KnownItem]) -> None:
        self.exact: dict[str, list[int]] = {}
        self.titles: list[tuple[str, ...]] = []  # each candidate's normalised wordings
        self.postmortems: list[str] = []  # each candidate's normalised postmortem title
        self._by_title: dict[str, list[int]] = {}
        self._by_date: dict[date, list[int]] = {}
        self._words: dict[str, list[int]] = {}
        for c, known in enumerate(candidates):
            titles = tuple(dict.fromkeys(normalize_title(t) for t in known_titles(known)))
            self.titles.append(titles)
            words: set[str] = set()
            for title in titles:
                self.exact.setdefault(title, []).append(c)
                words.update(title.split())
            for word in words:
                self._words.setdefault(word, []).append(c)
            postmortem = normalize_title(known.postmortem_title or "")
            self.postmortems.append(postmortem)
            if postmortem:
                self._by_title.setdefault(postmortem, []).append(c)
            if known.postmortem_date is not None:
                self._by_date.setdefault(known.postmortem_date, []).append(c)

    def of_postmortem(self, title: str, day: date | None) -> set[int]:
        """Candidates of the postmortem with this (normalised) title or this date."""
        found = set(self._by_title.get(title, ())) if title else set()
        if day is not None:
            found.update(self._by_date.get(day, ()))
        return found

    def sharing_rare_words(self, text: str, *, within: set[int]) -> set[int]:
        """The ``POOL_LIMIT`` candidates of ``within`` sharing the most words with ``text``,
        words held by more than ``COMMON_WORD`` candidates not counted."""
        shared: Counter[int] = Counter()
        for word in set(text.split()):
            posting = self._words.get(word, ())
            if len(posting) > COMMON_WORD:
                continue
            shared.update(c for c in posting if c in within)
        return {c for c, _count in shared.most_common(POOL_LIMIT)}
