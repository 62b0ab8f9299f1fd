"""Every limit syncd puts on its input, in one place (the README's "Bad input and limits").

Input comes from people and from repositories anyone can push to: a configuration file, a
postmortem's front matter. A limit keeps one bad input from costing unbounded time or memory,
and from reaching code that would fail on it later (a date near year 9999 overflows the first
time a due date is computed from it). Each limit is far above what a real file needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class YamlLimits:
    """What one YAML text may cost, checked while it is parsed, before anything is built."""

    what: str  # how messages name the text: "a configuration file", "front matter"
    max_bytes: int  # UTF-8 size of the text
    max_depth: int  # nesting of lists and mappings
    max_nodes: int  # values (scalars, lists, mappings) the text builds, aliases expanded
    aliases: bool  # anchors (&a) and aliases (*a) allowed at all


# A configuration file: anchors and merge keys (`<<: *defaults`) are a real convenience, so they
# are allowed, and every value an alias stands for counts: 218 bytes of nested aliases can
# otherwise stand for billions of values.
CONFIG_YAML = YamlLimits(
    what="a configuration file",
    max_bytes=1024 * 1024,
    max_depth=40,
    max_nodes=100_000,
    aliases=True,
)

# Front matter is a handful of keys (title, date, severity...) in a document anyone may write:
# it gets no anchors at all, and a budget a thousand times what it needs.
FRONT_MATTER_YAML = YamlLimits(
    what="front matter",
    max_bytes=64 * 1024,
    max_depth=10,
    max_nodes=2_000,
    aliases=False,
)

# Every string of a configuration (after ${VAR} expansion) and every list and mapping in it.
MAX_CONFIG_STRING_CHARS = 10_000
MAX_CONFIG_COLLECTION_ITEMS = 10_000

# Service settings.
MIN_SYNC_INTERVAL = timedelta(seconds=30)
MAX_SYNC_INTERVAL = timedelta(days=7)

# Policy day counts: ten years is already no policy at all.
MAX_POLICY_DAYS = 3650
MAX_DUE_SOON_DAYS = 365
MAX_HOLIDAYS = 5_000

# A digest schedule must fire at least once in any span of this length: a year and a week, so
# that a yearly schedule does, "the first Monday of January" included.
MAX_CRON_GAP = timedelta(days=366 + 7)

# Dates syncd accepts anywhere (configuration, front matter, a postmortem's date). Dates are
# added to (due days, review days, business days): far from year 9999 they never overflow.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def date_in_range(value: date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


DATE_RANGE_TEXT = f"between {EARLIEST_DATE.year} and {LATEST_DATE.year}"
