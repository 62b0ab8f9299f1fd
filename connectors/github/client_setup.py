"""Putting a ``github.Github`` client (PyGithub 2.x) behind the HTTP policy.

Recipe::

    engine = PolicyEngine(policy, service="github")
    client = github.Github(auth=github.Auth.Token(token), base_url=api_url,
                           **github_client_options())
    configure_github(client, engine)

PyGithub sends through a ``requests.Session`` that its *connection class* creates lazily, one per
host, with an ``HTTPAdapter(max_retries=retry)`` (default: ``GithubRetry``, up to 10 retries), and
it paces requests itself by sleeping (``seconds_between_requests``/``_writes``). Its supported
extension point, ``Requester.injectConnectionClasses``, is process-wide and turns connection reuse
off, so instead ``configure_github`` gives this client's requester its own connection classes, which
mount the policy adapter on the session they create. Requesters PyGithub derives from it
(``withAuth`` for GitHub App installations, ``withLazy``) get them too. ``retry`` and both pacing
options must be off: the policy retries and paces, and ``configure_github`` refuses otherwise.
"""

from __future__ import annotations

import math
from typing import Any

from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass

from syncd.connector.http import HttpPolicy, PolicyAdapter, PolicyEngine

_MARK = "_syncd_policy_engine"
_PRIVATE = (
    "_Requester__connectionClass",
    "_Requester__httpConnectionClass",
    "_Requester__httpsConnectionClass",
)


def github_client_options(policy: HttpPolicy) -> dict[str, Any]:
    """Keyword arguments for ``github.Github(...)`` that leave retrying and pacing to the policy."""
    return {
        "retry": None,
        "seconds_between_requests": None,
        "seconds_between_writes": None,
        "timeout": math.ceil(policy.read_timeout),
        "user_agent": policy.user_agent,
    }


def configure_github(client: Any, engine: PolicyEngine) -> None:
    """Route every request of ``client`` (a ``github.Github``) through ``engine``."""
    requester = client.requester
    options = requester.kwargs
    busy = [
        name
        for name in ("retry", "seconds_between_requests", "seconds_between_writes")
        if options.get(name)
    ]
    if busy:
        raise ValueError(
            "construct github.Github with retry=None, seconds_between_requests=None and "
            f"seconds_between_writes=None (github_client_options): {', '.join(busy)} would "
            "retry or pace on top of the HTTP policy"
        )
    _install(requester, engine)


def _install(requester: Any, engine: PolicyEngine) -> Any:
    if getattr(requester, _MARK, None) is engine:
        return requester  # withLazy returns the same requester when nothing changes
    if not all(hasattr(requester, name) for name in _PRIVATE):
        raise TypeError(
            "this PyGithub version's Requester has no connection class to replace; "
            "check connectors.github.client_setup against it"
        )
    http_class, https_class = _connection_classes(engine)
    requester.close()  # a connection made before now would bypass the policy
    setattr(requester, "_Requester__httpConnectionClass", http_class)  # noqa: B010
    setattr(requester, "_Requester__httpsConnectionClass", https_class)  # noqa: B010
    chosen = https_class if requester.scheme == "https" else http_class
    setattr(requester, "_Requester__connectionClass", chosen)  # noqa: B010
    for derive in ("withAuth", "withLazy"):
        original = getattr(requester, derive)
        setattr(requester, derive, _deriving(original, engine))
    setattr(requester, _MARK, engine)
    return requester


def _deriving(original: Any, engine: PolicyEngine) -> Any:
    def derived(*args: Any, **kwargs: Any) -> Any:
        requester = original(*args, **kwargs)
        return _install(requester, engine)

    return derived


def _connection_classes(engine: PolicyEngine) -> tuple[type[Any], type[Any]]:
    def mount(connection: Any) -> None:
        adapter = PolicyAdapter(
            engine, pool_connections=connection.pool_size, pool_maxsize=connection.pool_size
        )
        connection.adapter = adapter
        connection.session.mount("https://", adapter)
        connection.session.mount("http://", adapter)

    class PolicyHTTPConnection(HTTPRequestsConnectionClass):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            mount(self)

    class PolicyHTTPSConnection(HTTPSRequestsConnectionClass):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            mount(self)

    return PolicyHTTPConnection, PolicyHTTPSConnection
