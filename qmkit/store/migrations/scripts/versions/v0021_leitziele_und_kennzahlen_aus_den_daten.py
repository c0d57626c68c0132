"""Schema 21: goals tied to strategic goals and to the data (DKBM). New table ``strategic_goals`` (an institution's
Leitziele); goals get the Leitziel they serve and the indicator they follow in the loaded data (indicator, district,
target group, baseline year). New table and new columns with defaults; no data changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GOAL_STRATEGIC_FK = "fk_goals_strategic_goal_id_strategic_goals"


def upgrade() -> None:
    op.create_table(
        "strategic_goals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("strategic_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strategic_goals_institution_id"), ["institution_id"], unique=False)

    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("strategic_goal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("data_indicator", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("data_district", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("data_group", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("data_year", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_goals_strategic_goal_id"), ["strategic_goal_id"], unique=False)
        batch_op.create_foreign_key(GOAL_STRATEGIC_FK, "strategic_goals", ["strategic_goal_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_constraint(GOAL_STRATEGIC_FK, type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_goals_strategic_goal_id"))
        batch_op.drop_column("data_year")
        batch_op.drop_column("data_group")
        batch_op.drop_column("data_district")
        batch_op.drop_column("data_indicator")
        batch_op.drop_column("strategic_goal_id")

    with op.batch_alter_table("strategic_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strategic_goals_institution_id"))

    op.drop_table("strategic_goals")
