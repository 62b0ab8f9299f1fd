"""Which git transports a source may use: https, ssh (also scp-like `git@host:path`), a path.

git speaks many more: ``ext::`` runs any command, ``fd::`` talks to file descriptors (and waits
out the whole timeout), ``git://`` and ``http://`` travel unencrypted. A team file is not trusted
to pick those, so they are refused when the configuration is read, and the child git is told the
same through ``GIT_ALLOW_PROTOCOL`` should a URL reach it some other way (a redirect, a submodule).
"""

from __future__ import annotations

import re

# git's names for the transports above (a local path and file:// are both "file").
ALLOWED_GIT_PROTOCOLS = "https:ssh:file"

_SCHEMES = {"https": "https", "ssh": "ssh", "git+ssh": "ssh", "ssh+git": "ssh", "file": "file"}

# git's remote-helper syntax, ``<transport>::<address>``: the helper name is RFC 3986 unreserved.
_REMOTE_HELPER = re.compile(r"^[A-Za-z0-9._~-]*::")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")

_WHAT_TO_DO = "use an https:// or ssh:// URL, git@host:path, or a local path"


def transport_problem(url: str) -> str | None:
    """Why ``url`` may not be cloned, or None when it uses an allowed transport."""
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        return "contains a control character; " + _WHAT_TO_DO
    if url.startswith("-"):
        return "starts with '-', which git would read as an option; " + _WHAT_TO_DO
    helper = _REMOTE_HELPER.match(url)
    if helper:
        name = helper.group(0)
        return (
            f"the {name!r} transport is not allowed (it can run commands or wait on file "
            f"descriptors); {_WHAT_TO_DO}"
        )
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if name in _SCHEMES:
            return None
        if name in ("http", "git"):
            return f"{name}:// is unencrypted and not allowed; {_WHAT_TO_DO}"
        return f"the {name}:// transport is not allowed; {_WHAT_TO_DO}"
    head = url.split("/", 1)[0]
    if ":" in head and head.split("@")[-1].startswith("-"):
        return "the host starts with '-', which ssh would read as an option; " + _WHAT_TO_DO
    return None
