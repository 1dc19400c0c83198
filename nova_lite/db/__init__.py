"""Persistence: SQLAlchemy models, the query API and migrations."""
