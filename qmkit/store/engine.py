"""The database behind the store: one engine, short read and write transactions, upserts.

SQLite by default (WAL, busy timeout). A write transaction opens with ``BEGIN IMMEDIATE`` on SQLite, so a
check and the write that follows it see the same data and never fail half-way with "database is locked";
a read is a plain transaction that takes no write lock (WAL readers never wait for writers). Any other
SQLAlchemy URL (``QMKIT_DB``, e.g. PostgreSQL) works the same way; there a check that precedes an insert
takes a row lock (``SELECT … FOR UPDATE``) and an upsert is ``INSERT … ON CONFLICT``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from qmkit.config import database_url, open_private, private_folder
from qmkit.errors import NotFoundError, StoreError
from qmkit.i18n import _
from qmkit.store.failures import german_errors
from qmkit.store.migrations import LATEST, current_version, upgrade
from qmkit.store.write_queue import WriteQueue

log = logging.getLogger(__name__)

SQLITE_BUSY_MS = 10_000
_WRITE = "qmkit_write"


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        database = Path(parsed.database)
        private_folder(database.parent)
        if not database.exists():  # made 0600 here; SQLite gives its -wal and -shm files the same mode
            os.close(open_private(str(database), os.O_WRONLY | os.O_CREAT))
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

    return engine


def new_id(result: Any) -> int:
    """The primary key of a row just inserted."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def upsert(
    conn: Connection,
    table: Table,
    keys: dict[str, Any],
    values: dict[str, Any],
    bump: bool = False,
    on_insert: dict[str, Any] | None = None,
) -> None:
    """``INSERT … ON CONFLICT (keys) DO UPDATE``: one statement, no race between two writers.

    With ``bump`` the row's ``revision`` starts at 1 and rises by one on every later write; ``on_insert`` are
    values only a new row gets (e.g. when it was created).
    """
    make = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    first = {**(on_insert or {}), **({"revision": 1} if bump else {})}
    stmt = make(table).values(**keys, **values, **first)
    changes = {**values, **({"revision": table.c.revision + 1} if bump else {})}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=changes))


class Database:
    """One engine and its transactions; the aggregate modules of :mod:`qmkit.store` work through it.

    ``upgrade``: bring an older schema up to date on opening. By default only on SQLite (one machine, one
    person); a shared PostgreSQL store is migrated by the administrator's ``qmkit db upgrade`` (which
    ``qmkit serve`` also runs at start), never by the kernels of open pages, which only check the version.
    """

    def __init__(self, url: str | None = None, upgrade: bool | None = None):
        self.url = url or database_url()
        try:
            parsed = make_url(self.url)
            self.gate: WriteQueue | None = None
            self._reader: Engine
            if parsed.get_backend_name() == "sqlite":
                self.engine = self._reader = _sqlite_engine(self.url)
                if parsed.database and parsed.database != ":memory:":
                    self.gate = WriteQueue(Path(parsed.database))
            else:
                if parsed.drivername in ("postgresql", "postgres"):  # the driver qmkit brings (psycopg 3)
                    parsed = parsed.set(drivername="postgresql+psycopg")
                # a small pool per process (one per kernel): one connection kept, a few more for threads
                self.engine = create_engine(
                    parsed, pool_pre_ping=True, pool_size=1, max_overflow=4, pool_recycle=1800, pool_timeout=10
                )
                # a read sees one snapshot for all its statements (PostgreSQL's default sees each one's own)
                self._reader = self.engine.execution_options(isolation_level="REPEATABLE READ")
            self._writer = self.engine.execution_options(**{_WRITE: True})
            self.schema_version = self._prepare(parsed.get_backend_name() == "sqlite" if upgrade is None else upgrade)
        except StoreError:
            self.close()
            raise
        except (SQLAlchemyError, OSError, ValueError) as exc:
            log.exception("store open failed")
            raise StoreError(
                _("Der Datenspeicher kann nicht geöffnet werden ({url}): {err}").format(
                    url=self.safe_url(), err=type(exc).__name__
                )
            ) from exc

    def _prepare(self, migrate: bool) -> int:
        """The schema version; migrated first when ``migrate`` and it is behind (a read when it is current)."""
        with self.read() as conn:
            version = current_version(conn)
            current = version == LATEST and conn.dialect.has_table(conn, "alembic_version")
        if current:
            return version
        if migrate or version > LATEST:
            with german_errors(self.safe_url()):
                return upgrade(self._writer)
        raise StoreError(
            _(
                "Die Datenbank hat Schema {db}, diese qmkit-Version braucht Schema {latest}. Bitte zuerst "
                "„qmkit db upgrade“ ausführen (Administration)."
            ).format(db=version, latest=LATEST)
        )

    def safe_url(self) -> str:
        """The URL without its password (for messages and logs)."""
        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except Exception:
            return "?"

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One short write transaction (``BEGIN IMMEDIATE`` on SQLite); never held across user input."""
        if self.gate is None:
            with german_errors(self.safe_url()), self._writer.begin() as conn:
                yield conn
            return
        with self.gate.hold(), german_errors(self.safe_url()), self._writer.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction: a consistent snapshot without the write lock."""
        with german_errors(self.safe_url()), self._reader.begin() as conn:
            yield conn

    def one(self, query: Any, missing: str) -> Any:
        """The first row of ``query``, or :class:`NotFoundError` with the German text ``missing``."""
        with self.read() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(missing)
        return row

    def close(self) -> None:
        if hasattr(self, "engine"):
            self.engine.dispose()
        if self.gate is not None:
            self.gate.close()
