"""Schema 13: network meetings (date, time, place, host, agenda, minutes, status, calendar UID), their participants,
and the members' decisions about agreements released to their plans. Agreements get the meeting that made them,
a due date and when they were released. New tables and new nullable columns; no data changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AGREEMENT_MEETING_FK = "fk_network_agreements_meeting_id_network_meetings"


def upgrade() -> None:
    _meetings()
    _participants()
    _adoptions()
    _agreement_columns()


def _meetings() -> None:
    op.create_table(
        "network_meetings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=True),
        sa.Column("ends", sa.Time(), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("host_member_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["host_member_id"], ["network_members.id"]),
        sa.ForeignKeyConstraint(["network_id"], ["networks.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    with op.batch_alter_table("network_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_meetings_network_id"), ["network_id"], unique=False)


def _participants() -> None:
    op.create_table(
        "network_meeting_participants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["network_meetings.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["network_members.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("network_meeting_participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_meeting_participants_meeting_id"), ["meeting_id"], unique=False)


def _adoptions() -> None:
    op.create_table(
        "network_adoptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["network_agreements.id"]),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"]),
        sa.ForeignKeyConstraint(["measure_id"], ["measures.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["network_members.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "member_id", name="uq_network_adoption"),
    )
    with op.batch_alter_table("network_adoptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_adoptions_agreement_id"), ["agreement_id"], unique=False)


def _agreement_columns() -> None:
    with op.batch_alter_table("network_agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("released_at", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("released_by", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_network_agreements_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_foreign_key(AGREEMENT_MEETING_FK, "network_meetings", ["meeting_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("network_agreements", schema=None) as batch_op:
        batch_op.drop_constraint(AGREEMENT_MEETING_FK, type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_network_agreements_meeting_id"))
        batch_op.drop_column("released_by")
        batch_op.drop_column("released_at")
        batch_op.drop_column("due")
        batch_op.drop_column("meeting_id")
    with op.batch_alter_table("network_adoptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_adoptions_agreement_id"))
    op.drop_table("network_adoptions")
    with op.batch_alter_table("network_meeting_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_meeting_participants_meeting_id"))
    op.drop_table("network_meeting_participants")
    with op.batch_alter_table("network_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_meetings_network_id"))
    op.drop_table("network_meetings")
