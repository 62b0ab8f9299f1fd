"""syncd: mirror postmortem action items into Jira or GitHub and report the languishing ones."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("syncd")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
