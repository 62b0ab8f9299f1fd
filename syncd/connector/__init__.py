"""The connector kit: the one ``syncd`` package a connector imports.

A connector (ours under ``connectors/`` or a third party's) builds on these modules only; an
import-linter contract keeps ours to them. Each module is a small surface grouped by topic:

- ``registry``: the entry-point group, the kinds, and how the core looks a connector up;
- ``settings``: the base of every connector's ``Settings`` and the shared field types;
- ``model``: what sources produce (documents and their items);
- ``source``, ``tracker``, ``notifier``: each role's protocol, context and result types, and
  the helpers of that role (the issue types, markers and origin lines, the webhook poster);
- ``digest``: what a notifier renders, and the escapes and layout its renderings share;
- ``bounded_yaml``: untrusted YAML (front matter) parsed within limits;
- ``jira_keys``: which words are Jira issue keys (one shape, one deny list);
- ``http``: the one HTTP policy, its errors, answer checks and account budgets;
- ``workers``: worker processes for CPU-bound reads of untrusted input;
- ``logs``: the structured logger and the secret redactor;
- ``testing``: the standard contract suite of each kind, for a connector's own tests.

This module imports nothing, so that a pure part of a connector (a parser) can use
``syncd.connector.model`` without loading the HTTP stack.
"""

from __future__ import annotations

__all__: list[str] = []
