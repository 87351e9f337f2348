"""Alembic environment: migrations run on the connection :mod:`service.plumbing.schema` hands over.

There is no ``alembic.ini``: the service and ``suratkerja db upgrade`` run
the migrations themselves, on the registry their settings name.
"""

from alembic import context

from service.plumbing.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
