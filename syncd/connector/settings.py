"""The base of every connector's ``Settings`` and the field types connectors share.

Unknown keys are errors; a credential is a ``SecretStr`` (or a :data:`WebhookUrl`), so that no
``repr``, ``str`` or ``model_dump`` of the settings ever shows it. A connector's ``handle``
(a :class:`PersonHandle`) says how a person's id in it is written in a team file.
"""

from __future__ import annotations

from syncd.plugins import ConnectorSettings, PersonHandle
from syncd.settings_fields import ImageUrl, WebhookUrl

__all__ = ["ConnectorSettings", "ImageUrl", "PersonHandle", "WebhookUrl"]
