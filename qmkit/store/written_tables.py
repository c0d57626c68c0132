"""The tables of written work (schema 15): the versions of an institution's reference text (LQW: its definition
of successful learning) and the narrative of a requirement in five focal points, one row per field.

Part of the same :data:`qmkit.store.tables.metadata`.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from qmkit.store.tables import metadata

definitions = Table(
    "definitions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("institution_id", Integer, ForeignKey("institutions.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("signed_off_by", String(200), nullable=False, default=""),
    Column("signed_off_on", Date, nullable=True),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    UniqueConstraint("institution_id", "version", name="uq_definition_version"),
)

narratives = Table(
    "narratives",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("requirement_id", String(64), nullable=False),
    Column("field", String(40), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    UniqueConstraint("cycle_id", "requirement_id", "field", name="uq_narrative_field"),
)
