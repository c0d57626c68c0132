"""Kollegiale Begehungen: focus topics of a network round, inspections, the peers' findings, agreements.

Revision 0014 (schema 14) after 0013, made 2026-12-02 01:45:40.051211.
Review it before committing: autogenerate misses renames and data moves. On SQLite, changes to existing tables go
through ``op.batch_alter_table`` (a table rebuild); qmkit runs revisions with foreign keys off for that.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _topics()
    _inspections()
    _findings()
    _agreements()


def _topics() -> None:
    op.create_table(
        "inspection_topics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["network_rounds.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "title", name="uq_inspection_topic_title"),
    )
    with op.batch_alter_table("inspection_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_topics_network_id"), ["network_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_topics_round_id"), ["round_id"], unique=False)


def _inspections() -> None:
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("host_member_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("peers", sa.JSON(), nullable=False),
        sa.Column("peer_names", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_member_id"],
            ["network_members.id"],
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["network_rounds.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "host_member_id", name="uq_inspection_round_host"),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_host_member_id"), ["host_member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_network_id"), ["network_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_round_id"), ["round_id"], unique=False)


def _findings() -> None:
    op.create_table(
        "inspection_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Integer(), nullable=False),
        sa.Column("seen", sa.Text(), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("suggestions", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["inspection_topics.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspection_id", "topic_id", "question", name="uq_inspection_finding"),
    )
    with op.batch_alter_table("inspection_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_findings_inspection_id"), ["inspection_id"], unique=False)


def _agreements() -> None:
    op.create_table(
        "inspection_agreements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=200), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("inspection_agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_agreements_inspection_id"), ["inspection_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inspection_agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_agreements_inspection_id"))

    op.drop_table("inspection_agreements")
    with op.batch_alter_table("inspection_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_findings_inspection_id"))

    op.drop_table("inspection_findings")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_round_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_network_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_host_member_id"))

    op.drop_table("inspections")
    with op.batch_alter_table("inspection_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_topics_round_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_topics_network_id"))

    op.drop_table("inspection_topics")
