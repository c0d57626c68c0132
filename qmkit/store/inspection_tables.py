"""The tables of collegial inspections (kollegiale Begehung): focus topics of a network round, inspections, the
peers' findings per question and the agreements that become measures in the host's plan.

Part of the same :data:`qmkit.store.tables.metadata`.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint

import qmkit.store.network_tables  # noqa: F401  (networks, members and rounds first)
from qmkit.store.tables import metadata

inspection_topics = Table(
    "inspection_topics",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("network_id", Integer, ForeignKey("networks.id"), nullable=False, index=True),
    Column("round_id", Integer, ForeignKey("network_rounds.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("questions", JSON, nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    UniqueConstraint("round_id", "title", name="uq_inspection_topic_title"),
)

inspections = Table(
    "inspections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("network_id", Integer, ForeignKey("networks.id"), nullable=False, index=True),
    Column("round_id", Integer, ForeignKey("network_rounds.id"), nullable=False, index=True),
    Column("host_member_id", Integer, ForeignKey("network_members.id"), nullable=False, index=True),
    Column("day", Date, nullable=False),
    Column("place", String(300), nullable=False, default=""),
    Column("agenda", Text, nullable=False, default=""),
    Column("peers", JSON, nullable=False),  # member ids of the peer team
    Column("peer_names", JSON, nullable=False),  # persons of the peer team
    Column("documents", JSON, nullable=False),  # evidence register entries of the host to look at
    Column("status", String(20), nullable=False),
    Column("statement", Text, nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    UniqueConstraint("round_id", "host_member_id", name="uq_inspection_round_host"),
)

inspection_findings = Table(
    "inspection_findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("inspection_id", Integer, ForeignKey("inspections.id"), nullable=False, index=True),
    Column("topic_id", Integer, ForeignKey("inspection_topics.id"), nullable=False),
    Column("question", Integer, nullable=False),
    Column("seen", Text, nullable=False, default=""),
    Column("strengths", Text, nullable=False, default=""),
    Column("suggestions", Text, nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    UniqueConstraint("inspection_id", "topic_id", "question", name="uq_inspection_finding"),
)

inspection_agreements = Table(
    "inspection_agreements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("inspection_id", Integer, ForeignKey("inspections.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("responsible", String(200), nullable=False),
    Column("due", Date, nullable=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=True),
    Column("measure_id", Integer, ForeignKey("measures.id"), nullable=True),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
)
