"""``people.yaml``: the people every team shares, merged under each team's ``people:``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from syncd.config.config_files import PEOPLE_FILE, ConfigFiles, Located, expand, under
from syncd.config.keys import allowed_keys
from syncd.config.models import PersonConfig, PersonKey
from syncd.config.people import people_problems

_PERSON_ENTRY: TypeAdapter[dict[str, PersonConfig]] = TypeAdapter(dict[PersonKey, PersonConfig])


def load_shared_people(files: ConfigFiles, env: Mapping[str, str]) -> dict[str, Any]:
    """The valid entries of people.yaml, as data to merge under each team's ``people:``."""
    file = files.root / PEOPLE_FILE
    if not file.exists():
        return {}
    document = files.read(file)
    if document is None or document.data is None:
        return {}
    located = Located(files, file, document)
    if not isinstance(document.data, dict):
        located.error((), "people.yaml must be a mapping of person keys to people")
        return {}
    tree = expand(located, document.data, env)
    valid: dict[str, Any] = {}
    persons: dict[str, PersonConfig] = {}
    for key, raw in tree.data.items():
        try:
            persons.update(_PERSON_ENTRY.validate_python({key: raw}))
        except ValidationError as exc:
            located.validation_errors(
                exc,
                lambda p: allowed_keys(PersonConfig, p[1:]) if p else None,
                skip=lambda path: under(path, tree.failed),
            )
        else:
            valid[key] = raw
    # people.yaml stands alone: its leads must be people of people.yaml too. An entry with a
    # broken reference is left out, so no team inherits the problem unreported.
    for path, message in people_problems(persons):
        located.error(path, message)
        valid.pop(str(path[0]), None)
    return valid
