"""Angebote und Bedarfe (DKBM): each load of monitoring data or an offers register with its source, who loaded it
and the column mapping, its rows in long form, and the load each cycle uses per kind. New tables only; no data
changes.

Revision 0019 (schema 19) after 0018. Deleting a load takes its rows and the cycles' choice of it along
(``ON DELETE CASCADE``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _data_loads()
    _cycle_data()
    _need_values()
    _offer_rows()


def _data_loads() -> None:
    op.create_table(
        "data_loads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("data_loads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_loads_institution_id"), ["institution_id"], unique=False)


def _cycle_data() -> None:
    op.create_table(
        "cycle_data",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("load_id", sa.Integer(), nullable=False),
        sa.Column("chosen_by", sa.String(length=200), nullable=False),
        sa.Column("chosen_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["load_id"], ["data_loads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "kind", name="uq_cycle_data_kind"),
    )
    with op.batch_alter_table("cycle_data", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_data_cycle_id"), ["cycle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cycle_data_load_id"), ["load_id"], unique=False)


def _need_values() -> None:
    op.create_table(
        "need_values",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("load_id", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("target_group", sa.String(length=200), nullable=False),
        sa.Column("indicator", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["load_id"], ["data_loads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("need_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_values_load_id"), ["load_id"], unique=False)


def _offer_rows() -> None:
    op.create_table(
        "offer_rows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("load_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=200), nullable=False),
        sa.Column("target_group", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("places", sa.Float(), nullable=False),
        sa.Column("participants", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["load_id"], ["data_loads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("offer_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_rows_load_id"), ["load_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("offer_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_rows_load_id"))

    op.drop_table("offer_rows")
    with op.batch_alter_table("need_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_values_load_id"))

    op.drop_table("need_values")
    with op.batch_alter_table("cycle_data", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycle_data_load_id"))
        batch_op.drop_index(batch_op.f("ix_cycle_data_cycle_id"))

    op.drop_table("cycle_data")
    with op.batch_alter_table("data_loads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_loads_institution_id"))

    op.drop_table("data_loads")
