"""A stateful fake of incident.io's public API (follow-ups and incidents) on loopback."""
