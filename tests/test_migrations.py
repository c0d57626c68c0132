"""Alembic migrations: the chain, agreement of tables.py with the migrated database, refusal, concurrency, batch."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from qmkit.errors import StoreError
from qmkit.store import Store, tables
from qmkit.store.migrations import LATEST, SCRIPTS, alembic_config, migration_transaction, upgrade

RELEASE_STORES = Path(__file__).resolve().parent / "data" / "release_stores"


def _differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), tables.metadata))
    finally:
        engine.dispose()


def test_revisions_are_one_numbered_line_up_to_latest():
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [f"{LATEST:04d}"]
    chain = list(scripts.walk_revisions())  # head first
    assert [r.revision for r in chain] == [f"{n:04d}" for n in range(LATEST, 6, -1)]
    for rev in chain:
        assert Path(rev.path).name.startswith(f"v{rev.revision}_")
        assert rev.down_revision == (None if rev.revision == "0007" else f"{int(rev.revision) - 1:04d}")


def test_tables_and_migrations_agree_on_a_new_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    Store(url).close()
    assert _differences(url) == []


@pytest.mark.parametrize("schema", [1, 4, 7])
def test_tables_and_migrations_agree_after_upgrading_a_release_store(schema, tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(RELEASE_STORES / f"schema{schema}.sqlite", path)
    engine = create_engine(f"sqlite:///{path}")
    assert upgrade(engine) == LATEST
    engine.dispose()
    assert _differences(f"sqlite:///{path}") == []


def test_the_comparison_sees_a_table_the_migrations_lack(tmp_path):
    """The agreement test can fail: a table missing from the database is reported."""
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    Store(url).close()
    with sqlite3.connect(tmp_path / "new.sqlite") as con:
        con.execute("DROP TABLE feedback_findings")
    assert [d[0] for d in _differences(url)] == ["add_table"]  # type: ignore[index]


def test_a_database_of_a_newer_qmkit_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    Store(url).close()
    with sqlite3.connect(tmp_path / "new.sqlite") as con:
        con.execute("UPDATE schema_version SET version = ?", (LATEST + 1,))
    with pytest.raises(StoreError, match="neueren qmkit-Version"):
        Store(url)


def _open(url: str, barrier: object, results: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    store = Store(url)
    results.put(store.schema_version)  # type: ignore[attr-defined]
    store.close()


def test_many_processes_open_a_new_database_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(6), ctx.Queue()
    procs = [ctx.Process(target=_open, args=(url, barrier, results)) for _ in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 6
    assert sorted(results.get(timeout=5) for _ in procs) == [LATEST] * 6
    with sqlite3.connect(tmp_path / "new.sqlite") as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(f"{LATEST:04d}",)]
        assert con.execute("SELECT version FROM schema_version").fetchall() == [(LATEST,)]
        assert con.execute("SELECT count(*) FROM institutions").fetchone() == (0,)


BATCH_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = "{down}"


def upgrade():
    with op.batch_alter_table("cycles", recreate="always") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
"""


def _with_batch_revision(tmp_path: Path, conn: object) -> object:
    """Alembic's configuration on a copy of the scripts plus a revision that rebuilds ``cycles`` (referenced)."""
    scripts = tmp_path / "scripts"
    shutil.copytree(SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    rev = f"{LATEST + 1:04d}"
    (scripts / "versions" / f"v{rev}_rebuild_cycles.py").write_text(
        BATCH_REVISION.format(rev=rev, down=f"{LATEST:04d}"), "utf-8"
    )
    config = alembic_config(conn)  # type: ignore[arg-type]
    config.set_main_option("script_location", str(scripts))
    return config


def _release7_store(tmp_path: Path) -> Store:
    """Release 0.7's store opened by today's Store (its engine: foreign keys on, ``BEGIN IMMEDIATE``)."""
    path = tmp_path / "schema7.sqlite"
    shutil.copyfile(RELEASE_STORES / "schema7.sqlite", path)
    return Store(f"sqlite:///{path}")


def test_a_batch_rebuild_of_a_referenced_table_needs_the_migration_transaction(tmp_path):
    """SQLite batch mode drops and renames the table; with foreign keys on that fails inside a transaction."""
    store = _release7_store(tmp_path)
    engine = store.db.engine
    with pytest.raises(IntegrityError), engine.begin() as conn:
        command.upgrade(_with_batch_revision(tmp_path / "a", conn), "head")  # type: ignore[arg-type]
    with migration_transaction(engine) as conn:
        command.upgrade(_with_batch_revision(tmp_path / "b", conn), "head")  # type: ignore[arg-type]
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1  # switched on again for the pool
        assert conn.execute(text("SELECT count(*) FROM cycles WHERE note IS NULL")).scalar() == 2
        assert conn.execute(text("SELECT count(*) FROM assessments")).scalar() >= 10
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    store.close()
