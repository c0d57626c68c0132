"""The tables of the internal audit (schema 17): the yearly audit programme, audit records and their findings.

Part of the same :data:`qmkit.store.tables.metadata`.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text

from qmkit.store.tables import metadata

audit_plan = Table(
    "audit_plan",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("subject", String(200), nullable=False),
    Column("auditors", String(300), nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
)

audit_records = Table(
    "audit_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=False, index=True),
    Column("plan_item_id", Integer, ForeignKey("audit_plan.id"), nullable=True),
    Column("day", Date, nullable=False),
    Column("scope", Text, nullable=False),
    Column("auditors", String(300), nullable=False, default=""),
    Column("summary", Text, nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
)

audit_findings = Table(
    "audit_findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", Integer, ForeignKey("audit_records.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("requirement_id", String(64), nullable=False, default=""),
    Column("evidence", Text, nullable=False, default=""),
    Column("measure_id", Integer, ForeignKey("measures.id"), nullable=True),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
)
