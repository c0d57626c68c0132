"""Schema migrations of the store, applied in order on open; the version lives in ``schema_version``.

Rule for later releases: a migration, once released, never changes. When a table changes, freeze the
old definition inside the migration that created it and add a new numbered migration.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    inspect,
    select,
    update,
)

from qmkit.errors import StoreError
from qmkit.i18n import _
from qmkit.store import tables as schema

# Frozen: the per-requirement evidence references of release 0.1, replaced by the register in version 5.
_V1 = MetaData()
_V1_CYCLES = Table("cycles", _V1, Column("id", Integer, primary_key=True), Column("institution_id", Integer))
_V1_EVIDENCE_REFS = Table(
    "evidence_refs",
    _V1,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("requirement_id", String(64), nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("title", String(300), nullable=False, default=""),
    Column("version", String(100), nullable=False, default=""),
    Column("location", String(500), nullable=False, default=""),
    Column("on_site_only", Boolean, nullable=False, default=False),
    Column("changed_at", String(40), nullable=False),
)


def _v1_initial(conn: Connection) -> None:
    """Release 0.1: institutions, cycles, assessments, evidence references."""
    schema.metadata.create_all(conn, tables=[schema.institutions, schema.cycles, schema.assessments])
    _V1.create_all(conn, tables=[_V1_EVIDENCE_REFS])


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


def _v5_evidence_register(conn: Connection) -> None:
    """Release 0.5: the evidence register; each old reference becomes a register document and a link.

    References with the same title, version, place and on-site flag in one institution become one document.
    """
    schema.metadata.create_all(conn, tables=[schema.documents, schema.evidence_links])
    refs, cycles = _V1_EVIDENCE_REFS, _V1_CYCLES
    rows = conn.execute(
        select(refs, cycles.c.institution_id)
        .join(cycles, cycles.c.id == refs.c.cycle_id)
        .order_by(refs.c.cycle_id, refs.c.requirement_id, refs.c.position, refs.c.id)
    ).all()
    made: dict[tuple[object, ...], int] = {}
    linked: set[tuple[int, str, int]] = set()
    for row in rows:
        key = (row.institution_id, row.title, row.version, row.location, bool(row.on_site_only))
        if key not in made:
            result = conn.execute(
                insert(schema.documents).values(
                    institution_id=row.institution_id,
                    title=row.title,
                    version=row.version,
                    location=row.location,
                    on_site_only=bool(row.on_site_only),
                    created_at=row.changed_at,
                    changed_at=row.changed_at,
                )
            )
            made[key] = int(result.inserted_primary_key[0])  # type: ignore[index]
        link = (row.cycle_id, row.requirement_id, made[key])
        if link in linked:
            continue
        linked.add(link)
        conn.execute(
            insert(schema.evidence_links).values(
                cycle_id=row.cycle_id,
                requirement_id=row.requirement_id,
                document_id=made[key],
                position=row.position,
                linked_at=row.changed_at,
            )
        )
    _V1_EVIDENCE_REFS.drop(conn)


def _v6_timeline(conn: Connection) -> None:
    """Release 0.6: the certification timeline (certificate dates, planned and done dates of steps/deadlines)."""
    schema.metadata.create_all(conn, tables=[schema.certifications, schema.timeline_dates])


def _v7_feedback(conn: Connection) -> None:
    """Release 0.7: the assessors' feedback report (report head and a finding per requirement)."""
    schema.metadata.create_all(conn, tables=[schema.feedback_reports, schema.feedback_findings])


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _v1_initial),
    (2, _v2_planning),
    (3, _v3_review),
    (4, _v4_workshops),
    (5, _v5_evidence_register),
    (6, _v6_timeline),
    (7, _v7_feedback),
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
