"""Schema 10: networks (Verbund, region, municipality), their members, coordinators, rounds, agreements and the
members' contributions (copies of ratings). New tables only; nothing of the existing ones changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _networks_coordinators_agreements()
    _members()
    _rounds()
    _contributions()


def _networks_coordinators_agreements() -> None:
    op.create_table(
        "networks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("catalog_id", sa.String(length=64), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("uid"),
    )
    op.create_table(
        "network_agreements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("network_agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_agreements_network_id"), ["network_id"], unique=False)


def _members() -> None:
    op.create_table(
        "network_coordinators",
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=128), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
        ),
        sa.PrimaryKeyConstraint("network_id", "login"),
    )
    op.create_table(
        "network_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("named", sa.Boolean(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.String(length=200), nullable=False),
        sa.Column("invited_at", sa.String(length=40), nullable=False),
        sa.Column("joined_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sa.UniqueConstraint("network_id", "name", name="uq_network_member_name"),
    )
    with op.batch_alter_table("network_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_members_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_network_members_network_id"), ["network_id"], unique=False)


def _rounds() -> None:
    op.create_table(
        "network_rounds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("starts", sa.Date(), nullable=True),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("network_id", "name", name="uq_network_round_name"),
    )
    with op.batch_alter_table("network_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_rounds_network_id"), ["network_id"], unique=False)


def _contributions() -> None:
    op.create_table(
        "network_contributions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("catalog_id", sa.String(length=64), nullable=False),
        sa.Column("catalog_version", sa.String(length=64), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["network_members.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["network_rounds.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "round_id", name="uq_network_contribution"),
    )
    with op.batch_alter_table("network_contributions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_contributions_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("network_contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_contributions_round_id"))

    op.drop_table("network_contributions")
    with op.batch_alter_table("network_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_rounds_network_id"))

    op.drop_table("network_rounds")
    with op.batch_alter_table("network_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_members_network_id"))
        batch_op.drop_index(batch_op.f("ix_network_members_institution_id"))

    op.drop_table("network_members")
    op.drop_table("network_coordinators")
    with op.batch_alter_table("network_agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_agreements_network_id"))

    op.drop_table("network_agreements")
    op.drop_table("networks")
