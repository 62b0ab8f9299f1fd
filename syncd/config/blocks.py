"""Connector blocks of a team file: a source, the tracker, a digest channel.

A block is ``{type: ..., ...}`` in the file; ``type`` picks the connector from the registry and
the rest of the block is validated by that connector's own ``Settings`` model. The validated
block keeps the ``Settings`` instance in ``settings``, so the core never knows a vendor's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    GetJsonSchemaHandler,
    ModelWrapValidatorHandler,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, InitErrorDetails

from syncd.config.base import StrictModel, config_problem, matches
from syncd.config.errors import describe, suggest
from syncd.config.keys import allowed_keys
from syncd.cycle.removal_guard import (
    DEFAULT_CONFIRM_CYCLES,
    DEFAULT_MAX_DOCUMENT_LOSS,
    GuardSettings,
)
from syncd.plugins import (
    ConnectorKind,
    ConnectorSettings,
    UnknownConnector,
    available,
    broken_connectors,
    connector_class,
    settings_model,
)

SOURCE_NAME_PATTERN = r"[a-z0-9][a-z0-9_-]*"

SourceName = Annotated[
    str,
    AfterValidator(
        matches(SOURCE_NAME_PATTERN, "lowercase letters, digits, - and _ (e.g. pm-repo)")
    ),
    Field(max_length=64, json_schema_extra={"pattern": f"^{SOURCE_NAME_PATTERN}$"}),
]

_PLACEHOLDER_SETTINGS = ConnectorSettings()


def _validate_block(
    model: type[BaseModel],
    kind: ConnectorKind,
    data: Any,
    handler: ModelWrapValidatorHandler[Any],
) -> Any:
    """Validate ``{type, [name], ...rest}``: the fixed keys here, the rest by the connector."""
    if not isinstance(data, Mapping):
        return handler(data)
    fixed = [name for name in model.model_fields if name != "settings"]
    problems: list[InitErrorDetails] = []
    settings: ConnectorSettings | None = None
    type_ = data.get("type")
    if isinstance(type_, str):
        try:
            connector_settings = settings_model(kind, type_)
        except UnknownConnector:
            problems.append(config_problem(("type",), unknown_connector_message(kind, type_)))
        else:
            rest = {key: value for key, value in data.items() if key not in fixed}
            try:
                settings = connector_settings.model_validate(rest)
            except ValidationError as exc:
                for error in exc.errors():
                    message = describe(
                        error, lambda path: allowed_keys(connector_settings, path, extra=fixed)
                    )
                    problems.append(config_problem(error["loc"], message))
    head = {key: data[key] for key in fixed if key in data}
    head["settings"] = settings if settings is not None else _PLACEHOLDER_SETTINGS
    result = None
    try:
        result = handler(head)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(
                config_problem(error["loc"], describe(error, lambda p: allowed_keys(model, p)))
            )
    if problems:
        raise ValidationError.from_exception_data(model.__name__, problems)
    return result


def unknown_connector_message(kind: ConnectorKind, type_: str) -> str:
    installed = available(kind)
    broken = [b for b in broken_connectors() if b.entry_point.split("=")[0].strip() == type_]
    if broken:
        return f"the {type_!r} connector is installed but could not be loaded ({broken[0].error})"
    close = suggest(type_, installed)
    hint = f"did you mean {close!r}? " if close else ""
    names = ", ".join(installed) or "none"
    return f"unknown {kind} type {type_!r} ({hint}installed: {names})"


def _connector_branches(
    kind: ConnectorKind, handler: GetJsonSchemaHandler, fixed: Mapping[str, JsonSchemaValue]
) -> JsonSchemaValue:
    """``oneOf`` over every installed connector of ``kind``, each its Settings plus ``fixed``."""
    branches: list[JsonSchemaValue] = []
    for type_ in available(kind):
        connector = connector_class(kind, type_)
        settings = connector.Settings
        reference = handler(settings.__pydantic_core_schema__)
        branch = dict(handler.resolve_ref_schema(reference))
        branch["title"] = f"{type_} ({kind})"
        doc = (connector.__doc__ or "").strip()
        if doc:
            branch["description"] = doc.split("\n\n")[0].replace("\n", " ")
        properties = {"type": {"const": type_, "description": f"The {kind} connector."}}
        properties.update(fixed)
        properties.update(branch.get("properties", {}))
        branch["properties"] = properties
        needed = {key for key, value in fixed.items() if "default" not in value}
        branch["required"] = sorted({*needed, "type", *branch.get("required", [])})
        branch["additionalProperties"] = False
        branches.append(branch)
    return {"oneOf": branches}


class SourceConfig(StrictModel):
    """One entry of ``sources``: ``{name, type, ...the connector's settings}``."""

    name: SourceName = Field(description="Unique within the team; part of every item's identity.")
    type: str = Field(description="The source connector (e.g. markdown).")
    max_document_loss: float = Field(
        DEFAULT_MAX_DOCUMENT_LOSS,
        ge=0,
        le=1,
        description="The mass-removal guard: a read that loses more than this share of the "
        "documents the source had (or returns none) is held, its items kept, until confirmed "
        "(syncd sync --confirm-removal NAME) or found by removal_confirm_cycles cycles.",
    )
    removal_confirm_cycles: int = Field(
        DEFAULT_CONFIRM_CYCLES,
        ge=1,
        le=10_000,
        description="Consecutive cycles a held loss must be found by before it is accepted "
        "and its items orphaned; 1 accepts it at once.",
    )
    settings: ConnectorSettings = Field(description="The connector's own settings.")

    @model_validator(mode="wrap")
    @classmethod
    def _validate(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        result: Self = _validate_block(cls, "source", data, handler)
        return result

    @property
    def guard(self) -> GuardSettings:
        return GuardSettings(self.max_document_loss, self.removal_confirm_cycles)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        fields = cls.model_fields
        fixed: dict[str, JsonSchemaValue] = {
            "name": {
                "type": "string",
                "pattern": f"^{SOURCE_NAME_PATTERN}$",
                "description": fields["name"].description,
            },
            "max_document_loss": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "default": DEFAULT_MAX_DOCUMENT_LOSS,
                "description": fields["max_document_loss"].description,
            },
            "removal_confirm_cycles": {
                "type": "integer",
                "minimum": 1,
                "maximum": 10_000,
                "default": DEFAULT_CONFIRM_CYCLES,
                "description": fields["removal_confirm_cycles"].description,
            },
        }
        return _connector_branches("source", handler, fixed)


class TrackerConfig(StrictModel):
    """The ``tracker`` block: ``{type, ...the connector's settings}``."""

    type: str = Field(description="The tracker connector (jira or github).")
    settings: ConnectorSettings = Field(description="The connector's own settings.")

    @model_validator(mode="wrap")
    @classmethod
    def _validate(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        result: Self = _validate_block(cls, "tracker", data, handler)
        return result

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _connector_branches("tracker", handler, {})


class ChannelConfig(StrictModel):
    """One entry of ``digest.channels``: ``{type, ...the notifier's settings}``."""

    type: str = Field(description="The notifier connector (slack, teams, ...).")
    settings: ConnectorSettings = Field(description="The connector's own settings.")

    @model_validator(mode="wrap")
    @classmethod
    def _validate(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        result: Self = _validate_block(cls, "notifier", data, handler)
        return result

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _connector_branches("notifier", handler, {})
