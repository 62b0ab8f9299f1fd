"""Putting a ``jira.JIRA`` client behind the HTTP policy, with the library's own retries off.

Recipe::

    engine = PolicyEngine(policy, service="jira")
    client = jira.JIRA(server=url, basic_auth=(email, token), **jira_client_options())
    configure_jira(client, engine)

``jira``'s ``ResilientSession`` retries 429 and 503 itself (``max_retries``, default 3, sleeping
twice the ``Retry-After``) and connection errors, before our adapter even sees the outcome:
retries would multiply (4 of ours times 4 of its). ``configure_jira`` sets its ``max_retries`` to 0,
which leaves exactly one pass through its loop, and mounts the policy adapter on its session.
``get_server_info=False`` keeps the constructor from sending a request before the policy is in
place; ask ``client.server_info()`` afterwards when needed.
"""

from __future__ import annotations

from typing import Any

from syncd.connector.http import PolicyAdapter, PolicyEngine, mount_policy


def jira_client_options() -> dict[str, Any]:
    """Keyword arguments for ``jira.JIRA(...)`` that leave retrying to the policy."""
    return {"max_retries": 0, "get_server_info": False}


def configure_jira(client: Any, engine: PolicyEngine) -> PolicyAdapter:
    """Route every request of ``client`` (a ``jira.JIRA``) through ``engine``."""
    session = getattr(client, "_session", None)
    if session is None or not hasattr(session, "max_retries"):
        raise TypeError("configure_jira needs a jira.JIRA client (with its ResilientSession)")
    session.max_retries = 0
    return mount_policy(session, engine)
