"""Benchmark: identity across documents and rebuilt from the tracker. Prints figures only.

Run from the repository root:  .venv/bin/python -m bench.identity_moves [--items 1000]

``--items`` items in 100 postmortems are known (the store, or rebuilt from as many marked
issues); then every file is renamed and moved to another folder, and a tenth of the items are
reworded a little. ``build_team_items`` must give every item its known id back: the figures are
the wall time, how many items kept their id, and how many similarity calls it took (a pairwise
matching would need items x items).
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from syncd.model import ExtractedDocument, KnownItem, Postmortem, RawItem, Status
from syncd.reconcile import identity_across
from syncd.reconcile.identity import normalized_similarity
from syncd.reconcile.team_items import SourceOutcome, TeamItems, build_team_items
from syncd.resolve.people import PeopleDirectory
from syncd.resolve.resolver import ResolvePolicy

DOCUMENTS = 100
VERBS = ["Add", "Cap", "Rotate", "Document", "Alert on", "Page on", "Shard", "Cache"]


def _title(n: int) -> str:
    return f"{VERBS[n % len(VERBS)]} the queue {n} consumer limit at {n % 7 + 2} workers"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    items = parser.parse_args().items
    per_doc = max(1, items // DOCUMENTS)
    day0 = date(2026, 1, 1)
    known: list[KnownItem] = []
    documents: list[ExtractedDocument] = []
    for d in range(DOCUMENTS):
        when = day0 + timedelta(days=d)
        raws = []
        for k in range(per_doc):
            n = d * per_doc + k
            known.append(
                KnownItem(
                    f"id{n:06d}",
                    "pm",
                    f"{d}.md",
                    _title(n),
                    "Action Items",
                    k,
                    Status.OPEN,
                    postmortem_title=f"Incident {d}",
                    postmortem_date=when,
                )
            )
            text = _title(n) + (" now" if n % 10 == 0 else "")  # a tenth reworded a little
            raws.append(RawItem(text, "Action Items", k))
        pm = Postmortem("pm", f"archive/{d}-renamed.md", f"Incident {d}", when, "front_matter")
        documents.append(ExtractedDocument(pm, tuple(raws)))

    calls = 0

    def counted(a: str, b: str) -> float:
        nonlocal calls
        calls += 1
        return normalized_similarity(a, b)

    defaults = identity_across.match_across_documents.__kwdefaults__
    assert defaults is not None
    defaults["similarity"] = counted  # count the calls of this run

    def build(known_items: list[KnownItem]) -> tuple[float, TeamItems]:
        started = time.perf_counter()
        reading = build_team_items(
            "payments",
            [SourceOutcome("pm", tuple(documents))],
            known_items,
            {},
            today=day0 + timedelta(days=365),
            people=PeopleDirectory([]),
            policy=ResolvePolicy(due_days={"default": 56}),
        )
        return time.perf_counter() - started, reading

    alone, _ = build([])  # reading and resolving, no matching: the baseline
    seconds, reading = build(known)
    defaults["similarity"] = normalized_similarity
    kept = len({i.id for i in reading.items} & {k.id for k in known})
    print(f"items: {len(known)} known, {len(reading.items)} read after every file moved")
    print(f"kept their id: {kept}; orphaned: {len(reading.orphaned)}")
    print(f"similarity calls: {calls} (pairwise: {len(known) * len(reading.items)})")
    print(f"build_team_items: {seconds:.3f} s; without known items {alone:.3f} s")
    print(f"matching across documents: {seconds - alone:.3f} s")


if __name__ == "__main__":
    main()
