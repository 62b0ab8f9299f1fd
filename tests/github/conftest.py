from __future__ import annotations

from tests.fakes.github.fixtures import fake_github

__all__ = ["fake_github"]
