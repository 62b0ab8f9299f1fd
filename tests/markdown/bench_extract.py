"""Throughput of the markdown extraction: ``python tests/markdown/bench_extract.py [N]``.

Not a test (no ``test_`` prefix): it prints figures. It generates N (default 2,000) realistic
postmortems in memory (4-8 KB, 5-10 action items, in the styles the extractor reads), then
times ``extract_document`` over all of them on one core, after one warm-up pass.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from connectors.markdown.extract import extract_document

_SERVICES = ["payments-api", "ledger", "search-api", "checkout", "catalog", "auth", "webhooks"]
_PEOPLE = ["@alice", "@bob.k", "@carol-sre", "Dana Whitfield", "Eve Martin", "@frank", "Grace Liu"]
_VERBS = ["Add", "Alert on", "Document", "Automate", "Load-test", "Remove", "Rate-limit", "Cap"]
_OBJECTS = [
    "connection pool exhaustion in the {svc} writer",
    "the failover runbook for {svc}, including client-side checks",
    "retry budgets with jitter for every client of {svc}",
    "certificate expiry for all public endpoints of {svc}",
    "queue depth per partition of the {svc} consumer group",
    "the manual promotion procedure in the {svc} runbook",
    "a pre-merge check that resolves every internal zone used by {svc}",
]
_SENTENCES = [
    "The primary of the {svc} cluster lost its disk controller and the standby was promoted.",
    "Clients kept their existing connections to the old primary through the pooler.",
    "Retries hid the errors, so nothing paged on the actual failure for twenty minutes.",
    "The change had passed review because the diff looked like a harmless reordering.",
    "About 41% of requests failed; browse and product pages were not affected at all.",
    "The on-call engineer restarted the deployment, which opened fresh connections.",
    "We had no alert on the error rate of the writer because its retries masked them.",
]


def _paragraph(rng: random.Random, svc: str, sentences: int) -> str:
    return " ".join(rng.choice(_SENTENCES).format(svc=svc) for _ in range(sentences))


def _action(rng: random.Random, svc: str) -> str:
    return f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS).format(svc=svc)}"


def _due(rng: random.Random) -> str:
    return rng.choice(["2026-03-15", "Q3 2026", "1 Dec 2026", "TBD", "end of Q2", "Dec 1, 2026"])


def _table_section(rng: random.Random, svc: str, count: int) -> str:
    rows = ["| Action Item | Type | Owner | Bug |", "|---|---|---|---|"]
    for n in range(count):
        status = rng.choice(["**TODO**", "**DONE**"])
        bug = rng.choice(
            [
                f"PAY-{800 + n}",
                f"[PAY-{800 + n}](https://acme.atlassian.net/browse/PAY-{800 + n})",
                "#45",
            ]
        )
        kind = rng.choice(["mitigate", "prevent", "process", "detect"])
        rows.append(f"| {_action(rng, svc)} | {kind} | {rng.choice(_PEOPLE)} | {bug} {status} |")
    rows.append("| ... | | | |")
    return "## Action Items\n\n" + "\n".join(rows) + "\n"


def _list_section(rng: random.Random, svc: str, count: int) -> str:
    lines = ["## Follow-ups", ""]
    for _ in range(count):
        box = rng.choice(["- [ ] ", "- [x] ", "- ", "1. "])
        owner = rng.choice(_PEOPLE)
        owner = owner if owner.startswith("@") else f"(owner: {owner})"
        extra = rng.choice(["", " [P1]", " (PAY-901)", f" due {_due(rng)}", " **DONE**"])
        lines.append(f"{box}{_action(rng, svc)} {owner}{extra}")
        if rng.random() < 0.2:
            lines.append("  - keep the change behind a flag for one week")
    return "\n".join(lines) + "\n"


def generate_document(rng: random.Random) -> str:
    svc = rng.choice(_SERVICES)
    parts: list[str] = []
    if rng.random() < 0.4:
        parts.append(
            f"---\ntitle: {svc} outage\ndate: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n"
            f"severity: SEV{rng.randint(1, 3)}\nservice: {svc}\nteam: payments\n---\n"
        )
    parts.append(
        f"# {svc} outage after a configuration change\n\nDate: 2026-02-03\n"
        "Authors: Priya Nair, Tomasz Wojcik\n"
    )
    parts.append("## Summary\n\n" + _paragraph(rng, svc, rng.randint(4, 8)) + "\n")
    parts.append(
        "## Impact\n\n"
        + "\n".join(f"- {_paragraph(rng, svc, 1)}" for _ in range(rng.randint(3, 6)))
        + "\n"
    )
    parts.append("## Root Causes\n\n" + _paragraph(rng, svc, rng.randint(4, 8)) + "\n")
    parts.append(
        "## Timeline\n\n"
        + "\n".join(f"- 09:{m:02d} — {_paragraph(rng, svc, 1)}" for m in range(rng.randint(8, 16)))
        + "\n"
    )
    count = rng.randint(5, 10)
    if rng.random() < 0.5:
        parts.append(_table_section(rng, svc, count))
    else:
        parts.append(_list_section(rng, svc, count))
    parts.append(
        "## Lessons Learned\n\n### What went well\n\n"
        + "\n".join(f"- {_paragraph(rng, svc, 1)}" for _ in range(rng.randint(2, 4)))
        + "\n"
    )
    parts.append(
        "### What went wrong\n\n"
        + "\n".join(f"- {_paragraph(rng, svc, 1)}" for _ in range(rng.randint(2, 4)))
        + "\n"
    )
    text = "\n".join(parts)
    target = rng.randint(4096, 8192)
    while len(text) < target:
        text += "\n## Supporting information\n\n" + _paragraph(rng, svc, 6) + "\n"
        text += "\n".join(f"- {_paragraph(rng, svc, 1)}" for _ in range(rng.randint(2, 5))) + "\n"
    return text


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rng = random.Random(20260301)
    documents = [generate_document(rng) for _ in range(count)]
    sizes = [len(d.encode()) for d in documents]
    for text in documents[:50]:  # warm-up: regex compilation, parser construction
        extract_document(text, source="bench", document="warm-up.md")
    items = 0
    start = time.perf_counter()
    for n, text in enumerate(documents):
        items += len(extract_document(text, source="bench", document=f"pm-{n}.md").items)
    elapsed = time.perf_counter() - start
    print(
        f"documents: {count}, {min(sizes) / 1024:.1f}-{max(sizes) / 1024:.1f} KB "
        f"(median {statistics.median(sizes) / 1024:.1f} KB), items: {items}"
    )
    print(
        f"total: {elapsed:.2f} s, {count / elapsed:.0f} docs/s, {elapsed / count * 1000:.3f} ms/doc"
    )


if __name__ == "__main__":
    main()
