"""Befragungen: surveys of a cycle (system partners), their group links, paper codes and anonymous responses.

Revision 0012 (schema 12) after 0011, made 2026-12-01 22:45:39.996697.
Review it before committing: autogenerate misses renames and data moves. On SQLite, changes to existing tables go
through ``op.batch_alter_table`` (a table rebuild); qmkit runs revisions with foreign keys off for that.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _surveys_and_codes()
    _links_and_responses()


def _surveys_and_codes() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("instrument_id", sa.String(length=64), nullable=False),
        sa.Column("instrument", sa.JSON(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Date(), nullable=True),
        sa.Column("closes", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("max_responses", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveys_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "survey_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    with op.batch_alter_table("survey_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_codes_survey_id"), ["survey_id"], unique=False)


def _links_and_responses() -> None:
    op.create_table(
        "survey_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "group_id", name="uq_survey_link_group"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("survey_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_links_survey_id"), ["survey_id"], unique=False)

    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("respondent", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "respondent", name="uq_survey_response"),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_responses_survey_id"), ["survey_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_survey_id"))

    op.drop_table("survey_responses")
    with op.batch_alter_table("survey_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_links_survey_id"))

    op.drop_table("survey_links")
    with op.batch_alter_table("survey_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_codes_survey_id"))

    op.drop_table("survey_codes")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveys_cycle_id"))

    op.drop_table("surveys")
