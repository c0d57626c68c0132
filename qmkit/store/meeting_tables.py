"""The tables of network meetings (schema 13): meetings with their participants, and the members' decisions about
agreements released to their plans. The agreements themselves stay in ``network_agreements`` (which gets the meeting,
a due date and when it was released).

Part of the same :data:`qmkit.store.tables.metadata`.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, Time, UniqueConstraint

import qmkit.store.network_tables  # noqa: F401  (networks, members and agreements first)
from qmkit.store.tables import metadata

network_meetings = Table(
    "network_meetings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("network_id", Integer, ForeignKey("networks.id"), nullable=False, index=True),
    Column("day", Date, nullable=False),
    Column("starts", Time, nullable=True),
    Column("ends", Time, nullable=True),
    Column("place", String(300), nullable=False, default=""),
    Column("host_member_id", Integer, ForeignKey("network_members.id"), nullable=True),
    Column("title", String(200), nullable=False),
    Column("agenda", Text, nullable=False, default=""),
    Column("minutes", Text, nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("uid", String(64), nullable=False, unique=True),  # the calendar event's UID: stable across exports
    Column("revision", Integer, nullable=False, default=1),  # the calendar's SEQUENCE
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
)

network_meeting_participants = Table(
    "network_meeting_participants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_id", Integer, ForeignKey("network_meetings.id"), nullable=False, index=True),
    Column("member_id", Integer, ForeignKey("network_members.id"), nullable=True),
    Column("name", String(200), nullable=False, default=""),  # a person (guest, speaker) – not a client
)

network_adoptions = Table(
    "network_adoptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agreement_id", Integer, ForeignKey("network_agreements.id"), nullable=False, index=True),
    Column("member_id", Integer, ForeignKey("network_members.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("cycle_id", Integer, ForeignKey("cycles.id"), nullable=True),
    Column("measure_id", Integer, ForeignKey("measures.id"), nullable=True),
    Column("reason", Text, nullable=False, default=""),
    Column("changed_by", String(200), nullable=False, default=""),
    Column("changed_at", String(40), nullable=False),
    UniqueConstraint("agreement_id", "member_id", name="uq_network_adoption"),
)
