"""A ConfigMap volume laid out as the kubelet writes it, for tests that read one as syncd would.

The kubelet's atomic writer puts the keys in a hidden, timestamped directory, points the hidden
link ``..data`` at it, and makes each key a link through ``..data``; an update writes a new
directory and swaps ``..data`` in one rename, so a reader sees the old set or the new one::

    payments.yaml -> ..data/payments.yaml
    ..data -> ..2026_01_05_10_00_00.1
    ..2026_01_05_10_00_00.1/payments.yaml
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

DATA_LINK = "..data"
_generation = itertools.count(1)


def write_configmap_volume(mount: Path, data: Mapping[str, str]) -> None:
    """Create the volume at ``mount``, or update it to hold exactly ``data``."""
    mount.mkdir(parents=True, exist_ok=True)
    link = mount / DATA_LINK
    old_target = os.readlink(link) if link.is_symlink() else None
    payload = f"..2026_01_05_10_00_00.{next(_generation)}"
    (mount / payload).mkdir()
    for key, value in data.items():
        (mount / payload / key).write_text(value, encoding="utf-8")
    staged = mount / "..data_tmp"
    staged.symlink_to(payload)
    staged.rename(link)  # the atomic swap
    for key in data:
        if not (mount / key).is_symlink():
            (mount / key).symlink_to(Path(DATA_LINK) / key)
    for entry in mount.iterdir():
        if not entry.name.startswith(".") and entry.name not in data:
            entry.unlink()  # a key removed from the ConfigMap
    if old_target is not None:
        shutil.rmtree(mount / old_target)
