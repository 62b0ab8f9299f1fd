"""The incident.io block of a team file: defaults, what is refused, and the key's masking."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from connectors.incident_io import IncidentIoSettings

KEY = "inc-settings-key-8d2f4a6c"


def _settings(**values: Any) -> IncidentIoSettings:
    return IncidentIoSettings.model_validate({"api_key": KEY, **values})


def test_defaults() -> None:
    settings = _settings()
    assert settings.api_url == "https://api.incident.io"
    assert (settings.not_doing, settings.max_follow_ups, settings.listed_modes) == (
        "done",
        1000,
        (None,),
    )
    assert _settings(include_test_incidents=True).listed_modes == (None, "test", "tutorial")


def test_api_url_is_accepted_as_the_contract_names_it() -> None:
    assert _settings(api_url="https://api.incident.io/").api_url == "https://api.incident.io"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"url": "api.incident.io"}, "must be an http(s) URL"),
        ({"url": "https://user:pw@api.incident.io"}, "must not hold credentials"),
        ({"url": "https://api.incident.io/?x=1"}, "without a query"),
        ({"severities": ["Critical", " "]}, "an empty name matches nothing"),
        ({"not_doing": "maybe"}, "'done' or 'open'"),
        ({"max_follow_ups": 0}, "greater than 0"),
        ({"since": "last year"}, "date"),
        ({"api_token": "x"}, "Extra inputs are not permitted"),
    ],
)
def test_bad_values_are_refused_naming_why(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _settings(**values)
    assert message in str(raised.value)
    assert KEY not in str(raised.value)


def test_the_key_is_never_shown() -> None:
    settings = _settings()
    assert KEY not in repr(settings) and KEY not in str(settings.model_dump())
