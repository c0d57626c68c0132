"""Alembic's environment for qmkit: online only, on the connection qmkit hands over in ``config.attributes``.

qmkit opens it through :func:`qmkit.store.migrations.migrate` (inside its write transaction) or
``make migration`` (:mod:`qmkit.store.migrations.revision`); there is no ``alembic.ini``.
"""

from alembic import context

import qmkit.store.audit_tables  # their tables join the metadata
import qmkit.store.inspection_tables
import qmkit.store.meeting_tables
import qmkit.store.network_tables
import qmkit.store.offer_tables
import qmkit.store.process_tables
import qmkit.store.survey_tables
import qmkit.store.written_tables  # noqa: F401
from qmkit.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("qmkit runs Alembic through qmkit.store.migrations (migrate() or `make migration`) only")
# render_as_batch: autogenerate writes changes of existing tables as batch operations (SQLite has no real ALTER).
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():  # inside the caller's transaction: no transaction of its own
    context.run_migrations()
