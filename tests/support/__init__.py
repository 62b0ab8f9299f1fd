"""Helpers shared by test directories (real PostgreSQL, ...)."""
