"""A small reader of systemd unit files: sections of keys, each key with all its values.

systemd allows a key more than once (``Environment=``, ``SystemCallFilter=``), so values are
lists; an empty assignment (``CapabilityBoundingSet=``) is kept as the empty string.
"""

from __future__ import annotations

from pathlib import Path

UnitFile = dict[str, dict[str, list[str]]]


class UnitSyntaxError(ValueError):
    pass


def read_unit(path: Path) -> UnitFile:
    sections: UnitFile = {}
    current: dict[str, list[str]] | None = None
    pending = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = pending + raw.strip()
        if line.endswith("\\"):  # continuation: systemd joins with a space
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise UnitSyntaxError(f"{path.name}:{number}: unterminated section header")
            name = line[1:-1]
            if name in sections:
                raise UnitSyntaxError(f"{path.name}:{number}: section [{name}] repeated")
            current = sections.setdefault(name, {})
            continue
        if current is None:
            raise UnitSyntaxError(f"{path.name}:{number}: assignment outside a section")
        key, equals, value = line.partition("=")
        if not equals or not key.strip() or not key.strip().isidentifier():
            raise UnitSyntaxError(f"{path.name}:{number}: not a Key=value line: {line!r}")
        current.setdefault(key.strip(), []).append(value.strip())
    if pending:
        raise UnitSyntaxError(f"{path.name}: file ends inside a continued line")
    return sections
