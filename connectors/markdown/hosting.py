"""Where a git repository's pull requests are opened: its host's API, the provider, the path.

Pure: from the git URL (``https://github.com/acme/postmortems.git``,
``git@gitlab.acme.com:sre/postmortems.git``, ``ssh://git@host/acme/pm``) and what the team
file says (``write_back.provider``, ``api_url``, ``repository``), which win when given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from connectors.markdown.settings import WriteBackSettings

Provider = Literal["github", "gitlab"]


@dataclass(frozen=True, slots=True)
class Hosting:
    provider: Provider
    api_url: str  # without a trailing slash
    repository: str  # "owner/name", or a GitLab project's full path


def host_and_path(url: str) -> tuple[str | None, str | None]:
    """The host and the repository path of a git URL (None for a local path)."""
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme == "file":
            return None, None
        return (parts.hostname or "").lower() or None, _repository(parts.path)
    head, _, rest = url.partition(":")
    if rest and "/" not in head:  # scp-like: [user@]host:path
        return head.rsplit("@", 1)[-1].lower(), _repository(rest)
    return None, None


def _repository(path: str) -> str | None:
    cleaned = path.strip("/").removesuffix(".git").strip("/")
    return cleaned if "/" in cleaned else None


def guess_provider(host: str | None) -> Provider | None:
    if host is None:
        return None
    if host == "github.com" or "github" in host.split(".")[0]:
        return "github"
    if host == "gitlab.com" or "gitlab" in host.split(".")[0]:
        return "gitlab"
    return None


def default_api_url(provider: Provider, host: str) -> str:
    if provider == "github":
        return "https://api.github.com" if host == "github.com" else f"https://{host}/api/v3"
    return f"https://{host}/api/v4"


def resolve_hosting(url: str, settings: WriteBackSettings) -> Hosting | str:
    """Where pull requests of ``url`` go, or what the team file must add to say so."""
    host, path = host_and_path(url)
    provider = settings.provider or guess_provider(host)
    if provider is None:
        return (
            "write_back.provider: cannot tell from the git URL's host whether it is GitHub or "
            "GitLab; set provider: github or provider: gitlab"
        )
    api_url = settings.api_url
    if api_url is None:
        if host is None:
            return "write_back.api_url: the git URL has no host to derive the API from; set it"
        api_url = default_api_url(provider, host)
    repository = settings.repository or path
    if repository is None:
        return (
            "write_back.repository: cannot derive the repository from the git URL; set it "
            "(owner/name, or the GitLab project's path)"
        )
    return Hosting(provider, api_url.rstrip("/"), repository.strip("/"))


def hosting_problem(url: str, settings: WriteBackSettings) -> str | None:
    resolved = resolve_hosting(url, settings)
    return resolved if isinstance(resolved, str) else None
