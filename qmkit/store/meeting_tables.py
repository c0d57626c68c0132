"""The tables of network meetings (schema 13): meetings with their participants, and the members' decisions about
agreements released to their plans. The agreements themselves stay in ``network_agreements`` (which gets the meeting,
a due date and when it was released).

Schema 16: a meeting has a kind – a network meeting ('treffen') or a member's quality dialogue of a round
('qualitaetsdialog', hosted by the member, ``round_id`` set) – and a participant may be invited rather than present.

Part of the same :data:`qmkit.store.tables.metadata`.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, Time, UniqueConstraint, false

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
    # schema 16: 'treffen' (network meeting) or 'qualitaetsdialog' (a member's quality dialogue in a round)
    Column("kind", String(20), nullable=False, default="treffen", server_default="treffen"),
    Column("round_id", Integer, ForeignKey("network_rounds.id"), nullable=True, index=True),
)

network_meeting_participants = Table(
    "network_meeting_participants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_id", Integer, ForeignKey("network_meetings.id"), nullable=False, index=True),
    Column("member_id", Integer, ForeignKey("network_members.id"), nullable=True),
    Column("name", String(200), nullable=False, default=""),  # a person (guest, speaker) – not a client
    Column("invited", Boolean, nullable=False, default=False, server_default=false()),  # schema 16: invited only
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
