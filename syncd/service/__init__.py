"""``syncd run``: the long-running service (CONTRACT §8).

Scheduled syncs and digests per team (``scheduler``), leases that give each team to one replica
(``leases``), a lock that keeps a second process off a SQLite store (``instance_lock``),
health, readiness and Prometheus metrics over HTTP (``http``, ``readiness``, ``metrics``; a store
ping a probe can afford, ``bounded_check``),
signal handling (``signals``), and the wiring of it all: the replica (``app``), made of
parts that each hold one concern (``lease_keeping``, ``config_reload``, ``sync_job``,
``digest_job``, ``shutdown``) over the state they share (``service_state``), and the process
that runs it (``process``).
"""

from __future__ import annotations

from syncd.service.process import run_service

__all__ = ["run_service"]
