"""Benchmark: extraction time of adversarial markdown. Prints figures; asserts nothing.

Run from the repository root:  .venv/bin/python -m bench.hostile_markdown [--sizes 100000,1000000]
[--only NAME,...]

Each generator builds a document of the given size from one hostile pattern (long words,
bracket and emphasis runs, deep lists and quotes, wide and long tables, many links, ...). Each
document is read the way syncd reads it: from a file, in a worker process (``read_in_workers``),
with a budget far above any figure, so that the time printed is the whole read. Time per 100 KB
is the time of the largest size scaled down: when it stays flat across sizes, the extraction is
linear in the document's size.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from connectors.markdown.files import FoundFile, PathProblem
from connectors.markdown.parallel import read_in_workers
from connectors.markdown.parser import MAX_BLOCK_UNITS
from connectors.markdown.shape_limits import MAX_CELLS, MAX_ITEMS, MAX_LINES, MAX_MARKUP_CHARS

_HEAD = "# Outage\n\n## Action items\n\n"
BUDGET_SECONDS = 3600.0


def _repeat(unit: str, size: int) -> str:
    return unit * (size // len(unit) + 1)


def _nested_lists(size: int) -> str:
    return _HEAD + _repeat("- a\n  - b\n    - c\n      - d\n        - e\n", size)


GENERATORS: dict[str, Callable[[int], str]] = {
    "long word in an item": lambda n: _HEAD + "- " + "a" * n + "\n",
    "long word in a paragraph": lambda n: _HEAD + "a" * n + "\n",
    "long heading of symbols": lambda n: "## x" + "%" * n + "x\n",
    "runs of '[a '": lambda n: _HEAD + "- " + _repeat("[a ", n) + "\n",
    "unclosed brackets in a heading": lambda n: "## " + "[" * n + "\n",
    "runs of '*a '": lambda n: _HEAD + "- " + _repeat("*a ", n) + "\n",
    "runs of '**a '": lambda n: _HEAD + "- " + _repeat("**a ", n) + "\n",
    "runs of '_a '": lambda n: _HEAD + "- " + _repeat("_a ", n) + "\n",
    "bold spans": lambda n: _HEAD + "- x" + _repeat(" **a**", n) + "\n",
    "strikethrough runs": lambda n: _HEAD + "- " + _repeat("~~a ", n) + "\n",
    "deep lists": _nested_lists,
    "deep blockquotes": lambda n: _HEAD + _repeat("> ", n) + "a\n",
    "quoted list items": lambda n: _HEAD + _repeat("> - a @b\n", n),
    "wide table": lambda n: (
        _HEAD
        + "| Action | Owner |"
        + _repeat(" c |", n // 3)
        + "\n|---|---|"
        + _repeat("---|", n // 3)
        + "\n| a | b |"
        + _repeat(" c |", n // 3)
        + "\n"
    ),
    "long table": lambda n: (
        _HEAD
        + "| Action | Owner | Due |\n|---|---|---|\n"
        + _repeat("| Fix the thing | @bob | 2026-01-01 |\n", n)
    ),
    "delimiter row with a long blank run": lambda n: _HEAD + "a|b\n---" + " " * n + "x\n",
    "many links": lambda n: _HEAD + "- " + _repeat("[a](https://x.io/a) ", n) + "\n",
    "many @handles": lambda n: _HEAD + "- " + _repeat("@a ", n) + "\n",
    "reference list of URLs": lambda n: _HEAD + "- x (" + _repeat("http://a/", n) + "\n",
    "URL ending in ')'": lambda n: _HEAD + "- https://x" + ")" * n + "\n",
    "trailing ' and'": lambda n: _HEAD + "- @bob x" + _repeat(" and", n) + "\n",
    "template braces and blanks": lambda n: _HEAD + "- {{a}}" + " " * n + "x\n",
    "date line with blanks": lambda n: "# t\n\nDate\n" + " \t" * (n // 2) + "x\n",
    "many task items": lambda n: (
        _HEAD + _repeat("- [ ] Fix x (owner: @bob, due: 2026-01-01, P1)\n", n)
    ),
    "many action-item headings": lambda n: _repeat("## Action items\n\nFix x @bob\n\n", n),
    "many paragraphs": lambda n: _HEAD + _repeat("Fix the thing, @bob, by Friday.\n\n", n),
    "many code fences": lambda n: _HEAD + _repeat("```\n- [ ] x\n```\n", n),
    "many html blocks": lambda n: _HEAD + _repeat("<div>\n- a\n</div>\n\n", n),
    "many reference definitions": lambda n: _HEAD + _repeat("[a]: https://x.io/a\n", n),
    "prose with a pipe per line": lambda n: _HEAD + _repeat("a | b\n", n),
    "items of dense markup": lambda n: _HEAD + _repeat("- " + "*a* [b " * 1400 + "\n", n),
    "continuation paragraphs of markup": lambda n: (
        _HEAD + "- Fix it @bob\n\n" + _repeat("  *a* [b c *d *a* [b c *d *a* [b c *d\n\n", n)
    ),
    "table rows of markup": lambda n: (
        _HEAD + "| Action | Owner |\n|---|---|\n" + _repeat("| *a* [b *c *a* [b *c | @d |\n", n)
    ),
    "detail bullets of markup": lambda n: (
        _HEAD + "- Fix it @bob\n" + _repeat("  - *a* [b *c d *a* [b *c d *a* [b *c\n", n)
    ),
    "just under every limit": lambda n: _under_the_limits(n),
    # The same constructs with lines as long as a document at the line limit has: the cheapest
    # way for an adversary to put the most of each into one document.
    "headings at the line limit": lambda n: _at_line_limit(n, "## h{i} ", "x"),
    "link definitions at the line limit": lambda n: _at_line_limit(n, "[a{i}]: http://x/", "x"),
    "quote lines at the line limit": lambda n: _at_line_limit(n, "> p{i} ", "p"),
    "one paragraph at the line limit": lambda n: _at_line_limit(n, "p{i} ", "p"),
    "setext headings at the line limit": lambda n: _at_line_limit(n, "a{i}\n---", " ", 2),
    "list items at the line limit": lambda n: _at_line_limit(n, "- a{i} ", "a"),
    "rules at the line limit": lambda n: _at_line_limit(n, "***", " "),
    "table rows at the line limit": lambda n: (
        "| Step | Time |\n|---|---|\n" + _at_line_limit(n, "| s{i} | t ", " ").replace("\n", "|\n")
    ),
}


def _at_line_limit(size: int, start: str, pad: str, lines_each: int = 1) -> str:
    """Lines made from ``start`` (``{i}`` numbered), padded with ``pad`` to the width at which
    ``size`` bytes fill the line limit."""
    count = (MAX_LINES - 10) // lines_each
    width = max(len(start) + 6, size // count)
    out = []
    for i in range(count):
        head = start.format(i=i)
        out.append(head + pad * (width - len(head) - 1) + "\n")
    return "".join(out)


def _under_the_limits(size: int) -> str:
    """As many items (their text at the markup budget, a table at the block budget), then
    paragraph lines, as the shape limits let through, up to ``size``."""
    markup = "*a* [b " * ((MAX_MARKUP_CHARS // (MAX_ITEMS // 2) - 40) // 7)
    # The parser's work units: the items spend about 5,000, a timeline row 4, a line of prose 1;
    # the rest is shared half and half between the timeline and the prose after it.
    spare = MAX_BLOCK_UNITS - 6_000
    rows = min((MAX_CELLS - 100) // 3 - MAX_ITEMS // 2, spare // 2 // 4)
    items = (
        "# Outage\n\n## Timeline\n\n| Step | Time |\n|---|---|\n"
        + "| a | 10:00 |\n" * rows
        + "\n## Action items\n\n"
        + "".join(f"- [ ] Fix x{i} {markup}(owner: @bob)\n" for i in range(MAX_ITEMS // 2))
        + "\n| Action | Owner |\n|---|---|\n"
        + "".join(f"| Fix y{i} | @bob |\n" for i in range(MAX_ITEMS // 2))
        + "\n"
    )
    room = min(MAX_LINES - 1 - items.count("\n"), spare // 2)
    width = max(2, (size - len(items)) // room)
    return items + ("p" * (width - 1) + "\n") * room


def _read(path: Path, size: int) -> tuple[float, str]:
    found = FoundFile(path.name, path, path.stat().st_size)
    started = time.perf_counter()
    [result] = read_in_workers(
        [found], max_bytes=size * 2 + 1000, source="bench", budget=BUDGET_SECONDS
    )
    elapsed = time.perf_counter() - started
    if isinstance(result, PathProblem):
        return elapsed, f"skipped: {result.error[:60]}"
    return elapsed, f"{len(result.items)} items"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="document sizes in bytes")
    parser.add_argument("--only", default="", help="comma-separated generator names")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    with tempfile.TemporaryDirectory() as folder:
        warm = Path(folder) / "warm.md"
        warm.write_text(_HEAD + "- warm up\n", encoding="utf-8")
        _read(warm, 100)  # the worker's start is not part of any figure
        header = "".join(f"{f'{s // 1000} KB':>10}" for s in sizes)
        print(f"{'generator':38}{header}{'per 100 KB':>12}  result at the largest size")
        for name, generate in GENERATORS.items():
            if only and name not in only:
                continue
            times: list[float] = []
            note = ""
            for size in sizes:
                path = Path(folder) / "doc.md"
                path.write_text(generate(size)[:size], encoding="utf-8")
                elapsed, note = _read(path, size)
                times.append(elapsed)
            per_100k = times[-1] / (sizes[-1] / 100_000)
            cells = "".join(f"{t:>9.2f}s" for t in times)
            print(f"{name:38}{cells}{per_100k:>11.3f}s  {note}", flush=True)


if __name__ == "__main__":
    main()
