"""The environment a test gives a ``syncd`` process talking to a fake with its limits off.

GitHub asks for writes one at a time, a second apart, and syncd keeps to that; a fake that
enforces nothing gains no proof from each create taking a second. Such tests speed the budget
up (``SYNCD_TEST_RATE_SCALE``); the tests of the limits themselves (``tests/github``,
``tests/e2e/test_github_shared_budget.py``, ``tests/service/test_service_budget.py``) keep the
fake's limits on and scale both sides alike.
"""

from __future__ import annotations

from syncd.http.budget import RATE_SCALE_ENV

# A write gap of 10 ms, the minute's 80 creates in 0.6 s: nothing a test waits on.
FAST_LIMITS_SCALE = 100
FAST_LIMITS = {RATE_SCALE_ENV: str(FAST_LIMITS_SCALE)}
