"""syncd: mirror postmortem action items into Jira or GitHub and report the languishing ones."""

from typing import Any


def __getattr__(name: str) -> Any:
    # Looked up on first use: reading the installed metadata costs a reading process (see
    # ``syncd.workers.pool``) a noticeable part of its start-up, and it never needs the version.
    if name != "__version__":
        raise AttributeError(f"module 'syncd' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("syncd")
    except PackageNotFoundError:  # running from a source tree that was not installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
