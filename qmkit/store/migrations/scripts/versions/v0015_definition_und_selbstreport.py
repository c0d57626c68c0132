"""Definition und Selbstreport: versions of the reference text (LQW: Definition gelungenen Lernens), narratives.

Revision 0015 (schema 15) after 0014, made 2026-12-02 02:02:07.035874.
Review it before committing: autogenerate misses renames and data moves. On SQLite, changes to existing tables go
through ``op.batch_alter_table`` (a table rebuild); qmkit runs revisions with foreign keys off for that.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LQW_STATES = {"erfuellt": "beschrieben", "auflage": "in_arbeit", "nicht_erfuellt": "offen"}


def upgrade() -> None:
    _definitions()
    _lqw_states()


def _lqw_states() -> None:
    """LQW's self-rating becomes the state of the description (the verdict is the assessors', in the feedback
    report): stored values of LQW cycles, their workshops and network contributions are translated."""
    conn = op.get_bind()
    cycles = sa.table("cycles", sa.column("id"), sa.column("catalog_id"))
    workshops = sa.table("workshops", sa.column("id"), sa.column("cycle_id"))
    people = sa.table("workshop_participants", sa.column("id"), sa.column("workshop_id"))
    lqw_cycles = sa.select(cycles.c.id).where(cycles.c.catalog_id == "lqw")
    lqw_workshops = sa.select(workshops.c.id).where(workshops.c.cycle_id.in_(lqw_cycles))
    lqw_people = sa.select(people.c.id).where(people.c.workshop_id.in_(lqw_workshops))
    targets = [
        (sa.table("assessments", sa.column("rating"), sa.column("cycle_id")), "rating", "cycle_id", lqw_cycles),
        (sa.table("workshop_ratings", sa.column("value"), sa.column("participant_id")), "value", "participant_id",
         lqw_people),
        (sa.table("workshop_consensus", sa.column("rating"), sa.column("workshop_id")), "rating", "workshop_id",
         lqw_workshops),
        (sa.table("workshop_dots", sa.column("value"), sa.column("workshop_id")), "value", "workshop_id",
         lqw_workshops),
    ]  # fmt: skip
    for old, new in LQW_STATES.items():
        for table, value, owner, owners in targets:
            where = sa.and_(table.c[value] == old, table.c[owner].in_(owners))
            conn.execute(sa.update(table).where(where).values({value: new}))
    contributions = sa.table(
        "network_contributions", sa.column("id"), sa.column("catalog_id"), sa.column("ratings", sa.JSON)
    )
    query = sa.select(contributions.c.id, contributions.c.ratings).where(contributions.c.catalog_id == "lqw")
    for row in conn.execute(query).all():
        ratings = {k: LQW_STATES.get(v, v) for k, v in (row.ratings or {}).items()}
        conn.execute(sa.update(contributions).where(contributions.c.id == row.id).values(ratings=ratings))


def _definitions() -> None:
    op.create_table(
        "definitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("signed_off_by", sa.String(length=200), nullable=False),
        sa.Column("signed_off_on", sa.Date(), nullable=True),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("institution_id", "version", name="uq_definition_version"),
    )
    with op.batch_alter_table("definitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_definitions_institution_id"), ["institution_id"], unique=False)

    op.create_table(
        "narratives",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "requirement_id", "field", name="uq_narrative_field"),
    )
    with op.batch_alter_table("narratives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_narratives_cycle_id"), ["cycle_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("narratives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_narratives_cycle_id"))

    op.drop_table("narratives")
    with op.batch_alter_table("definitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_definitions_institution_id"))

    op.drop_table("definitions")
