"""Event-driven syncs: webhooks from GitHub, Jira and anything else (a CI job) that ask for a
team's sync within seconds. ``verify`` checks signatures, ``events`` reads a delivery, ``route``
finds the teams it concerns, ``debounce`` decides when a team's pending requests are due, and
``receiver`` puts them together behind ``POST /hooks/...``. Polling stays the safety net."""
