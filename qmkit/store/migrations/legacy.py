"""The hand-written steps of releases 0.1 to 0.7 (schemas 1 to 7), on the frozen tables of :mod:`.frozen`.

They run as the body of Alembic's baseline revision ``0007``: a new database goes through all of them, a database
written by release 0.1 to 0.6 through the ones it lacks, a schema-7 database through none. Never edit a step; later
changes are Alembic revisions.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, insert, inspect, select, update

from qmkit.store.migrations import frozen as t


def _v1_initial(conn: Connection) -> None:
    """Release 0.1: institutions, cycles, assessments, evidence references."""
    t.metadata.create_all(conn, tables=[t.institutions, t.cycles, t.assessments, t.evidence_refs])


def _v2_planning(conn: Connection) -> None:
    """Release 0.2: goals and measures of the quality plan."""
    t.metadata.create_all(conn, tables=[t.goals, t.measures])


def _v3_review(conn: Connection) -> None:
    """Release 0.3: plan sign-off, PDCA review, management reviews, cycles started from a previous one."""
    t.metadata.create_all(
        conn,
        tables=[
            t.plan_signoffs,
            t.measure_reviews,
            t.pdca_scores,
            t.management_reviews,
            t.cycle_origins,
            t.baseline_marks,
            t.measure_origins,
        ],
    )


def _v4_workshops(conn: Connection) -> None:
    """Release 0.4: rating workshops with participants, ratings, dot counts and consensus."""
    t.metadata.create_all(
        conn,
        tables=[t.workshops, t.workshop_participants, t.workshop_ratings, t.workshop_dots, t.workshop_consensus],
    )


def _v5_evidence_register(conn: Connection) -> None:
    """Release 0.5: the evidence register; each old reference becomes a register document and a link.

    References with the same title, version, place and on-site flag in one institution become one document.
    """
    t.metadata.create_all(conn, tables=[t.documents, t.evidence_links])
    refs, cycles = t.evidence_refs, t.cycles
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
                insert(t.documents).values(
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
            insert(t.evidence_links).values(
                cycle_id=row.cycle_id,
                requirement_id=row.requirement_id,
                document_id=made[key],
                position=row.position,
                linked_at=row.changed_at,
            )
        )
    refs.drop(conn)


def _v6_timeline(conn: Connection) -> None:
    """Release 0.6: the certification timeline (certificate dates, planned and done dates of steps/deadlines)."""
    t.metadata.create_all(conn, tables=[t.certifications, t.timeline_dates])


def _v7_feedback(conn: Connection) -> None:
    """Release 0.7: the assessors' feedback report (report head and a finding per requirement)."""
    t.metadata.create_all(conn, tables=[t.feedback_reports, t.feedback_findings])


STEPS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _v1_initial),
    (2, _v2_planning),
    (3, _v3_review),
    (4, _v4_workshops),
    (5, _v5_evidence_register),
    (6, _v6_timeline),
    (7, _v7_feedback),
]
BASELINE = STEPS[-1][0]


def stored_version(conn: Connection) -> int:
    """The number in ``schema_version`` (0 for a new database)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    value = conn.execute(select(t.schema_version.c.version)).scalar()
    return int(value or 0)


def upgrade_to_baseline(conn: Connection) -> None:
    """Run the steps the database lacks up to schema 7 (none when it has schema 7 or later)."""
    version = stored_version(conn)
    if version >= BASELINE:
        return
    t.metadata.create_all(conn, tables=[t.schema_version])
    for number, step in STEPS:
        if number > version:
            step(conn)
    if version == 0:
        conn.execute(insert(t.schema_version).values(version=BASELINE))
    else:
        conn.execute(update(t.schema_version).values(version=BASELINE))
