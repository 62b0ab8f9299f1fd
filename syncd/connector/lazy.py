"""Names a connector package exports but imports on first use (PEP 562).

Listing connectors (``syncd check``, the schema) loads only each connector's Settings, and a
reading process only the extraction: a package's ``__init__`` says where each name lives, and
``__getattr__ = lazy_exports(__name__, {...})`` imports it when it is first asked for.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name of ``homes`` from its module."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)  # asked once: later lookups skip this
        return value

    return __getattr__
