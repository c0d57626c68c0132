"""The tables of the process map: an institution's processes, the requirements each serves and the register
documents that describe it.

A process belongs to the institution (it outlives a cycle); its requirement links are catalog ids. Deleting a
process or a register document takes its links along (``ON DELETE CASCADE``). Part of the same
:data:`qmkit.store.tables.metadata`.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from qmkit.store.tables import metadata

processes = Table(
    "processes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("institution_id", Integer, ForeignKey("institutions.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("owner", String(200), nullable=False, default=""),
    Column("purpose", Text, nullable=False, default=""),
    Column("inputs", Text, nullable=False, default=""),
    Column("outputs", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False, default=0),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    Column("revision", Integer, nullable=False, default=1),
    UniqueConstraint("institution_id", "name", name="uq_process_name"),
)

process_requirements = Table(
    "process_requirements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("process_id", Integer, ForeignKey("processes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("requirement_id", String(64), nullable=False),
    Column("linked_by", String(200), nullable=False, default=""),
    Column("linked_at", String(40), nullable=False),
    UniqueConstraint("process_id", "requirement_id", name="uq_process_requirement"),
)

process_documents = Table(
    "process_documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("process_id", Integer, ForeignKey("processes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("linked_by", String(200), nullable=False, default=""),
    Column("linked_at", String(40), nullable=False),
    UniqueConstraint("process_id", "document_id", name="uq_process_document"),
)
