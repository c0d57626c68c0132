"""Schema migrations of the store: the frozen steps of releases 0.1 to 0.7, then Alembic revisions.

Alembic's revisions live in ``scripts/versions/`` as ``v<NNNN>_<slug>.py`` with revision id ``"<NNNN>"``; the
number is the schema version, also kept in ``schema_version`` (so an older qmkit refuses a newer database).
Revision ``0007`` is the baseline: its upgrade runs the old steps (:mod:`.legacy`) a database lacks, so a new
database, one written by any release and one at schema 7 all take the same path: ``alembic upgrade head``.
Alembic runs programmatically (no ``alembic.ini``) on the connection it is given. New revision: ``make migration``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text, update

from qmkit.errors import StoreError
from qmkit.i18n import _
from qmkit.store.migrations import frozen
from qmkit.store.migrations.legacy import stored_version

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPTS = Path(__file__).resolve().parent / "scripts"
_REVISION_FILE = re.compile(r"v(\d{4})_\w+\.py")
# Any fixed 64-bit number: the PostgreSQL advisory lock that lets one process at a time migrate.
_PG_LOCK_KEY = zlib.crc32(b"qmkit schema migration")
__all__ = ["LATEST", "current_version", "migrate", "migration_transaction", "upgrade"]


def _head_number() -> int:
    """The newest revision's number, read from the file names (no Alembic import on the common path)."""
    found = [m.group(1) for p in (SCRIPTS / "versions").iterdir() if (m := _REVISION_FILE.fullmatch(p.name))]
    return max(int(n) for n in found)


LATEST = _head_number()


def current_version(conn: Connection) -> int:
    return stored_version(conn)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration without a file: scripts inside the package, the connection as an attribute."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS).replace("%", "%%"))
    config.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _lock(conn: Connection) -> None:
    """On PostgreSQL one migrating process at a time (SQLite: the caller's ``BEGIN IMMEDIATE`` already is)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def migrate(conn: Connection) -> int:
    """Bring the database to the latest schema inside the caller's write transaction; returns the version.

    Prefer :func:`upgrade`: a revision that rebuilds a referenced table on SQLite (batch mode) needs foreign keys
    off, which SQLite allows only outside a transaction.
    """
    _lock(conn)
    version = current_version(conn)
    if version > LATEST:
        raise StoreError(
            _(
                "Die Datenbank stammt aus einer neueren qmkit-Version (Schema {db}, bekannt bis {known}). "
                "Bitte qmkit aktualisieren."
            ).format(db=version, known=LATEST)
        )
    if version == LATEST and inspect(conn).has_table("alembic_version"):
        return LATEST
    from alembic import command

    command.upgrade(alembic_config(conn), "head")
    conn.execute(update(frozen.schema_version).values(version=LATEST))
    return LATEST


@contextmanager
def migration_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction for migrations; on SQLite with foreign keys off and checked before the commit.

    SQLite's batch mode rebuilds a table (new table, copy, drop, rename); with foreign keys on, dropping a table
    other rows refer to fails, and ``PRAGMA foreign_keys`` is ignored inside a transaction, hence its own one.
    """
    with engine.connect() as conn:
        raw = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
        was_on = bool(raw.execute("PRAGMA foreign_keys").fetchone()[0]) if raw is not None else False
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
                if raw is not None and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise StoreError(_("Die Aktualisierung der Datenbank verletzt Verweise zwischen Tabellen."))
        finally:
            if raw is not None and was_on:
                raw.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine) -> int:
    """Bring the database behind ``engine`` to the latest schema in one write transaction; returns the version."""
    with migration_transaction(engine) as conn:
        return migrate(conn)
