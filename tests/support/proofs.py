"""How much of the long proofs a test run does.

The suite's proofs with real processes (kills at random moments, frozen writers, edit histories,
garbage answers) cost seconds per case. CI runs every proof, with a representative share of its
cases and rounds; ``SYNCD_FULL_PROOFS=1`` runs all of them, as before a release or after a
change to the mirror::

    SYNCD_FULL_PROOFS=1 .venv/bin/python -m pytest tests/e2e
"""

from __future__ import annotations

import os

import pytest

FULL_PROOFS_ENV = "SYNCD_FULL_PROOFS"


def full_proofs() -> bool:
    return os.environ.get(FULL_PROOFS_ENV, "").strip() not in ("", "0")


def rounds(ci: int, full: int) -> int:
    """How many rounds a proof runs: ``ci`` in CI, ``full`` with the full proofs."""
    return full if full_proofs() else ci


def only_in_full_proofs(keep_in_ci: bool, why: str) -> None:
    """Skip this case in CI unless ``keep_in_ci``; ``why`` names the cases CI keeps instead."""
    if not keep_in_ci and not full_proofs():
        pytest.skip(f"{why}; {FULL_PROOFS_ENV}=1 runs this case too")
