"""A schema of its own per PostgreSQL test: created empty, dropped afterwards (much faster than a database each)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def with_schema(base: str, schema: str) -> str:
    """``base`` with every connection's search path set to ``schema`` (libpq's ``options``)."""
    url = make_url(base)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@contextmanager
def fresh_schema(base: str, prefix: str = "t_") -> Iterator[str]:
    """A new empty schema in the database at ``base``; yields ``base`` with that search path; dropped afterwards."""
    schema = prefix + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_schema(base, schema)
    finally:
        with admin.connect() as conn:
            # a test's processes may still hold connections: end them, then drop
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


__all__ = ["fresh_schema", "with_schema"]
