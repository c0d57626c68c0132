"""Prozesslandkarte: an institution's processes (Führung, Kern, Unterstützung), the requirements each serves and
the register documents that describe it. New tables only; no data changes.

Revision 0018 (schema 18) after 0017. Deleting a process or a register document takes its links along
(``ON DELETE CASCADE``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _processes()
    _process_documents()
    _process_requirements()


def _processes() -> None:
    op.create_table(
        "processes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("outputs", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("institution_id", "name", name="uq_process_name"),
    )
    with op.batch_alter_table("processes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processes_institution_id"), ["institution_id"], unique=False)


def _process_documents() -> None:
    op.create_table(
        "process_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.Column("linked_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["process_id"], ["processes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("process_id", "document_id", name="uq_process_document"),
    )
    with op.batch_alter_table("process_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_process_documents_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_process_documents_process_id"), ["process_id"], unique=False)


def _process_requirements() -> None:
    op.create_table(
        "process_requirements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.String(length=64), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.Column("linked_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["process_id"], ["processes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("process_id", "requirement_id", name="uq_process_requirement"),
    )
    with op.batch_alter_table("process_requirements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_process_requirements_process_id"), ["process_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("process_requirements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_requirements_process_id"))

    op.drop_table("process_requirements")
    with op.batch_alter_table("process_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_documents_process_id"))
        batch_op.drop_index(batch_op.f("ix_process_documents_document_id"))

    op.drop_table("process_documents")
    with op.batch_alter_table("processes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processes_institution_id"))

    op.drop_table("processes")
