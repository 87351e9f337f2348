"""The registry's Alembic migrations (``versions/``); run by :mod:`service.plumbing.schema`."""
