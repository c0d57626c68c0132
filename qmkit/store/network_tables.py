"""The tables of networks (schema 10 to 12): Verbund, region or municipality, members, rounds, contributions.

Part of the same :data:`qmkit.store.tables.metadata`; a member's contribution is a copy of its ratings (no texts).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from qmkit.store.tables import metadata

networks = Table(
    "networks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("catalog_id", String(64), nullable=False),
    Column("threshold", Integer, nullable=False, default=5),
    Column("description", Text, nullable=False, default=""),
    Column("uid", String(64), nullable=False, unique=True),  # names the network in exchanged files
    # "hier": coordinated on this installation; "einladung": a member's copy made from an invitation file
    Column("origin", String(20), nullable=False, default="hier", server_default="hier"),
    Column("created_by", String(200), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
)

network_coordinators = Table(
    "network_coordinators",
    metadata,
    Column("network_id", Integer, ForeignKey("networks.id"), primary_key=True),
    Column("login", String(128), primary_key=True),
    Column("added_by", String(200), nullable=False, default=""),
    Column("added_at", String(40), nullable=False),
)

network_members = Table(
    "network_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("network_id", Integer, ForeignKey("networks.id"), nullable=False, index=True),
    Column("institution_id", Integer, ForeignKey("institutions.id"), nullable=True, index=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("named", Boolean, nullable=False, default=False),
    Column("key", String(64), nullable=False, unique=True),  # names the member in its contribution files
    Column("invited_by", String(200), nullable=False, default=""),
    Column("invited_at", String(40), nullable=False),
    Column("joined_at", String(40), nullable=False, default=""),
    UniqueConstraint("network_id", "name", name="uq_network_member_name"),
)

network_rounds = Table(
    "network_rounds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("network_id", Integer, ForeignKey("networks.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("starts", Date, nullable=True),
    Column("ends", Date, nullable=True),
    UniqueConstraint("network_id", "name", name="uq_network_round_name"),
)

network_agreements = Table(
    "network_agreements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("network_id", Integer, ForeignKey("networks.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("agreed_on", Date, nullable=True),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    # schema 13: made at a network meeting (qmkit.store.meeting_tables), to be done by, released to the members
    Column("meeting_id", Integer, ForeignKey("network_meetings.id"), nullable=True, index=True),
    Column("due", Date, nullable=True),
    Column("released_at", String(40), nullable=True),
    Column("released_by", String(200), nullable=True),
)

network_contributions = Table(
    "network_contributions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("member_id", Integer, ForeignKey("network_members.id"), nullable=False),
    Column("round_id", Integer, ForeignKey("network_rounds.id"), nullable=False, index=True),
    Column("catalog_id", String(64), nullable=False),
    Column("catalog_version", String(64), nullable=False),
    Column("ratings", JSON, nullable=False),  # requirement id -> scale value
    Column("progress", Float, nullable=False, default=0.0),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=True),
    Column("source", String(300), nullable=False, default=""),
    Column("content_hash", String(64), nullable=False, default=""),
    Column("submitted_by", String(200), nullable=False, default=""),
    Column("submitted_at", String(40), nullable=False),
    UniqueConstraint("member_id", "round_id", name="uq_network_contribution"),
)

network_results = Table(
    "network_results",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("network_rounds.id"), nullable=False, unique=True),
    Column("figures", JSON, nullable=False),  # the round's anonymous figures as the coordinator sent them
    Column("content_hash", String(64), nullable=False),
    Column("imported_by", String(200), nullable=False, default=""),
    Column("imported_at", String(40), nullable=False),
)
