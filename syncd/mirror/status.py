"""Reading an issue's status back: the tracker owns it, syncd records what it says."""

from __future__ import annotations

# Resolutions (Jira) and close reasons (GitHub) that mean "will not be done", compared after
# ``_normal``: case, apostrophes and separators do not matter (typographic quotes, "not_planned").
_WON_T_DO = frozenset(
    {
        "wont do",
        "wont fix",
        "declined",
        "duplicate",
        "cannot reproduce",
        "cant reproduce",
        "obsolete",
        "not planned",
    }
)


def _normal(resolution: str) -> str:
    text = resolution.casefold().replace("'", "").replace("\u2019", "")
    return " ".join(text.replace("_", " ").replace("-", " ").split())


def is_won_t_do(resolution: str | None) -> bool:
    """Whether a closure with this resolution means the work will not be done."""
    return resolution is not None and _normal(resolution) in _WON_T_DO


def open_status_phrase(status_category: str) -> str:
    """How a report names an open issue's state."""
    return "in progress" if status_category == "indeterminate" else "open"
