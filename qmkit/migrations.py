"""Schema migrations of the store, applied in order on open; the version lives in ``schema_version``.

Rule for later releases: a migration, once released, never changes. When a table changes, freeze the
old definition inside the migration that created it and add a new numbered migration.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, insert, inspect, select, update

from . import schema
from .errors import StoreError
from .i18n import _


def _v1_initial(conn: Connection) -> None:
    """Release 0.1: institutions, cycles, assessments, evidence references."""
    schema.metadata.create_all(
        conn,
        tables=[schema.institutions, schema.cycles, schema.assessments, schema.evidence_refs],
    )


def _v2_planning(conn: Connection) -> None:
    """Release 0.2: goals and measures of the quality plan."""
    schema.metadata.create_all(conn, tables=[schema.goals, schema.measures])


def _v3_review(conn: Connection) -> None:
    """Release 0.3: plan sign-off, PDCA review, management reviews, cycles started from a previous one."""
    schema.metadata.create_all(
        conn,
        tables=[
            schema.plan_signoffs,
            schema.measure_reviews,
            schema.pdca_scores,
            schema.management_reviews,
            schema.cycle_origins,
            schema.baseline_marks,
            schema.measure_origins,
        ],
    )


def _v4_workshops(conn: Connection) -> None:
    """Release 0.4: rating workshops with participants, ratings, dot counts and consensus."""
    schema.metadata.create_all(
        conn,
        tables=[
            schema.workshops,
            schema.workshop_participants,
            schema.workshop_ratings,
            schema.workshop_dots,
            schema.workshop_consensus,
        ],
    )


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _v1_initial),
    (2, _v2_planning),
    (3, _v3_review),
    (4, _v4_workshops),
]
LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    value = conn.execute(select(schema.schema_version.c.version)).scalar()
    return int(value or 0)


def migrate(conn: Connection) -> int:
    """Bring the database to the latest schema inside the caller's (write) transaction."""
    schema.metadata.create_all(conn, tables=[schema.schema_version])
    version = current_version(conn)
    if version > LATEST:
        raise StoreError(
            _(
                "Die Datenbank stammt aus einer neueren qmkit-Version (Schema {db}, bekannt bis {known}). "
                "Bitte qmkit aktualisieren."
            ).format(db=version, known=LATEST)
        )
    for number, step in MIGRATIONS:
        if number > version:
            step(conn)
    if version == 0:
        conn.execute(insert(schema.schema_version).values(version=LATEST))
    elif version < LATEST:
        conn.execute(update(schema.schema_version).values(version=LATEST))
    return LATEST
